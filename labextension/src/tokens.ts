import { Token } from '@lumino/coreutils';
import type { Widget } from '@lumino/widgets';

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
  ICreateEndpointRequest,
  IEndpoint,
  IEndpointDrift,
  IEndpointLog,
  IEndpointMetrics,
  IEndpointMetricsQuery,
  IInvocation,
  IListEndpointsResponse,
  IUpdateEndpointRequest,
  ICompareRunsRequest,
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
  IListRunsOfJobQuery,
  IListRunsQuery,
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
} from './api/types';

/**
 * The jupyter-mlx REST API client shared by all plugins.
 */
export interface IMLXClient {
  /**
   * Fetch the server extension's version, enabled features and paths.
   *
   * @returns The server's answer to `GET /mlx/api/config`.
   * @throws {MLXResponseError} when the server answers with an error status
   * (404 when the server extension is not enabled).
   */
  getConfig(): Promise<IDescribeConfig>;

  /**
   * Fetch a page of MLflow experiments, most recently updated first.
   *
   * @param query - Page size and token.
   * @throws {MLXResponseError} 400 for a bad page token, 503 when the tracking
   * store cannot be reached.
   */
  listExperiments(
    query?: IListExperimentsQuery
  ): Promise<IListExperimentsResponse>;

  /**
   * Fetch a page of runs, of one notebook or of given experiments.
   *
   * @param query - Notebook, filter, order, page size and token.
   * @throws {MLXResponseError} 400 for a malformed `filter` or `order_by`
   * (the error's `field` names it), 503 when the tracking store cannot be
   * reached (the message names its URI).
   */
  listRuns(query?: IListRunsQuery): Promise<IListRunsResponse>;

  /**
   * Fetch everything about one run.
   *
   * @param runId - The MLflow run id.
   * @throws {MLXResponseError} 404 for an unknown run, 503 when the tracking
   * store cannot be reached.
   */
  getRun(runId: string): Promise<IDescribeRun>;

  /**
   * The metric histories of one run, one series per metric.
   *
   * @param runId - The MLflow run id.
   * @throws {MLXResponseError} 404 for an unknown run.
   */
  listRunMetrics(runId: string): Promise<IListRunMetricsResponse>;

  /**
   * List one folder of a run's artifacts.
   *
   * @param runId - The MLflow run id.
   * @param path - The folder, relative to the artifact root; `''` for the root.
   * @throws {MLXResponseError} 400 for a bad path, 404 for an unknown run.
   */
  listArtifacts(runId: string, path?: string): Promise<IListArtifactsResponse>;

  /**
   * Fetch one artifact's content.
   *
   * @param runId - The MLflow run id.
   * @param path - The file, relative to the artifact root.
   * @param format - `'html'` renders a notebook artifact as HTML.
   * @returns The bytes, typed with the artifact's media type.
   * @throws {MLXResponseError} 400 for a bad path, 404 for an unknown run or
   * file.
   */
  getArtifact(
    runId: string,
    path: string,
    format?: 'html' | null
  ): Promise<Blob>;

  /**
   * Align the metric histories and parameters of runs.
   *
   * @param request - The runs (2 to 50 distinct) and, optionally, the metrics.
   * @throws {MLXResponseError} 400 for a bad request, 404 for an unknown run.
   */
  compareRuns(request: ICompareRunsRequest): Promise<ICompareRunsResponse>;

  /**
   * Run a recorded MLflow run again, as it ran: its environment installed
   * from the lock it recorded, its notebook snapshot with its parameters, as
   * a job run in the same experiment.
   *
   * @param runId - The MLflow run id.
   * @returns The job run queued (poll it) and what may differ from the
   * original (no recorded lock, a data input whose hash changed).
   * @throws {MLXResponseError} 400 naming `run_id` for a run that recorded
   * no notebook snapshot or was not made by jupyter-mlx, 404 for an unknown
   * run, 503 when the tracking store cannot be reached.
   */
  reproduceRun(runId: string): Promise<IReproduction>;

  /**
   * The parameters cell of a notebook (names, types, defaults) and the
   * kernels a run of it may use. The server also starts a kernel ahead, so a
   * run submitted next does not wait for one.
   *
   * @param path - The notebook's path relative to the server root.
   * @throws {MLXResponseError} 400 for a path that is not a notebook (field
   * `path`), 404 for a missing notebook.
   */
  getNotebookParameters(path: string): Promise<INotebookParametersResponse>;

