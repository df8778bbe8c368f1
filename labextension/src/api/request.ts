import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IErrorBody } from './types';

/**
 * URL segment under the server's base URL where the REST API lives.
 */
export const API_NAMESPACE = 'mlx/api';

/**
 * An error answered by the jupyter-mlx REST API.
 *
 * It carries the server's `message` (as the error message), its machine
 * readable `code` and the request `field` at fault, when the body had them.
 */
export class MLXResponseError extends ServerConnection.ResponseError {
  /**
   * Create an error from a failed response and its (possibly empty) body.
   *
   * @param response - The response whose status is not 2xx.
   * @param body - The parsed JSON body, when the response had one.
   */
  constructor(response: Response, body: Partial<IErrorBody> | null = null) {
    super(response, MLXResponseError.describe(response, body));
    this.name = 'MLXResponseError';
    this.code = body?.code ?? null;
    this.field = body?.field ?? null;
  }

  /**
   * HTTP status of the response.
   */
  get status(): number {
    return this.response.status;
  }

  /**
   * Stable code of the error from the server (e.g. `invalid_input`), or `null`
   * when the answer did not come from jupyter-mlx (e.g. a 404 of a server
   * without the extension).
   */
  readonly code: string | null;

  /**
   * Name of the request field that caused the error, when the server gave one.
   */
  readonly field: string | null;

  private static describe(
    response: Response,
    body: Partial<IErrorBody> | null
  ): string {
    if (body?.message) {
      return body.message;
    }
    return `${response.status} ${response.statusText}`.trim();
  }
}

/**
 * Call a route of the jupyter-mlx REST API and parse its JSON answer.
 *
 * This is the only function of the front-end that talks HTTP.
 *
 * @param path - Route below `mlx/api/`, e.g. `'config'`.
 * @param init - Fetch options (method, body, ...).
 * @param serverSettings - Connection settings of the Jupyter server.
 * @returns The parsed JSON body, or `undefined` for an empty answer (204).
 * @throws {MLXResponseError} when the server answers with a non-2xx status.
 * @throws {ServerConnection.NetworkError} when the server cannot be reached.
 */
export async function requestAPI<T>(
  path: string,
  init: RequestInit = {},
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(serverSettings.baseUrl, API_NAMESPACE, path);
  const response = await ServerConnection.makeRequest(
    url,
    init,
    serverSettings
  );
  const text = await response.text();
  const body = parseJSON(text);
  if (!response.ok) {
    throw new MLXResponseError(
      response,
      isErrorBody(body) ? (body as Partial<IErrorBody>) : null
    );
  }
  return body as T;
}

function parseJSON(text: string): unknown {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    // Not our API answering (e.g. an HTML 404 page of a proxy).
    return undefined;
  }
}

function isErrorBody(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as IErrorBody).message === 'string'
  );
}
