import type { EndpointState, IEndpoint } from '../api/types';

/**
 * A valid endpoint name: a letter or digit, then up to 62 letters, digits,
 * `_`, `.` or `-` (the server's pattern).
 */
export const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * Most characters of an endpoint name.
 */
export const MAX_ENDPOINT_NAME_LENGTH = 63;

/**
 * The endpoint name a model URI suggests: the registered model's name
 * (`models:/churn@champion` -> `churn`), or the last part of another URI,
 * made valid (other characters become `-`).
 *
 * @param modelUri - The model served.
 */
export function defaultEndpointName(modelUri: string): string {
  const path = modelUri.replace(/^[a-z]+:\/*/i, '');
  const registered = /^models:/i.test(modelUri);
  const parts = path.split('/').filter(part => part !== '');
  const picked = registered ? (parts[0] ?? '') : (parts.pop() ?? '');
  const name = picked
    .split('@')[0]
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_ENDPOINT_NAME_LENGTH);
  return name || 'model';
}

/**
 * Whether an endpoint serves: its process answers requests.
 */
export function isServing(endpoint: Pick<IEndpoint, 'state'>): boolean {
  return endpoint.state === 'running';
}

/**
 * Whether an endpoint's process is up or coming up (so Stop applies, and
 * Start does not).
 */
export function isUp(state: EndpointState): boolean {
  return state === 'running' || state === 'starting' || state === 'crashed';
}

/**
 * The `curl` command sending `body` to an endpoint's scoring route through
 * Jupyter's proxy, with a placeholder for the server's token (never the
 * token itself).
 *
 * @param url - The absolute URL of the route.
 * @param body - The JSON request.
 */
export function curlCommand(url: string, body: string): string {
  return [
    `curl -X POST ${shellQuote(url)}`,
    `  -H 'Authorization: token <TOKEN>'`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(compactJSON(body))}`
  ].join(' \\\n');
}

/**
 * JSON text on one line when it parses; as typed otherwise.
 */
export function compactJSON(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.trim();
  }
}

/**
 * A string quoted for a POSIX shell.
 */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