  /**
   * Queue a run of a notebook with parameters.
   *
   * @param request - The notebook, parameter values and run options.
   * @returns The queued run (or, for a repeated `idempotency_key`, the run
   * the first create made).
   * @throws {MLXResponseError} 400 naming the `field` at fault (e.g.
   * `parameters.epochs`, `timeout`, `kernel`, `notebook`), 404 for a missing
   * notebook or job, 409 for a conflict.
   */
  createJobRun(request: ICreateJobRunRequest): Promise<IJobRun>;

  /**
   * Fetch a page of job runs, newest first.
   *
   * @param query - Notebook, statuses, job, page size and token.
   * @throws {MLXResponseError} 400 for a bad query (the error's `field`
   * names it).
   */
  listJobRuns(query?: IListJobRunsQuery): Promise<IListJobRunsResponse>;

  /**
   * Fetch one job run with its attempts.
   *
   * @param runId - The job run id.
   * @throws {MLXResponseError} 404 for an unknown run.
   */
  getJobRun(runId: string): Promise<IJobRun>;

  /**
   * Delete a job run that has ended, with its files (its MLflow run is kept).
   *
   * @param runId - The job run id.
   * @throws {MLXResponseError} 404 for an unknown run, 409 for a run that
   * has not ended.
   */
  deleteJobRun(runId: string): Promise<void>;

  /**
   * Stop a queued or running job run; its kernel's process tree is killed.
   *
   * @param runId - The job run id.
   * @returns The run, stopped.
   * @throws {MLXResponseError} 404 for an unknown run, 409 for a run that
   * has ended.
   */
  stopJobRun(runId: string): Promise<IJobRun>;

  /**
   * Read a job run's log from a byte offset on.
   *
   * @param runId - The job run id.
   * @param offset - The byte to read from: `0`, or the `next_offset` of the
   * previous piece.
   * @throws {MLXResponseError} 400 for a bad offset, 404 for an unknown run.
   */
  readJobRunLog(runId: string, offset?: number): Promise<IJobRunLog>;

  /**
   * Fetch a job run's output notebook.
   *
   * @param runId - The job run id.
   * @param format - `'ipynb'` for the notebook, `'html'` for it rendered.
   * @returns The bytes, typed with their media type.
   * @throws {MLXResponseError} 404 for an unknown run or one without output.
   */
  getJobRunOutput(runId: string, format?: OutputFormat): Promise<Blob>;

  /**
   * The URL of a job run's output notebook (e.g. for a download link); the
   * browser's session cookie authenticates it.
   *
   * @param runId - The job run id.
   * @param format - `'ipynb'` for the notebook, `'html'` for it rendered.
   */
  jobRunOutputUrl(runId: string, format?: OutputFormat): string;

  /**
   * Fetch every job definition, by name.
   *
   * @param query - Only the definitions of a notebook.
   * @throws {MLXResponseError} 400 for a bad query.
   */
  listJobs(query?: IListJobsQuery): Promise<IListJobsResponse>;

  /**
   * Create a job definition: a copy of the notebook with its settings, run on
   * a cron schedule or on demand, one run or a sweep per fire.
   *
   * @param request - The notebook, its settings and schedule.
   * @returns The definition (its `next_fire_at` set when scheduled).
   * @throws {MLXResponseError} 400 naming the `field` at fault (`cron`,
   * `timezone`, `webhook_url`, `sweep.parameters`, `parameters.lr`, ...),
   * 404 for a missing notebook, 409 for a duplicate name.
   */
  createJob(request: ICreateJobRequest): Promise<IJobDefinition>;

  /**
   * Fetch one job definition.
   *
   * @param jobId - The definition's id.
   * @throws {MLXResponseError} 404 for an unknown definition.
   */
  getJob(jobId: string): Promise<IJobDefinition>;

  /**
   * Change a job definition; only the fields sent change. `cron: null`
   * turns the schedule off.
   *
   * @param jobId - The definition's id.
   * @param request - The changed fields.
   * @returns The definition, changed.
   * @throws {MLXResponseError} 400 naming the `field` at fault, 404 for an
   * unknown definition, 409 for a duplicate name.
   */
  updateJob(jobId: string, request: IUpdateJobRequest): Promise<IJobDefinition>;

