import type { IDescribeConfig, IRunSummary } from '../api/types';

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
