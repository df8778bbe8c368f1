import { MLXResponseError } from '../api/request';
import type { IDescribeConfig, IDescribeRun, IRunSummary } from '../api/types';
import type { IMLXClient } from '../tokens';

/**
 * A configuration as the server answers it, with `overrides` applied.
 */
export function makeConfig(
  overrides: Partial<IDescribeConfig> = {}
): IDescribeConfig {
  return {
    version: '0.1.0',
    features: ['status'],
    root_dir: '/srv/work',
    workspace: '/srv/work/.mlx',
    tracking_uri: 'sqlite:////srv/work/.mlx/mlflow.db',
    store: {
      url: 'sqlite:////srv/work/.mlx/mlx.db',
      healthy: true,
      revision: '0001',
      message: null
    },
    ...overrides
  };
}

/**
 * A run as `GET /mlx/api/runs` lists it, with `overrides` applied.
 */
export function makeRun(overrides: Partial<IRunSummary> = {}): IRunSummary {
  return {
    run_id: 'run-1',
    run_name: 'brave-owl-1',
    experiment_id: '1',
    status: 'FINISHED',
    start_time: 1_700_000_000_000,
    end_time: 1_700_000_065_000,
    notebook: 'work/train.ipynb',
    user: 'ada',
    params: { lr: '0.01', epochs: '5' },
    metrics: { loss: 0.25, accuracy: 0.9 },
    tags: { 'mlflow.source.name': 'work/train.ipynb' },
    ...overrides
  };
}

/**
 * A run as `GET /mlx/api/runs/{run_id}` describes it, with `overrides`
 * applied.
 */
export function makeDescribeRun(
  overrides: Partial<IDescribeRun> = {}
): IDescribeRun {
  return {
    ...makeRun(),
    artifact_uri: 'file:///srv/work/.mlx/mlruns/1/run-1/artifacts',
    lifecycle_stage: 'active',
    metric_keys: ['accuracy', 'loss'],
    notebook_snapshot: 'notebook/train.ipynb',
    snapshot_warning: null,
    environment: null,
    job: null,
    models: [],
    ...overrides
  };
}

/**
 * The error code the server sends with each status.
 */
const ERROR_CODES: Record<number, string> = {
  400: 'invalid_input',
  404: 'not_found',
  409: 'conflict'
};

/**
 * An error as the REST API answers it: the server's message, its code and
 * the request field at fault.
 */
export function makeAPIError(
  status: number,
  message: string,
  field: string | null = null
): MLXResponseError {
  return new MLXResponseError(new Response(null, { status }), {
    message,
    code: ERROR_CODES[status] ?? 'unavailable',
    field
  });
}

/**
 * A REST API client whose every method is a jest mock, rejecting until a
 * test says what it answers.
 */
export function makeClient(): jest.Mocked<IMLXClient> {
  const unexpected = (name: string) =>
    jest.fn((..._: unknown[]) =>
      Promise.reject(new Error(`unexpected call of ${name}`))
    );
  return {
    getConfig: unexpected('getConfig'),
    listExperiments: unexpected('listExperiments'),
    listRuns: unexpected('listRuns'),
    getRun: unexpected('getRun'),
    listRunMetrics: unexpected('listRunMetrics'),
    listArtifacts: unexpected('listArtifacts'),
    getArtifact: unexpected('getArtifact'),
    compareRuns: unexpected('compareRuns')
  } as unknown as jest.Mocked<IMLXClient>;
}
