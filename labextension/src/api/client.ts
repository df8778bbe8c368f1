import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IMLXClient } from '../tokens';
import {
  API_NAMESPACE,
  requestAPI,
  requestBlob,
  requestEndpoint,
  withQuery
} from './request';
import type {
  IAliasMove,
  IDescribeModel,
  IGates,
  IListModelsQuery,
  IListModelsResponse,
  IModelHistory,
  IMoveAliasRequest,
  IPromoteRequest,
  IPromotion,
  IRollbackRequest,
  IRunModels,
  ICompareRunsRequest,
  ICreateEndpointRequest,
  IEndpoint,
  IEndpointDrift,
  IEndpointLog,
  IEndpointMetrics,
  IEndpointMetricsQuery,
  IInvocation,
  IListEndpointsResponse,
  IUpdateEndpointRequest,
  ICompareRunsResponse,
  ICreateJobRequest,
  ICreateJobRunRequest,
  ICreateEnvironmentRequest,
  ICreateSweepRequest,
  IDeleteEnvironmentQuery,
  IDeleteJobQuery,
  IDeleteSweepQuery,
  IDescribeConfig,
  IDescribeRun,
  IEnvironment,
  IEnvironmentList,
  IEnvironmentLog,
  IJobDefinition,
  IJobRun,
  IJobRunLog,
  IListArtifactsResponse,
  IListJobRunsQuery,
  IListJobRunsResponse,
  IListJobsQuery,
  IListJobsResponse,
  IListRunMetricsResponse,
  IListExperimentsQuery,
  IListExperimentsResponse,
  IListRunsQuery,
  IListRunsOfJobQuery,
  IListRunsResponse,
  IListSweepsQuery,
  IListSweepsResponse,
  ILockDiff,
  ILockRequest,
  INotebookParametersResponse,
  IReproduction,
  ISchedulePreview,
  ISchedulePreviewQuery,
  ISweep,
  ITriggerJobRequest,
  ITriggerJobResponse,
  IUpdateJobRequest,
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
   * `POST /mlx/api/runs/{run_id}/reproduce`: run a recorded run again as a
   * job run.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  reproduceRun(runId: string): Promise<IReproduction> {
    return requestAPI(
      `runs/${encodeURIComponent(runId)}/reproduce`,
      { method: 'POST' },
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

  /**
   * `GET /mlx/api/jobs`: every job definition.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listJobs(query: IListJobsQuery = {}): Promise<IListJobsResponse> {
    return requestAPI(withQuery('jobs', { ...query }), {}, this.serverSettings);
  }

  /**
   * `POST /mlx/api/jobs`: create a job definition.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  createJob(request: ICreateJobRequest): Promise<IJobDefinition> {
    return requestAPI(
      'jobs',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/jobs/{job_id}`: one job definition.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getJob(jobId: string): Promise<IJobDefinition> {
    return requestAPI(jobPath(jobId), {}, this.serverSettings);
  }

  /**
   * `PATCH /mlx/api/jobs/{job_id}`: change a job definition.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  updateJob(
    jobId: string,
    request: IUpdateJobRequest
  ): Promise<IJobDefinition> {
    return requestAPI(
      jobPath(jobId),
      { method: 'PATCH', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `DELETE /mlx/api/jobs/{job_id}`: delete a job definition.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  deleteJob(jobId: string, query: IDeleteJobQuery = {}): Promise<void> {
    return requestAPI(
      withQuery(jobPath(jobId), { ...query }),
      { method: 'DELETE' },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/jobs/{job_id}/trigger`: run a job definition now.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  triggerJob(
    jobId: string,
    request: ITriggerJobRequest = {}
  ): Promise<ITriggerJobResponse> {
    return requestAPI(
      `${jobPath(jobId)}/trigger`,
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/jobs/{job_id}/pause`: stop firing a schedule.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  pauseJob(jobId: string): Promise<IJobDefinition> {
    return this._jobAction(jobId, 'pause');
  }

  /**
   * `POST /mlx/api/jobs/{job_id}/resume`: fire a paused schedule again.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  resumeJob(jobId: string): Promise<IJobDefinition> {
    return this._jobAction(jobId, 'resume');
  }

  /**
   * `POST /mlx/api/jobs/{job_id}/update-from-notebook`: take a new copy of
   * the notebook.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  updateJobFromNotebook(jobId: string): Promise<IJobDefinition> {
    return this._jobAction(jobId, 'update-from-notebook');
  }

  /**
   * `GET /mlx/api/jobs/{job_id}/runs`: a page of a definition's runs.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listRunsOfJob(
    jobId: string,
    query: IListRunsOfJobQuery = {}
  ): Promise<IListJobRunsResponse> {
    return requestAPI(
      withQuery(`${jobPath(jobId)}/runs`, { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/sweeps`: start a sweep.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  createSweep(request: ICreateSweepRequest): Promise<ISweep> {
    return requestAPI(
      'sweeps',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/sweeps`: sweeps, newest first.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listSweeps(query: IListSweepsQuery = {}): Promise<IListSweepsResponse> {
    return requestAPI(
      withQuery('sweeps', { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/sweeps/{sweep_id}`: one sweep with its trials.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getSweep(sweepId: string): Promise<ISweep> {
    return requestAPI(sweepPath(sweepId), {}, this.serverSettings);
  }

  /**
   * `DELETE /mlx/api/sweeps/{sweep_id}`: delete an ended sweep.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  deleteSweep(sweepId: string, query: IDeleteSweepQuery = {}): Promise<void> {
    return requestAPI(
      withQuery(sweepPath(sweepId), { ...query }),
      { method: 'DELETE' },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/sweeps/{sweep_id}/stop`: stop a running sweep.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  stopSweep(sweepId: string): Promise<ISweep> {
    return requestAPI(
      `${sweepPath(sweepId)}/stop`,
      { method: 'POST' },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/schedules/preview`: a cron expression in words and its
   * next fire times.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  previewSchedule(query: ISchedulePreviewQuery): Promise<ISchedulePreview> {
    return requestAPI(
      withQuery('schedules/preview', { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/environments`: every environment and the unreadable specs.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listEnvironments(): Promise<IEnvironmentList> {
    return requestAPI('environments', {}, this.serverSettings);
  }

  /**
   * `POST /mlx/api/environments`: write a new spec.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  createEnvironment(request: ICreateEnvironmentRequest): Promise<IEnvironment> {
    return requestAPI(
      'environments',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/environments/{name}`: one environment.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getEnvironment(name: string): Promise<IEnvironment> {
    return requestAPI(environmentPath(name), {}, this.serverSettings);
  }

  /**
   * `DELETE /mlx/api/environments/{name}`: remove an environment.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  deleteEnvironment(
    name: string,
    query: IDeleteEnvironmentQuery = {}
  ): Promise<void> {
    return requestAPI(
      withQuery(environmentPath(name), { ...query }),
      { method: 'DELETE' },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/environments/{name}/lock`: solve the spec into a lock.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  lockEnvironment(
    name: string,
    request: ILockRequest = {}
  ): Promise<IEnvironment> {
    return requestAPI(
      `${environmentPath(name)}/lock`,
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/environments/{name}/install`: start installing the lock.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  installEnvironment(name: string): Promise<IEnvironment> {
    return requestAPI(
      `${environmentPath(name)}/install`,
      { method: 'POST' },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/environments/{name}/log`: a piece of the lock and install
   * log.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  readEnvironmentLog(name: string, offset = 0): Promise<IEnvironmentLog> {
    return requestAPI(
      withQuery(`${environmentPath(name)}/log`, { offset }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/environments/{name}/lock-diff`: the lock against the
   * previous one.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getLockDiff(name: string): Promise<ILockDiff> {
    return requestAPI(
      `${environmentPath(name)}/lock-diff`,
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/models`: a page of registered models.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listModels(query: IListModelsQuery = {}): Promise<IListModelsResponse> {
    return requestAPI(
      withQuery('models', { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/models/{name}`: a registered model with its versions.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getModel(name: string): Promise<IDescribeModel> {
    return requestAPI(modelPath(name), {}, this.serverSettings);
  }

  /**
   * `GET /mlx/api/models/{name}/history`: its alias moves.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getModelHistory(name: string): Promise<IModelHistory> {
    return requestAPI(`${modelPath(name)}/history`, {}, this.serverSettings);
  }

  /**
   * `PUT /mlx/api/models/{name}/gates`: store its default gates.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  setModelGates(name: string, gates: IGates): Promise<IGates> {
    return requestAPI(
      `${modelPath(name)}/gates`,
      { method: 'PUT', body: JSON.stringify(gates) },
      this.serverSettings
    );
  }

  /**
   * `PUT /mlx/api/models/{name}/aliases/{alias}`: start a gated alias move.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  moveModelAlias(
    name: string,
    alias: string,
    request: IMoveAliasRequest
  ): Promise<IPromotion> {
    return requestAPI(
      aliasPath(name, alias),
      { method: 'PUT', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `DELETE /mlx/api/models/{name}/aliases/{alias}`: remove an alias.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  deleteModelAlias(name: string, alias: string): Promise<void> {
    return requestAPI(
      aliasPath(name, alias),
      { method: 'DELETE' },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/models/{name}/aliases/{alias}/rollback`: move an alias
   * back.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  rollbackModelAlias(
    name: string,
    alias: string,
    request: IRollbackRequest = {}
  ): Promise<IAliasMove> {
    return requestAPI(
      `${aliasPath(name, alias)}/rollback`,
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/models/promote`: start promoting a run's model.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  promoteModel(request: IPromoteRequest): Promise<IPromotion> {
    return requestAPI(
      'models/promote',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/promotions/{promotion_id}`: a promotion's progress.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getPromotion(promotionId: string): Promise<IPromotion> {
    return requestAPI(
      `promotions/${encodeURIComponent(promotionId)}`,
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/runs/{run_id}/models`: the models a run holds.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listRunModels(runId: string): Promise<IRunModels> {
    return requestAPI(
      `runs/${encodeURIComponent(runId)}/models`,
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/endpoints`: every endpoint.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  listEndpoints(): Promise<IListEndpointsResponse> {
    return requestAPI('endpoints', {}, this.serverSettings);
  }

  /**
   * `POST /mlx/api/endpoints`: serve a model.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  createEndpoint(request: ICreateEndpointRequest): Promise<IEndpoint> {
    return requestAPI(
      'endpoints',
      { method: 'POST', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/endpoints/{name}`: one endpoint.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getEndpoint(name: string): Promise<IEndpoint> {
    return requestAPI(endpointPath(name), {}, this.serverSettings);
  }

  /**
   * `PATCH /mlx/api/endpoints/{name}`: split traffic, promote or drop the
   * canary, tune batching.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  updateEndpoint(
    name: string,
    request: IUpdateEndpointRequest
  ): Promise<IEndpoint> {
    return requestAPI(
      endpointPath(name),
      { method: 'PATCH', body: JSON.stringify(request) },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/endpoints/{name}/stop`: stop its process, keep it.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  stopEndpoint(name: string): Promise<IEndpoint> {
    return requestAPI(
      `${endpointPath(name)}/stop`,
      { method: 'POST' },
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/api/endpoints/{name}/restart`: start its process again.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  restartEndpoint(name: string): Promise<IEndpoint> {
    return requestAPI(
      `${endpointPath(name)}/restart`,
      { method: 'POST' },
      this.serverSettings
    );
  }

  /**
   * `DELETE /mlx/api/endpoints/{name}`: stop and remove it.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  deleteEndpoint(name: string): Promise<void> {
    return requestAPI(
      endpointPath(name),
      { method: 'DELETE' },
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/endpoints/{name}/metrics`: its traffic per second.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getEndpointMetrics(
    name: string,
    query: IEndpointMetricsQuery = {}
  ): Promise<IEndpointMetrics> {
    return requestAPI(
      withQuery(`${endpointPath(name)}/metrics`, { ...query }),
      {},
      this.serverSettings
    );
  }

  /**
   * `GET /mlx/api/endpoints/{name}/drift`: input drift per feature.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getEndpointDrift(name: string): Promise<IEndpointDrift> {
    return requestAPI(`${endpointPath(name)}/drift`, {}, this.serverSettings);
  }

  /**
   * `GET /mlx/api/endpoints/{name}/log`: its latest requests.
   *
   * @throws {MLXResponseError} see `IMLXClient`.
   */
  getEndpointLog(name: string, limit?: number): Promise<IEndpointLog> {
    return requestAPI(
      withQuery(`${endpointPath(name)}/log`, { limit }),
      {},
      this.serverSettings
    );
  }

  /**
   * `POST /mlx/endpoints/{name}/invocations`: score through Jupyter's proxy.
   *
   * @throws {ServerConnection.NetworkError} see `IMLXClient`.
   */
  async invokeEndpoint(
    name: string,
    body: string | Record<string, unknown>,
    contentType = 'application/json'
  ): Promise<IInvocation> {
    const started = performance.now();
    const response = await requestEndpoint(
      this.endpointUrl(name),
      {
        method: 'POST',
        headers: { 'Content-Type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body)
      },
      this.serverSettings
    );
    const text = await response.text();
    const latency = performance.now() - started;
    return describeInvocation(response, text, latency);
  }

  /**
   * The URL of an endpoint's route through Jupyter's proxy.
   */
  endpointUrl(name: string, route = 'invocations'): string {
    return URLExt.join(
      this.serverSettings.baseUrl,
      ENDPOINTS_NAMESPACE,
      encodeURIComponent(name),
      route
    );
  }

  /**
   * `POST /mlx/api/jobs/{job_id}/<action>`: an action answering the
   * definition.
   */
  private _jobAction(
    jobId: string,
    action: 'pause' | 'resume' | 'update-from-notebook'
  ): Promise<IJobDefinition> {
    return requestAPI(
      `${jobPath(jobId)}/${action}`,
      { method: 'POST' },
      this.serverSettings
    );
  }
}

/**
 * The route of one job definition.
 */
function jobPath(jobId: string): string {
  return `jobs/${encodeURIComponent(jobId)}`;
}

/**
 * The route of one sweep.
 */
function sweepPath(sweepId: string): string {
  return `sweeps/${encodeURIComponent(sweepId)}`;
}

/**
 * The route of one job run.
 */
function jobRunPath(runId: string): string {
  return `job-runs/${encodeURIComponent(runId)}`;
}

/**
 * The route of one environment.
 */
function environmentPath(name: string): string {
  return `environments/${encodeURIComponent(name)}`;
}

/**
 * URL segment under the server's base URL where Jupyter proxies the
 * endpoints' scoring routes.
 */
const ENDPOINTS_NAMESPACE = 'mlx/endpoints';

/**
 * The route of one endpoint.
 */
function endpointPath(name: string): string {
  return `endpoints/${encodeURIComponent(name)}`;
}

/**
 * An endpoint's answer: its JSON (or text), and for an error status the
 * message and code of the scoring server (`error_code`) or of Jupyter
 * (`code`).
 */
export function describeInvocation(
  response: Response,
  text: string,
  latency: number
): IInvocation {
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (e.g. an HTML error page): shown as text.
  }
  const fields =
    typeof body === 'object' && body !== null
      ? (body as Record<string, unknown>)
      : {};
  const message = typeof fields.message === 'string' ? fields.message : null;
  const code = fields.error_code ?? fields.code;
  return {
    status: response.status,
    ok: response.ok,
    latency_ms: latency,
    body,
    error: response.ok
      ? null
      : (message ??
        (`${response.status} ${response.statusText}`.trim() ||
          String(response.status))),
    code: response.ok ? null : typeof code === 'string' ? code : null
  };
}

/**
 * The route of one registered model.
 */
function modelPath(name: string): string {
  return `models/${encodeURIComponent(name)}`;
}

/**
 * The route of one alias of a registered model.
 */
function aliasPath(name: string, alias: string): string {
  return `${modelPath(name)}/aliases/${encodeURIComponent(alias)}`;
}