  /**
   * Delete a job definition, stopping its active runs first by default.
   *
   * @param jobId - The definition's id.
   * @param query - Whether to keep its runs and stop its active ones.
   * @throws {MLXResponseError} 404 for an unknown definition, 409 for active
   * runs with `stop_runs=false`.
   */
  deleteJob(jobId: string, query?: IDeleteJobQuery): Promise<void>;

  /**
   * Run a job definition now, whatever its schedule (paused included).
   *
   * @param jobId - The definition's id.
   * @param request - Values overriding the definition's for this run.
   * @returns The run started, or the sweep when the definition runs one.
   * @throws {MLXResponseError} 400 naming a wrong parameter, 404 for an
   * unknown definition, 409 when its runs are at their concurrency cap.
   */
  triggerJob(
    jobId: string,
    request?: ITriggerJobRequest
  ): Promise<ITriggerJobResponse>;

  /**
   * Stop firing a definition's schedule (its runs go on).
   *
   * @param jobId - The definition's id.
   * @returns The definition, paused.
   * @throws {MLXResponseError} 404 for an unknown definition.
   */
  pauseJob(jobId: string): Promise<IJobDefinition>;

  /**
   * Fire a paused definition's schedule again, from now on.
   *
   * @param jobId - The definition's id.
   * @returns The definition, active.
   * @throws {MLXResponseError} 404 for an unknown definition.
   */
  resumeJob(jobId: string): Promise<IJobDefinition>;

  /**
   * Take a new copy of the definition's notebook for its next runs.
   *
   * @param jobId - The definition's id.
   * @returns The definition with its new snapshot.
   * @throws {MLXResponseError} 400 when the notebook's parameters no longer
   * fit the definition's values (the `field` names one), 404 for an unknown
   * definition or a notebook gone.
   */
  updateJobFromNotebook(jobId: string): Promise<IJobDefinition>;

  /**
   * Fetch a page of a definition's runs, newest first.
   *
   * @param jobId - The definition's id.
   * @param query - Statuses, page size and token.
   * @throws {MLXResponseError} 400 for a bad query, 404 for an unknown
   * definition.
   */
  listRunsOfJob(
    jobId: string,
    query?: IListRunsOfJobQuery
  ): Promise<IListJobRunsResponse>;

  /**
   * Start a sweep: trials of a notebook over a parameter space.
   *
   * @param request - The varied parameters, strategy, metric and the fixed
   * settings of every trial (`base`).
   * @returns The sweep, its first trials queued.
   * @throws {MLXResponseError} 400 naming the `field` at fault (`parameters`,
   * `parameters.lr`, `trials`, `metric`, `base.timeout`, ...), 404 for a
   * missing notebook.
   */
  createSweep(request: ICreateSweepRequest): Promise<ISweep>;

  /**
   * Fetch sweeps, newest first.
   *
   * @param query - Only the sweeps of a notebook or of a definition.
   * @throws {MLXResponseError} 400 for a bad query.
   */
  listSweeps(query?: IListSweepsQuery): Promise<IListSweepsResponse>;

  /**
   * Fetch one sweep with its trials and best trial.
   *
   * @param sweepId - The sweep's id.
   * @throws {MLXResponseError} 404 for an unknown sweep.
   */
  getSweep(sweepId: string): Promise<ISweep>;

  /**
   * Delete a sweep that has ended.
   *
   * @param sweepId - The sweep's id.
   * @param query - Whether to keep its trials' runs.
   * @throws {MLXResponseError} 404 for an unknown sweep, 409 for one still
   * running.
   */
  deleteSweep(sweepId: string, query?: IDeleteSweepQuery): Promise<void>;

  /**
   * Stop a running sweep: no new trial starts, the active ones are stopped.
   *
   * @param sweepId - The sweep's id.
   * @returns The sweep, stopped.
   * @throws {MLXResponseError} 404 for an unknown sweep, 409 for one that
   * has ended.
   */
  stopSweep(sweepId: string): Promise<ISweep>;

