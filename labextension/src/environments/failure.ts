/**
 * The message of a failure: the server's, for an API error.
 */
export function failureMessage(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
