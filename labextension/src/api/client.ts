import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IMLXClient } from '../tokens';
import { API_NAMESPACE, requestAPI, requestBlob, withQuery } from './request';
import type {
  ICompareRunsRequest,
  ICompareRunsResponse,
  ICreateJobRunRequest,
  IDescribeConfig,
  IDescribeRun,
  IJobRun,
  IJobRunLog,
  IListArtifactsResponse,
  IListJobRunsQuery,
  IListJobRunsResponse,
  IListRunMetricsResponse,
  IListExperimentsQuery,
  IListExperimentsResponse,
  IListRunsQuery,
  IListRunsResponse,
  INotebookParametersResponse,
  OutputFormat
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

  /**
   * `GET /mlx/api/notebooks/parameters`: a notebook's parameters and kernels.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getNotebookParameters(path: string): Promise<INotebookParametersResponse> {
    return requestAPI(
      withQuery('notebooks/parameters', { path }),
      {},
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/job-runs`: queue a run of a notebook.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  createJobRun(request: ICreateJobRunRequest): Promise<IJobRun> {
    return requestAPI(
      'job-runs',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/job-runs`: a page of job runs.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listJobRuns(query: IListJobRunsQuery = {}): Promise<IListJobRunsResponse> {
    return requestAPI(
      withQuery('job-runs', { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/job-runs/{job_run_id}`: one job run.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getJobRun(runId: string): Promise<IJobRun> {
    return requestAPI(jobRunPath(runId), {}, this.serverSettings);
  }

  /**
   * `DELETE /mlx/api/job-runs/{job_run_id}`: delete an ended run.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  deleteJobRun(runId: string): Promise<void> {
    return requestAPI(
      jobRunPath(runId),
      { method: 'DELETE' },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/job-runs/{job_run_id}/stop`: stop an active run.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  stopJobRun(runId: string): Promise<IJobRun> {
    return requestAPI(
      `${jobRunPath(runId)}/stop`,
      { method: 'POST' },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/job-runs/{job_run_id}/log`: a piece of a run's log.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  readJobRunLog(runId: string, offset = 0): Promise<IJobRunLog> {
    return requestAPI(
      withQuery(`${jobRunPath(runId)}/log`, { offset }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/job-runs/{job_run_id}/output`: the output notebook's bytes.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getJobRunOutput(
    runId: string,
    format: OutputFormat = 'ipynb'
  ): Promise<Blob> {
    return requestBlob(
      withQuery(`${jobRunPath(runId)}/output`, { format }),
      {},
      this.serverSettings
    );
  }

  /**
   * The URL of `GET /mlx/api/job-runs/{job_run_id}/output`.
   */
  jobRunOutputUrl(runId: string, format: OutputFormat = 'ipynb'): string {
    return URLExt.join(
      this.serverSettings.baseUrl,
      API_NAMESPACE,
      withQuery(`${jobRunPath(runId)}/output`, { format })
    );
  }
}

/**
 * The route of one job run.
 */
function jobRunPath(runId: string): string {
  return `job-runs/${encodeURIComponent(runId)}`;
}