  /**
   * Read a cron expression: its description and next fire times in a zone.
   *
   * @param query - The expression, the zone and how many fire times.
   * @throws {MLXResponseError} 400 with `field` `cron` for an invalid
   * expression, `tz` for an unknown zone.
   */
  previewSchedule(query: ISchedulePreviewQuery): Promise<ISchedulePreview>;

  /**
   * Fetch every environment of the workspace, by name, and the specs found
   * in the environment folders that cannot be read.
   *
   * @throws {MLXResponseError} when the server answers with an error status.
   */
  listEnvironments(): Promise<IEnvironmentList>;

  /**
   * Write a new environment spec, from fields or from its text (`content`).
   *
   * @param request - The name, flavour and dependencies, or the spec's text.
   * @returns The environment, `declared`.
   * @throws {MLXResponseError} 400 naming the `field` at fault (`name`,
   * `dependencies`, `channels`, `content` with the line and column of a YAML
   * error, ...), 409 for a name another spec has or a file that exists.
   */
  createEnvironment(request: ICreateEnvironmentRequest): Promise<IEnvironment>;

  /**
   * Fetch one environment (its install's progress while installing).
   *
   * @param name - The environment's name.
   * @throws {MLXResponseError} 404 for an unknown environment.
   */
  getEnvironment(name: string): Promise<IEnvironment>;

  /**
   * Remove an environment: its installed prefix, its kernelspec and its lock
   * state; its spec file too with `delete_spec`.
   *
   * @param name - The environment's name.
   * @param query - Whether to delete the spec file.
   * @throws {MLXResponseError} 404 for an unknown environment, 409 when a
   * job definition uses it (the message names the job).
   */
  deleteEnvironment(
    name: string,
    query?: IDeleteEnvironmentQuery
  ): Promise<void>;

  /**
   * Solve an environment's spec and write its lock beside it (may take
   * seconds).
   *
   * @param name - The environment's name.
   * @param request - The solver, if not the server's default.
   * @returns The environment, `locked`.
   * @throws {MLXResponseError} 400 with `field` `spec` for an unsatisfiable
   * spec (the message is the solver's explanation), 404 for an unknown
   * environment, 503 with `field` `channels` for a channel that cannot be
   * reached.
   */
  lockEnvironment(name: string, request?: ILockRequest): Promise<IEnvironment>;

  /**
   * Start installing an environment from its lock; poll `getEnvironment`
   * for its progress and `readEnvironmentLog` for its log.
   *
   * @param name - The environment's name.
   * @returns The environment, `installing`.
   * @throws {MLXResponseError} 400 for an environment not locked or stale,
   * 404 for an unknown environment, 409 when it is installing already.
   */
  installEnvironment(name: string): Promise<IEnvironment>;

  /**
   * Read an environment's lock and install log from a byte offset on.
   *
   * @param name - The environment's name.
   * @param offset - The byte to read from: `0`, or the `next_offset` of the
   * previous piece.
   * @throws {MLXResponseError} 400 for a bad offset, 404 for an unknown
   * environment.
   */
  readEnvironmentLog(name: string, offset?: number): Promise<IEnvironmentLog>;

  /**
   * Compare an environment's lock with the lock it replaced: packages added,
   * removed and changed, for this machine's platform.
   *
   * @param name - The environment's name.
   * @throws {MLXResponseError} 404 for an unknown environment or one not
   * locked.
   */
  getLockDiff(name: string): Promise<ILockDiff>;

  /**
   * Fetch a page of registered models, by name.
   *
   * @param query - Part of the name, page size and page token.
   * @throws {MLXResponseError} 400 for a bad page token.
   */
  listModels(query?: IListModelsQuery): Promise<IListModelsResponse>;

  /**
   * Fetch a registered model: its versions (newest first, with their runs'
   * metrics), aliases and default gates. Alias moves made outside
   * jupyter-mlx are recorded in its history as they are found.
   *
   * @param name - The registered model.
   * @throws {MLXResponseError} 404 for an unknown model.
   */
  getModel(name: string): Promise<IDescribeModel>;

  /**
   * Fetch the alias history of a registered model, newest first.
   *
   * @param name - The registered model.
   * @throws {MLXResponseError} 404 for an unknown model.
   */
  getModelHistory(name: string): Promise<IModelHistory>;

