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
 * With `requestBlob` and `requestEndpoint`, this is the only code of the
 * front-end that talks HTTP.
 *
 * @param path - Route below `mlx/api/`, e.g. `'config'`, with its query.
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
  const response = await fetchAPI(path, init, serverSettings);
  return parseJSON(await response.text()) as T;
}

/**
 * Call a route of the jupyter-mlx REST API that answers raw bytes (an
 * artifact's content), authenticated like every other call.
 *
 * @param path - Route below `mlx/api/`, with its query.
 * @param init - Fetch options.
 * @param serverSettings - Connection settings of the Jupyter server.
 * @returns The body, typed with the response's media type.
 * @throws {MLXResponseError} when the server answers with a non-2xx status.
 * @throws {ServerConnection.NetworkError} when the server cannot be reached.
 */
export async function requestBlob(
  path: string,
  init: RequestInit = {},
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<Blob> {
  const response = await fetchAPI(path, init, serverSettings);
  return response.blob();
}

/**
 * Send a request to an endpoint's model through the server's authenticated
 * proxy (`mlx/endpoints/NAME/...`, not below `mlx/api/`). Its status, error
 * or not, is the scoring protocol's answer to show, so none is thrown.
 *
 * @param url - The proxy's full URL.
 * @param init - Fetch options (method, headers, body).
 * @param serverSettings - Connection settings of the Jupyter server.
 * @returns The response, whatever its status.
 * @throws {ServerConnection.NetworkError} when the server cannot be reached.
 */
export function requestEndpoint(
  url: string,
  init: RequestInit,
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<Response> {
  return ServerConnection.makeRequest(
    url,
    { cache: 'no-cache', ...init },
    serverSettings
  );
}

/**
 * A route with its query string: `undefined`, `null` and `''` values are left
 * out, arrays repeat their key (`order_by=a&order_by=b`).
 *
 * @param path - Route below `mlx/api/`, e.g. `'runs'`.
 * @param query - Query parameters.
 */
export function withQuery(
  path: string,
  query: Record<
    string,
    string | number | boolean | null | undefined | ReadonlyArray<string>
  >
): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === undefined || item === null || item === '') {
        continue;
      }
      parts.push(
        `${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`
      );
    }
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/**
 * Send a request and turn an error status into an `MLXResponseError`.
 */
async function fetchAPI(
  path: string,
  init: RequestInit,
  serverSettings: ServerConnection.ISettings
): Promise<Response> {
  const url = URLExt.join(serverSettings.baseUrl, API_NAMESPACE, path);
  // `no-store` (the server settings' default) makes `makeRequest` append a
  // bare timestamp to the query, which the API rejects as an unknown query
  // parameter; `no-cache` revalidates every answer instead.
  const response = await ServerConnection.makeRequest(
    url,
    { cache: 'no-cache', ...init },
    serverSettings
  );
  if (!response.ok) {
    const body = parseJSON(await response.text());
    throw new MLXResponseError(
      response,
      isErrorBody(body) ? (body as Partial<IErrorBody>) : null
    );
  }
  return response;
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
