import { ServerConnection } from '@jupyterlab/services';

import type { IMLXClient } from '../tokens';
import { requestAPI, requestBlob, withQuery } from './request';
import type {
  ICompareRunsRequest,
  ICompareRunsResponse,
  IDescribeConfig,
  IDescribeRun,
  IListArtifactsResponse,
  IListRunMetricsResponse,
  IListExperimentsQuery,
  IListExperimentsResponse,
  IListRunsQuery,
  IListRunsResponse
} from './types';

/**
 * Typed client of the jupyter-mlx REST API: one method per operation.
 *
 * Built once by the `jupyter-mlx:core` plugin with the application's server
 * settings and shared through the `IMLXClient` token. The methods are
 * documented on the `IMLXClient` interface.
 */
export class MLXClient implements IMLXClient {
  /**
   * @param serverSettings - Connection settings of the Jupyter server.
   */
  constructor(readonly serverSettings: ServerConnection.ISettings) {}

  /**
   * `GET /mlx/api/config`: the server extension's version, features and paths.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getConfig(): Promise<IDescribeConfig> {
    return requestAPI<IDescribeConfig>('config', {}, this.serverSettings);
  }

  /**
   * `GET /mlx/api/experiments`: a page of experiments.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listExperiments(
    query: IListExperimentsQuery = {}
  ): Promise<IListExperimentsResponse> {
    return requestAPI(
      withQuery('experiments', { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/runs`: a page of runs.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listRuns(query: IListRunsQuery = {}): Promise<IListRunsResponse> {
    return requestAPI(withQuery('runs', { ...query }), {}, this.serverSettings);
  }

  /**
   * `GET /mlx/api/runs/{run_id}`: one run in full.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getRun(runId: string): Promise<IDescribeRun> {
    return requestAPI(
      `runs/${encodeURIComponent(runId)}`,
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/runs/{run_id}/metrics`: the metric histories of one run.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listRunMetrics(runId: string): Promise<IListRunMetricsResponse> {
    return requestAPI(
      `runs/${encodeURIComponent(runId)}/metrics`,
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/runs/{run_id}/artifacts`: one artifact folder.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listArtifacts(runId: string, path = ''): Promise<IListArtifactsResponse> {
    return requestAPI(
      withQuery(`runs/${encodeURIComponent(runId)}/artifacts`, { path }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/runs/{run_id}/artifacts/content`: one artifact's bytes.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getArtifact(
    runId: string,
    path: string,
    format: 'html' | null = null
  ): Promise<Blob> {
    return requestBlob(
      withQuery(`runs/${encodeURIComponent(runId)}/artifacts/content`, {
        path,
        format
      }),
      {},
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/runs/compare`: aligned metrics and params of runs.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  compareRuns(request: ICompareRunsRequest): Promise<ICompareRunsResponse> {
    return requestAPI(
      'runs/compare',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }
}