  /**
   * Store the default gates of a registered model.
   *
   * @param name - The registered model.
   * @param gates - Metric gates and whether to run the smoke test.
   * @throws {MLXResponseError} 400 naming the gate and position for a gate
   * that cannot be read, 404 for an unknown model.
   */
  setModelGates(name: string, gates: IGates): Promise<IGates>;

  /**
   * Start moving an alias to an existing version behind gates; poll
   * `getPromotion` for its gates as they run and its outcome.
   *
   * @param name - The registered model.
   * @param alias - The alias.
   * @param request - The version, gates and note.
   * @returns The promotion, `running`.
   * @throws {MLXResponseError} 400 naming the field (alias, gates), 404 for
   * an unknown model or version.
   */
  moveModelAlias(
    name: string,
    alias: string,
    request: IMoveAliasRequest
  ): Promise<IPromotion>;

  /**
   * Remove an alias from a registered model (recorded in its history).
   *
   * @param name - The registered model.
   * @param alias - The alias.
   * @throws {MLXResponseError} 404 for an unknown model or alias.
   */
  deleteModelAlias(name: string, alias: string): Promise<void>;

  /**
   * Move an alias back to the version it held before its last move.
   *
   * @param name - The registered model.
   * @param alias - The alias.
   * @param request - A note for the history.
   * @returns The recorded move.
   * @throws {MLXResponseError} 400 when there is nothing to roll back to,
   * 404 for an unknown model or alias.
   */
  rollbackModelAlias(
    name: string,
    alias: string,
    request?: IRollbackRequest
  ): Promise<IAliasMove>;

  /**
   * Start promoting a run's model: gates, then a new registered version and
   * the alias moved to it; poll `getPromotion` for its progress.
   *
   * @param request - The run, model, registered name, alias, gates, note.
   * @returns The promotion, `running`.
   * @throws {MLXResponseError} 400 naming the field (artifact_path, name,
   * alias, gates, smoke), 404 for an unknown run.
   */
  promoteModel(request: IPromoteRequest): Promise<IPromotion>;

  /**
   * Fetch a promotion: its gates as they run, then its outcome.
   *
   * @param promotionId - The promotion.
   * @throws {MLXResponseError} 404 for an unknown (or long finished) promotion.
   */
  getPromotion(promotionId: string): Promise<IPromotion>;

  /**
   * Fetch the models a run holds (LoggedModels and MLmodel folders).
   *
   * @param runId - The MLflow run.
   * @throws {MLXResponseError} 404 for an unknown run.
   */
  listRunModels(runId: string): Promise<IRunModels>;

  /**
   * Fetch every endpoint, with the versions each has loaded.
   *
   * @throws {MLXResponseError} 503 when the store is unreachable.
   */
  listEndpoints(): Promise<IListEndpointsResponse>;

  /**
   * Serve a model at a new endpoint; its process starts in the background.
   *
   * @param request - The name, model URI, port and batching.
   * @returns The endpoint, `starting`.
   * @throws {MLXResponseError} 400 naming the field (`name`, `model_uri`
   * that does not resolve, `port` in use), 409 for a name taken.
   */
  createEndpoint(request: ICreateEndpointRequest): Promise<IEndpoint>;

  /**
   * Fetch an endpoint: its state, versions, reload and example request.
   *
   * @param name - The endpoint.
   * @throws {MLXResponseError} 404 for an unknown endpoint.
   */
  getEndpoint(name: string): Promise<IEndpoint>;

  /**
   * Split an endpoint's traffic with a canary, promote or drop the canary,
   * or tune its batching.
   *
   * @param name - The endpoint.
   * @param request - What changes.
   * @returns The endpoint as it serves now.
   * @throws {MLXResponseError} 400 naming the field (a canary URI that does
   * not resolve), 404 for an unknown endpoint, 409 when it is not running.
   */
  updateEndpoint(
    name: string,
    request: IUpdateEndpointRequest
  ): Promise<IEndpoint>;

  /**
   * Stop an endpoint's process; the endpoint is kept and can be restarted.
   *
   * @param name - The endpoint.
   * @returns The endpoint, `stopped`.
   * @throws {MLXResponseError} 404 for an unknown endpoint.
   */
  stopEndpoint(name: string): Promise<IEndpoint>;

