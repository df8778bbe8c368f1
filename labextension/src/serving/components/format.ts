/**
 * Milliseconds as shown in tables: `1.23 ms`, `–` when unknown.
 */
export function formatMilliseconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) {
    return '–';
  }
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

/**
 * A JSON value as indented text (a string as it is).
 */
export function formatJSON(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/**
 * A JSON value on one line, cut to `max` characters.
 */
export function briefJSON(value: unknown, max = 120): string {
  const text =
    typeof value === 'string'
      ? value
      : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
