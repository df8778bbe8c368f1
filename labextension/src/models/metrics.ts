import type { IDescribeModel } from '../api/types';

/**
 * How many key metrics a model's versions are shown with.
 */
export const KEY_METRIC_COUNT = 4;

/**
 * The metric a gate expression checks: its first word (`val_accuracy` in
 * `val_accuracy >= 0.9`).
 */
function gateMetric(gate: string): string | null {
  const match = /^\s*([^\s<>=!]+)/.exec(gate);
  return match ? match[1] : null;
}

/**
 * The key metrics of a model, the same for each of its versions: the
 * metrics its default gates check, then those most of its versions have,
 * then by name.
 *
 * @param model - The registered model with its versions.
 * @param count - How many keys at most.
 */
export function keyMetrics(
  model: IDescribeModel,
  count = KEY_METRIC_COUNT
): string[] {
  const seen = new Map<string, number>();
  for (const version of model.versions) {
    for (const key of Object.keys(version.metrics)) {
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  const gated = new Set(
    model.gates.metrics
      .map(gateMetric)
      .filter((key): key is string => key !== null && seen.has(key))
  );
  return [...seen.keys()]
    .sort(
      (a, b) =>
        Number(gated.has(b)) - Number(gated.has(a)) ||
        (seen.get(b) ?? 0) - (seen.get(a) ?? 0) ||
        a.localeCompare(b)
    )
    .slice(0, count);
}