  /**
   * Start an endpoint's process again (stopped, crashed or failed ones too).
   *
   * @param name - The endpoint.
   * @returns The endpoint, `starting`.
   * @throws {MLXResponseError} 404 for an unknown endpoint.
   */
  restartEndpoint(name: string): Promise<IEndpoint>;

  /**
   * Stop and remove an endpoint.
   *
   * @param name - The endpoint.
   * @throws {MLXResponseError} 404 for an unknown endpoint.
   */
  deleteEndpoint(name: string): Promise<void>;

  /**
   * Fetch an endpoint's traffic per second over the last 15 minutes.
   *
   * @param name - The endpoint.
   * @param query - `since`: only the seconds from then on.
   * @throws {MLXResponseError} 404 for an unknown endpoint, 409 when it is
   * not running.
   */
  getEndpointMetrics(
    name: string,
    query?: IEndpointMetricsQuery
  ): Promise<IEndpointMetrics>;

  /**
   * Fetch the input drift of an endpoint per feature (PSI against the
   * training sample).
   *
   * @param name - The endpoint.
   * @throws {MLXResponseError} 404 for an unknown endpoint, 409 when it is
   * not running.
   */
  getEndpointDrift(name: string): Promise<IEndpointDrift>;

  /**
   * Fetch an endpoint's latest requests, newest first.
   *
   * @param name - The endpoint.
   * @param limit - Most records (default 100, at most 1000).
   * @throws {MLXResponseError} 404 for an unknown endpoint, 409 when it is
   * not running.
   */
  getEndpointLog(name: string, limit?: number): Promise<IEndpointLog>;

  /**
   * Send a scoring request to an endpoint through Jupyter's proxy
   * (`mlx/endpoints/NAME/invocations`) and time it. Error statuses are
   * answers too: the endpoint's 400 on a bad payload, Jupyter's 404 for an
   * unknown endpoint or 503 for one not running.
   *
   * @param name - The endpoint.
   * @param body - The request: JSON text (or an object) in MLflow's scoring
   * protocol, or CSV with `contentType` `text/csv`.
   * @param contentType - The body's media type; default JSON.
   * @throws {ServerConnection.NetworkError} when the server cannot be reached.
   */
  invokeEndpoint(
    name: string,
    body: string | Record<string, unknown>,
    contentType?: string
  ): Promise<IInvocation>;

  /**
   * The absolute URL of an endpoint's scoring route through Jupyter's proxy
   * (for `curl` and other clients).
   *
   * @param name - The endpoint.
   * @param route - `invocations` (default), `ping`, `health` or `version`.
   */
  endpointUrl(name: string, route?: string): string;
}

/**
 * The token of the jupyter-mlx REST API client.
 */
export const IMLXClient = new Token<IMLXClient>(
  'jupyter-mlx:IMLXClient',
  'The typed client of the jupyter-mlx REST API, built once with the server settings.'
);

/**
 * The MLX sidebar: one left-area panel whose accordion sections are added by
 * the jupyter-mlx features (server status, environments, experiments, jobs,
 * models, endpoints).
 */
export interface IMLXSidebar {
  /**
   * Add a collapsible section to the sidebar.
   *
   * The widget's `title.label` is the section heading. A widget with a
   * `toolbar` property shows that toolbar in its heading.
   *
   * @param widget - The section content.
   * @param options.rank - Position among the sections: lower ranks come
   * first; sections of equal rank keep the order they were added in.
   */
  addSection(widget: Widget, options: IMLXSidebar.ISectionOptions): void;

  /**
   * The ordered section widgets currently in the sidebar.
   */
  readonly sections: ReadonlyArray<Widget>;
}

/**
 * Types of the `IMLXSidebar` interface.
 */
export namespace IMLXSidebar {
  /**
   * Options of `IMLXSidebar.addSection`.
   */
  export interface ISectionOptions {
    /**
     * Position among the sections: lower ranks come first.
     */
    rank: number;
  }
}

/**
 * The token of the MLX sidebar.
 */
export const IMLXSidebar = new Token<IMLXSidebar>(
  'jupyter-mlx:IMLXSidebar',
  'The MLX sidebar, to which jupyter-mlx features add their sections.'
);
