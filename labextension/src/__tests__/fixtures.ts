import type { IDescribeConfig } from '../api/types';

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
