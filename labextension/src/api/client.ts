import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from './request';
import type { IDescribeConfig } from './types';

/**
 * Typed client of the jupyter-mlx REST API: one method per operation.
 *
 * Built once by the `jupyter-mlx:core` plugin with the application's server
 * settings and shared through the `IMLXClient` token.
 */
export class MLXClient {
  /**
   * @param serverSettings - Connection settings of the Jupyter server.
   */
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  /**
   * `GET /mlx/api/config`: the server extension's version, features and paths.
   *
   * @throws {MLXResponseError} when the server answers with an error
   * (404 when the server extension is not enabled).
   */
  getConfig(): Promise<IDescribeConfig> {
    return requestAPI<IDescribeConfig>('config', {}, this.serverSettings);
  }
}
