import type {
  IDescribeModel,
  IGateResult,
  IModelVersion,
  IPromotion,
  IRunModel
} from '../../api/types';
import { makeClient } from '../fixtures';
import { makeModelVersion } from './registry-fixtures';

/** What the versions of `makeModel` share: an old version with one metric. */
const SETTLED: Partial<IModelVersion> = {
  created: 1_700_000_000_000,
  metrics: { accuracy: 0.9 }
};

/**
 * A model of a run as `GET /mlx/api/runs/{run_id}/models` lists it, with
 * `overrides` applied: a LoggedModel with an input example.
 */
export function makeRunModel(overrides: Partial<IRunModel> = {}): IRunModel {
  return {
    artifact_path: 'model',
    source: 'logged_model',
    model_uri: 'models:/m-1',
    model_id: 'm-1',
    flavors: ['python_function', 'sklearn'],
    signature: { inputs: '[]', outputs: '[]' },
    has_input_example: true,
    ...overrides
  };
}

/**
 * A gate and its verdict, with `overrides` applied.
 */
export function makeGate(overrides: Partial<IGateResult> = {}): IGateResult {
  return {
    gate: 'accuracy >= 0.9',
    kind: 'metric',
    status: 'pending',
    detail: null,
    ...overrides
  };
}

/**
 * A promotion as the server answers it, with `overrides` applied: running,
 * its gate pending.
 */
export function makePromotion(overrides: Partial<IPromotion> = {}): IPromotion {
  return {
    promotion_id: 'p-1',
    state: 'running',
    name: 'wine',
    alias: 'champion',
    run_id: 'run-1',
    artifact_path: 'model',
    model_uri: 'models:/m-1',
    gates: [makeGate()],
    version: null,
    previous_version: null,
    error: null,
    started_at: '2024-05-01T10:00:00Z',
    finished_at: null,
    ...overrides
  };
}

/**
 * A registered model as `GET /mlx/api/models/{name}` answers it, with
 * `overrides` applied: versions 2 (@champion) and 1, one default gate.
 */
export function makeModel(
  overrides: Partial<IDescribeModel> = {}
): IDescribeModel {
  return {
    name: 'wine',
    description: null,
    aliases: { champion: '2' },
    latest_version: '2',
    created: 1_700_000_000_000,
    updated: 1_700_000_000_000,
    tags: {},
    versions: [
      makeModelVersion({
        ...SETTLED,
        version: '2',
        aliases: ['champion'],
        run_id: 'run-2'
      }),
      makeModelVersion(SETTLED)
    ],
    gates: { metrics: ['accuracy >= 0.9'], smoke: false },
    ...overrides
  };
}

/**
 * A client whose run `run-1` holds a LoggedModel `model` (with an input
 * example) and an artifact folder `legacy` (without), and whose registry
 * holds `wine`.
 */
export function makePromotionClient(): ReturnType<typeof makeClient> {
  const client = makeClient();
  client.listRunModels.mockResolvedValue({
    run_id: 'run-1',
    models: [
      makeRunModel(),
      makeRunModel({
        artifact_path: 'legacy',
        source: 'artifact',
        model_uri: 'runs:/run-1/legacy',
        model_id: null,
        flavors: ['python_function'],
        signature: null,
        has_input_example: false
      })
    ]
  });
  client.listModels.mockResolvedValue({
    models: [makeModel()],
    next_page_token: null
  });
  client.getModel.mockResolvedValue(makeModel());
  return client;
}
