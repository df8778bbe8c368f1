import type {
  IAliasMove,
  IDescribeModel,
  IModelHistory,
  IModelSummary,
  IModelVersion
} from '../../api/types';

/**
 * A registered model as `GET /mlx/api/models` lists it, with `overrides`
 * applied: `wine`, version 3 its champion.
 */
export function makeModelSummary(
  overrides: Partial<IModelSummary> = {}
): IModelSummary {
  return {
    name: 'wine',
    description: null,
    aliases: { champion: '3' },
    latest_version: '3',
    created: 1_700_000_000_000,
    updated: Date.now() - 5 * 60_000,
    tags: {},
    ...overrides
  };
}

/**
 * A version of `wine`, with `overrides` applied.
 */
export function makeModelVersion(
  overrides: Partial<IModelVersion> = {}
): IModelVersion {
  return {
    version: '1',
    status: 'READY',
    source: 'models:/m-1',
    run_id: 'run-1',
    run_name: 'brave-owl-1',
    notebook: 'work/train.ipynb',
    job_id: null,
    environment: null,
    environment_lock_sha256: null,
    aliases: [],
    created: Date.now() - 3_600_000,
    user: 'ada',
    description: null,
    metrics: { val_accuracy: 0.9, loss: 0.3 },
    ...overrides
  };
}

/**
 * `wine` as `GET /mlx/api/models/wine` describes it, with `overrides`
 * applied: three versions, version 3 the champion, version 2 the
 * challenger, a gate on `val_accuracy`.
 */
export function makeDescribeModel(
  overrides: Partial<IDescribeModel> = {}
): IDescribeModel {
  return {
    ...makeModelSummary({ aliases: { champion: '3', challenger: '2' } }),
    versions: [
      makeModelVersion({
        version: '3',
        run_id: 'run-3',
        run_name: 'calm-fox-3',
        notebook: 'projects/wine-quality/notebooks/experiments/train.ipynb',
        aliases: ['champion'],
        metrics: { val_accuracy: 0.95, loss: 0.2, epochs: 10 }
      }),
      makeModelVersion({
        version: '2',
        run_id: 'run-2',
        run_name: 'bold-elk-2',
        aliases: ['challenger'],
        metrics: { val_accuracy: 0.93, loss: 0.25 }
      }),
      makeModelVersion({ version: '1' })
    ],
    gates: { metrics: ['val_accuracy >= 0.9'], smoke: true },
    ...overrides
  };
}

/**
 * An entry of an alias history, with `overrides` applied: ada promoted
 * version 3 to champion over version 2, its gate passed.
 */
export function makeAliasMove(overrides: Partial<IAliasMove> = {}): IAliasMove {
  return {
    move_id: 1,
    model: 'wine',
    alias: 'champion',
    action: 'promote',
    outcome: 'moved',
    from_version: '2',
    to_version: '3',
    user: 'ada',
    at: new Date(Date.now() - 60_000).toISOString(),
    gates: [
      {
        gate: 'val_accuracy >= 0.9',
        kind: 'metric',
        status: 'passed',
        detail: 'val_accuracy 0.95 >= 0.9'
      }
    ],
    note: 'better on the holdout',
    error: null,
    ...overrides
  };
}

/**
 * The alias history of `wine`, newest first: champion moved from 2 to 3.
 */
export function makeModelHistory(
  moves: IAliasMove[] = [makeAliasMove()]
): IModelHistory {
  return { name: 'wine', moves };
}
