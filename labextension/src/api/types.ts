/**
 * Wire types of the jupyter-mlx REST API (`{baseUrl}mlx/api/...`).
 *
 * They mirror the server's pydantic schemas one to one, so field names keep
 * the server's snake_case.
 */

/**
 * Health of the server's job store (`mlx.db` by default).
 */
export interface IStoreStatus {
  /** Database URL with any credentials redacted (`user:***@`). */
  url: string;
  /** Whether the store answered and its schema is up to date. */
  healthy: boolean;
  /** Applied schema revision, or `null` when none could be read. */
  revision: string | null;
  /** Why the store is unhealthy; `null` when it is healthy. */
  message: string | null;
}

/**
 * `GET /mlx/api/config`: what the server extension is and where it keeps state.
 */
export interface IDescribeConfig {
  /** Version of the Python package `jupyter-mlx` serving the API. */
  version: string;
  /** Features the server enables, e.g. `"status"`. */
  features: string[];
  /** Absolute path of the Jupyter server's root directory. */
  root_dir: string;
  /** Absolute path of the workspace folder holding all jupyter-mlx state. */
  workspace: string;
  /** MLflow tracking URI with any credentials redacted. */
  tracking_uri: string;
  /** Health of the job store. */
  store: IStoreStatus;
}

/**
 * Body of every error answered by a `/mlx/api` route (4xx and 5xx).
 */
export interface IErrorBody {
  /**
   * A sentence a user can act on; `"internal error"` for a 500, whose
   * details are in the server log only.
   */
  message: string;
  /** Stable machine-readable code, e.g. `"invalid_input"`, `"internal"`. */
  code: string;
  /** The request field at fault, when there is one. */
  field: string | null;
}

/**
 * Status of an MLflow run.
 */
export type RunStatus =
  'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/**
 * One MLflow experiment.
 */
export interface IDescribeExperiment {
  /** MLflow experiment id. */
  experiment_id: string;
  /** Experiment name. */
  name: string;
  /** Where the experiment's artifacts are stored. */
  artifact_location: string;
  /** `active` or `deleted`. */
  lifecycle_stage: string;
  /** Milliseconds since the epoch. */
  creation_time: number | null;
  /** Milliseconds since the epoch. */
  last_update_time: number | null;
  /** The experiment's tags. */
  tags: Record<string, string>;
}

/**
 * Query of `GET /mlx/api/experiments`.
 */
export interface IListExperimentsQuery {
  /** Page size, 1 to 1000 (default 100). */
  max_results?: number;
  /**
   * The page to fetch: the opaque `next_page_token` of a previous answer;
   * absent or empty for the first page.
   */
  page_token?: string | null;
}

/**
 * `GET /mlx/api/experiments`: a page of experiments, newest update first.
 */
export interface IListExperimentsResponse {
  /** The experiments of this page. */
  experiments: IDescribeExperiment[];
  /** Token of the next page, or `null` on the last page. */
  next_page_token: string | null;
}

/**
 * The jupyter-mlx environment a run's kernel ran in.
 */
export interface IRunEnvironment {
  /** Environment name. */
  name: string;
  /** Content hash of the environment's lock file, when recorded. */
  lock_sha256: string | null;
}

/**
 * What a declared data input is.
 */
export type InputKind = 'file' | 'folder';

/**
 * A file or folder a run declared as input data, hashed when the run started.
 */
export interface IRunInput {
  /** Relative to the server root. */
  path: string;
  /** Hex sha256 of the file, or of the folder's manifest of file hashes. */
  sha256: string;
  /** Whether it is a file or a folder. */
  kind: InputKind;
}

/**
 * The job run that produced a run.
 */
export interface IRunJob {
  /** Id of the job definition. */
  job_id: string;
  /** Id of the job run (one execution), when recorded. */
  job_run_id: string | null;
}

/**
 * A run as listed: identity, status, params and the last value of each metric.
 */
export interface IRunSummary {
  /** MLflow run id. */
  run_id: string;
  /** Run name, when it has one. */
  run_name: string | null;
  /** Id of the run's experiment. */
  experiment_id: string;
  /** Lifecycle status. */
  status: RunStatus;
  /** Milliseconds since the epoch. */
  start_time: number | null;
  /** Milliseconds since the epoch; `null` while the run is active. */
  end_time: number | null;
  /** Notebook path relative to the server root (tag `mlflow.source.name`). */
  notebook: string | null;
  /** Who started the run. */
  user: string | null;
  /** Parameters, as strings. */
  params: Record<string, string>;
  /** Last value of each metric; `null` for NaN or an infinite value. */
  metrics: Record<string, number | null>;
  /** The run's tags. */
  tags: Record<string, string>;
}

/**
 * Query of `GET /mlx/api/runs`.
 */
export interface IListRunsQuery {
  /** Only runs of this notebook (server-relative path). */
  notebook?: string | null;
  /** Only runs of these experiments; default: all active experiments. */
  experiment_id?: string[];
  /** MLflow search filter, e.g. `metrics.loss < 0.1`. */
  filter?: string;
  /** Order clauses, e.g. `metrics.loss ASC`; default newest first. */
  order_by?: string[];
  /** Page size, 1 to 1000 (default 50). */
  max_results?: number;
  /**
   * The page to fetch: the opaque `next_page_token` of a previous answer;
   * absent or empty for the first page.
   */
  page_token?: string | null;
}

/**
 * `GET /mlx/api/runs`: a page of runs.
 */
export interface IListRunsResponse {
  /** The runs of this page. */
  runs: IRunSummary[];
  /** Token of the next page, or `null` on the last page. */
  next_page_token: string | null;
}

/**
 * A model logged by a run.
 */
export interface ILoggedModel {
  /** MLflow logged-model id. */
  model_id: string;
  /** Model name within the run. */
  name: string;
  /** Where the model's files are stored. */
  artifact_uri: string;
}

/**
 * `GET /mlx/api/runs/{run_id}`: everything about one run.
 */
export interface IDescribeRun extends IRunSummary {
  /** Root of the run's artifacts. */
  artifact_uri: string;
  /** `active` or `deleted`. */
  lifecycle_stage: string;
  /** Keys of every metric the run logged, sorted. */
  metric_keys: string[];
  /** Artifact path of the notebook snapshot, when one was logged. */
  notebook_snapshot: string | null;
  /**
   * Why the notebook snapshot cannot be fully trusted, in one sentence (tag
   * `mlx.notebook.snapshot_warning`); `null` when it can.
   */
  snapshot_warning: string | null;
  /** The environment the run's kernel ran in, when recorded. */
  environment: IRunEnvironment | null;
  /** The job run that produced the run, when there is one. */
  job: IRunJob | null;
  /** Models the run logged. */
  models: ILoggedModel[];
  /** Data the run declared as input, by path. */
  inputs: IRunInput[];
}

/**
 * A file, folder or outward link among a run's artifacts.
 */
export interface IArtifactEntry {
  /** Path relative to the run's artifact root. */
  path: string;
  /** Whether the entry is a folder (never for a link). */
  is_dir: boolean;
  /** Size in bytes of a file; `null` for folders and links. */
  file_size: number | null;
  /**
   * Whether the entry is a symbolic link leading out of the run's artifacts
   * (or nowhere): listed without its target's facts, it cannot be opened.
   * Absent means `false`.
   */
  is_link?: boolean;
}

/**
 * `GET /mlx/api/runs/{run_id}/artifacts`: the entries of one artifact folder.
 */
export interface IListArtifactsResponse {
  /** The run. */
  run_id: string;
  /** The folder listed; `''` for the root. */
  path: string;
  /** Its files and folders. */
  files: IArtifactEntry[];
}

/**
 * Body of `POST /mlx/api/runs/compare`.
 */
export interface ICompareRunsRequest {
  /** The runs to compare: 2 to 50 distinct ids. */
  run_ids: string[];
  /**
   * Metrics to align, at most 1000; `null` or absent: the first 1000 metrics
   * of the runs by key.
   */
  metric_keys?: string[] | null;
}

/**
 * One metric's histories, aligned on the union of steps; a long history is
 * thinned to evenly spaced steps, its first and last kept.
 */
export interface IMetricSeries {
  /** Metric key. */
  key: string;
  /** The steps shown, ascending: at most the answer's `max_steps`. */
  steps: number[];
  /**
   * Per run id, the value at each step (`null` where the run has none, or
   * logged NaN or an infinite value).
   */
  values: Record<string, (number | null)[]>;
  /**
   * Distinct steps logged; more than `steps` holds when it was thinned.
   * Absent: `steps` holds them all.
   */
  total_steps?: number;
}

/**
 * One parameter across the compared runs.
 */
export interface IParamComparison {
  /** Parameter key. */
  key: string;
  /** Per run id, the value (`null` where the run has none). */
  values: Record<string, string | null>;
  /** Whether the runs disagree on the value. */
  differs: boolean;
}

/**
 * `POST /mlx/api/runs/compare`: aligned metric histories and params of runs.
 */
export interface ICompareRunsResponse {
  /** The compared runs, in the order asked for. */
  runs: IRunSummary[];
  /** One aligned series per metric. */
  metrics: IMetricSeries[];
  /** One comparison per parameter. */
  params: IParamComparison[];
  /** Most steps a series of this answer holds. */
  max_steps?: number;
  /**
   * Without `metric_keys`, the metrics beyond the first 1000 left out;
   * absent: none.
   */
  omitted_metrics?: number;
}

/**
 * `GET /mlx/api/runs/{run_id}/metrics`: the history of each metric of one
 * run, bounded as a comparison's are.
 */
export interface IListRunMetricsResponse {
  /** The run. */
  run_id: string;
  /** One series per metric, its values under the run's id. */
  metrics: IMetricSeries[];
  /** Most steps a series of this answer holds. */
  max_steps: number;
  /** Metrics of the run beyond the first 1000 by key, left out. */
  omitted_metrics: number;
}

/**
 * Where a job run is in its life: `queued` and `running` are active, the
 * others final.
 */
export type JobRunStatus =
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'stopped'
  | 'timed_out'
  | 'interrupted';

/**
 * The type of a notebook parameter, inferred from its default value (an
 * annotation wins); `any` when neither says.
 */
export type ParameterType =
  'int' | 'float' | 'bool' | 'str' | 'list' | 'dict' | 'any';

/**
 * A format the output notebook of a job run is written in.
 */
export type OutputFormat = 'ipynb' | 'html';

/**
 * A JSON value, as parameters carry them.
 */
export type JSONValue =
  string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/**
 * One name of a notebook's `parameters` cell, typed from its default.
 */
export interface INotebookParameterSpec {
  /** The variable name. */
  name: string;
  /** Inferred from the default value (an annotation wins). */
  type: ParameterType;
  /** The default as a JSON value; `null` when its source is not a literal. */
  default: JSONValue;
  /** The default as written in the cell, e.g. `1e-3` or `np.pi`. */
  default_source: string;
  /** The comment after the assignment, or `''`. */
  help: string;
}

/**
 * An installed kernelspec.
 */
export interface IKernelSpecSummary {
  /** Kernelspec name, e.g. `python3`. */
  name: string;
  /** Name shown to users. */
  display_name: string;
  /** The kernel's language. */
  language: string;
}

/**
 * `GET /mlx/api/notebooks/parameters`: what a run of a notebook can be
 * given: its parameters and the kernels to run it in.
 */
export interface INotebookParametersResponse {
  /** The notebook's path relative to the server root. */
  path: string;
  /** Whether the notebook has a cell tagged `parameters`. */
  has_parameters_cell: boolean;
  /** The names of the parameters cell, in order. */
  parameters: INotebookParameterSpec[];
  /** The notebook's kernelspec name, when it has one. */
  kernel: string | null;
  /** Every installed kernelspec. */
  kernels: IKernelSpecSummary[];
  /** The kernel a run uses unless told otherwise. */
  default_kernel: string;
}

/**
 * Body of `POST /mlx/api/job-runs`.
 */
export interface ICreateJobRunRequest {
  /** Notebook path relative to the server root. */
  notebook: string;
  /** Values by name of the notebook's parameters cell; each must fit its type. */
  parameters?: Record<string, JSONValue>;
  /** Kernelspec; default: the notebook's. */
  kernel?: string | null;
  /**
   * Environment of the workspace whose kernel runs the notebook (instead of
   * `kernel`); it must be installed from its current lock.
   */
  environment?: string | null;
  /**
   * Install the environment from its lock first when it is not installed,
   * instead of refusing the run (default `false`).
   */
  install_environment?: boolean;
  /**
   * Files or folders the run reads, relative to the server root (at most
   * 100); each is hashed when the run starts and recorded on its MLflow run.
   */
  inputs?: string[];
  /** Seconds an attempt may take (above 0, at most a week); `null`: no limit. */
  timeout?: number | null;
  /** Attempts after the first, 0 to 10 (default 0). */
  retries?: number;
  /** Seconds before the first retry, 0 to 3600 (default 10); doubled for each next. */
  retry_backoff?: number;
  /** `ipynb` always; `html` as well when listed. */
  output_formats?: OutputFormat[];
  /** MLflow experiment name; default: the notebook's path. */
  experiment?: string | null;
  /** A create repeating a key answers the run it created. */
  idempotency_key?: string | null;
  /** Accept names the parameters cell lacks (default `false`). */
  allow_extra?: boolean;
  /** Another run of this job (a re-run); default: a new job. */
  job_id?: string | null;
}

/**
 * Why an attempt did not succeed.
 */
export interface IJobRunError {
  /** One sentence. */
  message: string;
  /** Index of the failing cell in the output notebook. */
  cell_index: number | null;
  /** Id of the failing cell. */
  cell_id: string | null;
  /** Execution count of the failing cell. */
  execution_count: number | null;
  /** Exception class name. */
  ename: string | null;
  /** Exception value. */
  evalue: string | null;
  /** Plain text, no ANSI colours. */
  traceback: string[];
}

/**
 * One try of a run.
 */
export interface IJobAttempt {
  /** 1 for the first try. */
  number: number;
  /** The attempt's status. */
  status: JobRunStatus;
  /** The kernelspec it ran in. */
  kernel: string;
  /** Whether it ran in a kernel started ahead. */
  warm_kernel: boolean;
  /** ISO 8601 datetime. */
  started_at: string;
  /** ISO 8601 datetime; `null` while it runs. */
  finished_at: string | null;
  /** Why it did not succeed. */
  error: IJobRunError | null;
}

/**
 * Where a running attempt is.
 */
export interface IJobRunProgress {
  /** The code cell executing now, 1-based. */
  cell: number;
  /** Code cells to execute. */
  total: number;
}

/**
 * What started a run: a user (or the API), a schedule's fire, a fire the
 * catch-up policy ran after downtime, or a sweep.
 */
export type RunTrigger =
  'manual' | 'schedule' | 'catchup' | 'sweep' | 'reproduce';

/**
 * A run ending a webhook may be told of.
 */
export type WebhookEvent = 'success' | 'failure';

/**
 * How telling a definition's webhook of a run's end went (it never fails the
 * run).
 */
export interface IWebhookDelivery {
  /** The URL told. */
  url: string;
  /** The ending told. */
  event: WebhookEvent;
  /** Whether the webhook answered 2xx. */
  delivered: boolean;
  /** The webhook's HTTP status, when it answered. */
  status_code: number | null;
  /** Why it was not delivered. */
  error: string | null;
  /** When it was told (ISO 8601). */
  at: string;
}

/**
 * A job run: one execution of a notebook with its parameters, and every
 * attempt at it.
 */
export interface IJobRun {
  /** Id of the run. */
  id: string;
  /** Id of the job (runs of one job share it). */
  job_id: string;
  /** The notebook's path relative to the server root. */
  notebook: string;
  /** Where the run is in its life. */
  status: JobRunStatus;
  /** The parameter values given. */
  parameters: Record<string, JSONValue>;
  /** The kernelspec. */
  kernel: string;
  /** The environment whose kernel runs it. */
  environment: string | null;
  /** Hex sha256 of the lock that environment was installed from. */
  environment_lock_sha256: string | null;
  /** Files and folders it reads, relative to the server root. */
  inputs: string[];
  /** Seconds an attempt may take; `null`: no limit. */
  timeout: number | null;
  /** Attempts after the first. */
  retries: number;
  /** Seconds before the first retry. */
  retry_backoff: number;
  /** Formats of the output notebook. */
  output_formats: OutputFormat[];
  /** MLflow experiment name. */
  experiment: string;
  /** The key of the create that made the run. */
  idempotency_key: string | null;
  /** The latest attempt's number; 0 before the first starts. */
  attempt: number;
  /** Every attempt, first first. */
  attempts: IJobAttempt[];
  /** While running: the cell executing. */
  progress: IJobRunProgress | null;
  /** ISO 8601 datetime. */
  created_at: string;
  /** When the first attempt started (ISO 8601). */
  started_at: string | null;
  /** ISO 8601 datetime; `null` while active. */
  finished_at: string | null;
  /** When a queued retry becomes due (ISO 8601). */
  next_attempt_at: string | null;
  /** The notebook as submitted (a copy). */
  input_path: string;
  /** The output notebook, once written. */
  output_path: string | null;
  /** The output rendered as HTML, when asked for and written. */
  html_path: string | null;
  /** The run's log file. */
  log_path: string;
  /** MLflow experiment of the run, once tracked. */
  mlflow_experiment_id: string | null;
  /** MLflow run the notebook tracked, once tracked. */
  mlflow_run_id: string | null;
  /** The last attempt's error, if it failed. */
  error: IJobRunError | null;
  /** What started it. */
  trigger: RunTrigger;
  /** The cron instant it fired for (ISO 8601), when a schedule started it. */
  scheduled_for: string | null;
  /** The sweep it is a trial of. */
  sweep_id: string | null;
  /** Its definition's webhook, once told of the run's end. */
  webhook: IWebhookDelivery | null;
}

/**
 * Query of `GET /mlx/api/job-runs`.
 */
export interface IListJobRunsQuery {
  /** Only runs of this notebook (path relative to the server root). */
  notebook?: string | null;
  /** Only runs in these statuses. */
  status?: JobRunStatus[];
  /** Only runs of this job. */
  job_id?: string | null;
  /** Only trials of this sweep. */
  sweep_id?: string | null;
  /** Page size, 1 to 1000 (default 50). */
  max_results?: number;
  /**
   * The page to fetch: the opaque `next_page_token` of a previous answer;
   * absent or empty for the first page.
   */
  page_token?: string | null;
}

/**
 * Query of `GET /mlx/api/jobs/{id}/runs`.
 */
export interface IListRunsOfJobQuery {
  /** Only runs in these statuses. */
  status?: JobRunStatus[];
  /** Page size, 1 to 1000 (default 50). */
  max_results?: number;
  /**
   * The page to fetch: the opaque `next_page_token` of a previous answer;
   * absent or empty for the first page.
   */
  page_token?: string | null;
}

/**
 * `GET /mlx/api/job-runs`: a page of job runs, newest first.
 */
export interface IListJobRunsResponse {
  /** The runs of this page. */
  runs: IJobRun[];
  /** Token of the next page, or `null` on the last page. */
  next_page_token: string | null;
  /** Runs matching the filters. */
  total: number;
}

/**
 * `GET /mlx/api/job-runs/{id}/log`: a piece of a run's log.
 */
export interface IJobRunLog {
  /** The run. */
  run_id: string;
  /** The byte offset this piece starts at. */
  offset: number;
  /** Pass it as `offset` to read on. */
  next_offset: number;
  /** The piece of the log. */
  text: string;
  /** The run has ended and the whole log was read. */
  complete: boolean;
}

/**
 * What a definition does with the fires it missed while no scheduler ran:
 * nothing, run the latest, or run them all (capped).
 */
export type CatchupPolicy = 'none' | 'latest' | 'all';

/**
 * How a sweep picks the values of its trials.
 */
export type SweepStrategy = 'grid' | 'random' | 'optuna';

/**
 * Where a sweep is in its life.
 */
export type SweepStatus = 'running' | 'succeeded' | 'failed' | 'stopped';

/**
 * Whether a sweep's metric is better low or high.
 */
export type Direction = 'minimize' | 'maximize';

/**
 * Query of `GET /mlx/api/schedules/preview`.
 */
export interface ISchedulePreviewQuery {
  /** A five-field cron expression, e.g. `0 6 * * 1-5`. */
  cron: string;
  /** IANA time zone the expression is read in (default `UTC`). */
  tz?: string;
  /** How many fire times to list, 1 to 50 (default 5). */
  count?: number;
}

/**
 * `GET /mlx/api/schedules/preview`: what a cron expression means.
 */
export interface ISchedulePreview {
  /** The expression. */
  cron: string;
  /** The time zone it was read in. */
  tz: string;
  /** The expression in words, e.g. `At 06:00 AM`. */
  description: string;
  /** The next fire times (ISO 8601, in the time zone, with its offset). */
  next_fire_times: string[];
}

/**
 * The values one parameter takes in a sweep: a list, or a numeric range.
 *
 * A range has `low` and `high`; grid steps it by `step` (or takes `count`
 * evenly spaced values); random and optuna sample it (uniformly, or
 * log-uniformly with `log`).
 */
export interface ISweepParameter {
  /** The values to try. */
  values?: JSONValue[] | null;
  /** Lower bound of a range. */
  low?: number | null;
  /** Upper bound of a range. */
  high?: number | null;
  /** Grid step of a range (above 0). */
  step?: number | null;
  /** Grid points of a range, 2 to 1000. */
  count?: number | null;
  /** Sample a range on a log scale (low > 0). */
  log?: boolean;
  /** The range holds whole numbers. */
  integer?: boolean;
}

/**
 * How a sweep varies a notebook's parameters and what it optimises.
 */
export interface ISweepSpec {
  /** The varied parameters by name; at least one. */
  parameters: Record<string, ISweepParameter>;
  /** How trials are picked (default `grid`). */
  strategy?: SweepStrategy;
  /** Runs of random and optuna sweeps (grid: the grid's size). */
  trials?: number | null;
  /** The metric the notebook logs that ranks trials (optuna: required). */
  metric?: string | null;
  /** Whether the metric is better low or high (default `minimize`). */
  direction?: Direction;
  /** Trials executing at once, 1 to 64 (default 2). */
  max_concurrent_runs?: number;
  /** Seed of random and optuna sampling. */
  seed?: number | null;
}

/**
 * What every run of a definition (or trial of a sweep) gets: values, kernel,
 * limits, outputs, experiment.
 */
export interface IJobSettings {
  /** Values by name of the notebook's parameters cell. */
  parameters?: Record<string, JSONValue>;
  /** Kernelspec; default: the notebook's. */
  kernel?: string | null;
  /**
   * Environment of the workspace whose kernel runs the notebook (instead of
   * `kernel`); it must be installed from its current lock.
   */
  environment?: string | null;
  /**
   * Install the environment from its lock first when it is not installed,
   * instead of refusing the run (default `false`).
   */
  install_environment?: boolean;
  /**
   * Files or folders the run reads, relative to the server root (at most
   * 100); each is hashed when the run starts and recorded on its MLflow run.
   */
  inputs?: string[];
  /** Seconds an attempt may take (above 0, at most a week); `null`: no limit. */
  timeout?: number | null;
  /** Attempts after the first, 0 to 10 (default 0). */
  retries?: number;
  /** Seconds before the first retry, 0 to 3600 (default 10). */
  retry_backoff?: number;
  /** `ipynb` always; `html` as well when listed. */
  output_formats?: OutputFormat[];
  /** MLflow experiment name; default: the notebook's path. */
  experiment?: string | null;
}

/**
 * Body of `POST /mlx/api/jobs`: a job definition, scheduled or run on demand.
 */
export interface ICreateJobRequest extends IJobSettings {
  /** Notebook path relative to the server root. */
  notebook: string;
  /** Default: the notebook's file name. */
  name?: string | null;
  /** Five-field cron expression; `null`: on demand. */
  cron?: string | null;
  /** IANA time zone of the schedule (default `UTC`). */
  timezone?: string;
  /** Missed fires after downtime (default `latest`). */
  catchup?: CatchupPolicy;
  /** Runs of the definition executing at once, 1 to 64 (default 1). */
  max_concurrent_runs?: number;
  /** `false` creates it paused (default `true`). */
  active?: boolean;
  /** Each fire runs this sweep instead of one run. */
  sweep?: ISweepSpec | null;
  /** Notify JupyterLab when a run fails or recovers (default `true`). */
  notify?: boolean;
  /** An http(s) URL told of run ends. */
  webhook_url?: string | null;
  /** The run ends the webhook is told of (default `['failure']`). */
  webhook_events?: WebhookEvent[];
  /** Accept names the parameters cell lacks (default `false`). */
  allow_extra?: boolean;
}

/**
 * Body of `PATCH /mlx/api/jobs/{id}`: the fields to change, the others keep
 * their value. `cron: null` turns the schedule off, `sweep: null` drops the
 * sweep, `webhook_url: null` the webhook; a changed schedule fires next from
 * now on.
 */
export interface IUpdateJobRequest {
  /** Its name. */
  name?: string;
  /** Values by name of the notebook's parameters cell (all of them). */
  parameters?: Record<string, JSONValue>;
  /** Kernelspec. */
  kernel?: string;
  /** An environment; it replaces the kernel (`null` drops it). */
  environment?: string | null;
  /** Install the environment first when it is not installed. */
  install_environment?: boolean;
  /** Files or folders the runs read, relative to the server root. */
  inputs?: string[];
  /** Seconds an attempt may take. */
  timeout?: number | null;
  /** Attempts after the first, 0 to 10. */
  retries?: number;
  /** Seconds before the first retry, 0 to 3600. */
  retry_backoff?: number;
  /** `ipynb` always; `html` as well when listed. */
  output_formats?: OutputFormat[];
  /** MLflow experiment name. */
  experiment?: string;
  /** Five-field cron expression; `null` turns the schedule off. */
  cron?: string | null;
  /** IANA time zone of the schedule. */
  timezone?: string;
  /** Missed fires after downtime. */
  catchup?: CatchupPolicy;
  /** Runs executing at once, 1 to 64. */
  max_concurrent_runs?: number;
  /** Each fire runs this sweep; `null` drops it. */
  sweep?: ISweepSpec | null;
  /** Notify JupyterLab when a run fails or recovers. */
  notify?: boolean;
  /** An http(s) URL told of run ends; `null` drops it. */
  webhook_url?: string | null;
  /** The run ends the webhook is told of. */
  webhook_events?: WebhookEvent[];
  /** Accept names the parameters cell lacks. */
  allow_extra?: boolean;
}

/**
 * Query of `DELETE /mlx/api/jobs/{id}`.
 */
export interface IDeleteJobQuery {
  /** Keep the runs it made (default `true`; `false` deletes them). */
  keep_runs?: boolean;
  /**
   * Stop its active runs first (default `true`); `false` answers 409 while
   * any is active.
   */
  stop_runs?: boolean;
}

/**
 * A run as a definition's strip shows it.
 */
export interface IJobRunBrief {
  /** Id of the run. */
  id: string;
  /** Where the run is in its life. */
  status: JobRunStatus;
  /** What started it. */
  trigger: RunTrigger;
  /** The cron instant it fired for (ISO 8601). */
  scheduled_for: string | null;
  /** ISO 8601 datetime. */
  created_at: string;
  /** ISO 8601 datetime; `null` while active. */
  finished_at: string | null;
}

/**
 * A job definition: a copy of a notebook with its settings, run on demand or
 * on cron.
 */
export interface IJobDefinition {
  /** Id of the definition (its runs' `job_id`). */
  id: string;
  /** Its name. */
  name: string;
  /** The notebook it was taken from. */
  notebook: string;
  /** The copy every run executes. */
  snapshot_path: string;
  /** Content hash of the copy. */
  snapshot_sha256: string;
  /** When the copy was taken (ISO 8601). */
  snapshot_taken_at: string;
  /** The notebook differs from the copy: "Update from notebook" takes it. */
  notebook_changed: boolean;
  /** The environment its runs execute on (`kernel` is then its kernel). */
  environment: string | null;
  /** Whether a run installs the environment first when it is not installed. */
  install_environment: boolean;
  /** Files or folders its runs read, relative to the server root. */
  inputs: string[];
  /** Values by name of the notebook's parameters cell. */
  parameters: Record<string, JSONValue>;
  /** The kernelspec. */
  kernel: string;
  /** Seconds an attempt may take; `null`: no limit. */
  timeout: number | null;
  /** Attempts after the first. */
  retries: number;
  /** Seconds before the first retry. */
  retry_backoff: number;
  /** Formats of the output notebook. */
  output_formats: OutputFormat[];
  /** MLflow experiment name. */
  experiment: string;
  /** Five-field cron expression; `null`: on demand. */
  cron: string | null;
  /** IANA time zone of the schedule. */
  timezone: string;
  /** The schedule in words; `null` on demand. */
  schedule_description: string | null;
  /** Missed fires after downtime. */
  catchup: CatchupPolicy;
  /** Runs executing at once. */
  max_concurrent_runs: number;
  /** `false` while paused. */
  active: boolean;
  /** Next fire (ISO 8601); `null` when paused or unscheduled. */
  next_fire_at: string | null;
  /** The last scheduled instant handled (ISO 8601). */
  last_fire_at: string | null;
  /** Missed fires the catch-up policy did not run. */
  skipped_fires: number;
  /** Each fire runs this sweep instead of one run. */
  sweep: ISweepSpec | null;
  /** Whether JupyterLab is notified when a run fails or recovers. */
  notify: boolean;
  /** The URL told of run ends, if any. */
  webhook_url: string | null;
  /** The run ends the webhook is told of. */
  webhook_events: WebhookEvent[];
  /** ISO 8601 datetime. */
  created_at: string;
  /** ISO 8601 datetime. */
  updated_at: string;
  /** Runs it made. */
  run_count: number;
  /** Runs queued or running now. */
  active_runs: number;
  /** Its latest run. */
  last_run: IJobRunBrief | null;
  /** Final status of the ended run before the last ended one. */
  previous_status: JobRunStatus | null;
  /** Up to 30 recent runs, oldest first (a strip). */
  recent_runs: IJobRunBrief[];
}

/**
 * Query of `GET /mlx/api/jobs`.
 */
export interface IListJobsQuery {
  /** Only definitions of this notebook. */
  notebook?: string | null;
}

/**
 * `GET /mlx/api/jobs`: every job definition, by name.
 */
export interface IListJobsResponse {
  /** The definitions. */
  jobs: IJobDefinition[];
}

/**
 * Body of `POST /mlx/api/jobs/{id}/trigger` (may be empty).
 */
export interface ITriggerJobRequest {
  /** Values overriding the definition's for this run. */
  parameters?: Record<string, JSONValue>;
}

/**
 * Body of `POST /mlx/api/sweeps`: trials of one notebook over a parameter
 * space.
 */
export interface ICreateSweepRequest extends ISweepSpec {
  /** Notebook path relative to the server root. */
  notebook: string;
  /** Default: the notebook's file name. */
  name?: string | null;
  /** Fixed values and run settings of every trial. */
  base?: IJobSettings;
  /** Accept names the parameters cell lacks (default `false`). */
  allow_extra?: boolean;
}

/**
 * A trial of a sweep: its run, the values it got and the metric it reached.
 */
export interface ISweepTrial {
  /** 0 for the first trial. */
  number: number;
  /** Its run. */
  run: IJobRun;
  /** The swept values it got. */
  values: Record<string, JSONValue>;
  /** The metric's last value, once it ended. */
  objective: number | null;
  /** Why the trial counts as failed, when it does. */
  error: string | null;
}

/**
 * A sweep: trials of one notebook, grouped under one parent MLflow run.
 */
export interface ISweep {
  /** Id of the sweep. */
  id: string;
  /** Its name. */
  name: string;
  /** The notebook's path relative to the server root. */
  notebook: string;
  /** The definition it fired from, if one did. */
  job_id: string | null;
  /** How trials are picked. */
  strategy: SweepStrategy;
  /** The varied parameters by name. */
  parameters: Record<string, ISweepParameter>;
  /** The metric that ranks trials. */
  metric: string | null;
  /** Whether the metric is better low or high. */
  direction: Direction;
  /** Trials executing at once. */
  max_concurrent_runs: number;
  /** Seed of the sampling. */
  seed: number | null;
  /** Where the sweep is in its life. */
  status: SweepStatus;
  /** Trials it will run. */
  total: number;
  /** Trials that have ended. */
  done: number;
  /** ISO 8601 datetime. */
  created_at: string;
  /** ISO 8601 datetime; `null` while running. */
  finished_at: string | null;
  /** Why it failed. */
  error: string | null;
  /** MLflow experiment name. */
  experiment: string;
  /** MLflow experiment id, once tracked. */
  mlflow_experiment_id: string | null;
  /** The parent run its trials nest under. */
  mlflow_run_id: string | null;
  /** Its trials, first first. */
  trials: ISweepTrial[];
  /** The best trial by the metric so far. */
  best: ISweepTrial | null;
}

/**
 * Query of `GET /mlx/api/sweeps`.
 */
export interface IListSweepsQuery {
  /** Only sweeps of this notebook. */
  notebook?: string | null;
  /** Only sweeps this definition fired. */
  job_id?: string | null;
}

/**
 * A sweep in a list: its progress and best value, without trials.
 */
export interface ISweepSummary {
  /** Id of the sweep. */
  id: string;
  /** Its name. */
  name: string;
  /** The notebook's path relative to the server root. */
  notebook: string;
  /** The definition it fired from, if one did. */
  job_id: string | null;
  /** How trials are picked. */
  strategy: SweepStrategy;
  /** The metric that ranks trials. */
  metric: string | null;
  /** Whether the metric is better low or high. */
  direction: Direction;
  /** Where the sweep is in its life. */
  status: SweepStatus;
  /** Trials it will run. */
  total: number;
  /** Trials that have ended. */
  done: number;
  /** The best value of the metric so far. */
  best_value: number | null;
  /** The job run of the best trial. */
  best_run_id: string | null;
  /** ISO 8601 datetime. */
  created_at: string;
  /** ISO 8601 datetime; `null` while running. */
  finished_at: string | null;
}

/**
 * `GET /mlx/api/sweeps`: sweeps, newest first.
 */
export interface IListSweepsResponse {
  /** The sweeps. */
  sweeps: ISweepSummary[];
}

/**
 * Query of `DELETE /mlx/api/sweeps/{id}`.
 */
export interface IDeleteSweepQuery {
  /** Keep its trials' runs (default `true`; `false` deletes them). */
  keep_runs?: boolean;
}

/**
 * `POST /mlx/api/jobs/{id}/trigger`: what a trigger started: a run, or a
 * sweep when the definition's payload is one.
 */
export interface ITriggerJobResponse {
  /** The run started. */
  run: IJobRun | null;
  /** The sweep started. */
  sweep: ISweep | null;
}

/**
 * `POST /mlx/api/runs/{run_id}/reproduce`: the job run that runs a recorded
 * MLflow run again, and what may differ.
 */
export interface IReproduction {
  /** The MLflow run reproduced. */
  original_run_id: string;
  /** The job run that reproduces it (poll it). */
  job_run: IJobRun;
  /** What may differ: no recorded lock, a data input whose hash changed. */
  warnings: string[];
}

/**
 * Where an environment is in its life: `declared` (a spec, no lock),
 * `locked`, `stale` (the spec changed since the lock), `installing`, `ready`
 * (installed from the current lock), `failed` (the last lock or install).
 */
export type EnvironmentState =
  'declared' | 'locked' | 'stale' | 'installing' | 'ready' | 'failed';

/**
 * How an environment is declared: an `environment.yml` (`conda`) or a
 * `requirements.in` (`pip`).
 */
export type EnvironmentFlavour = 'conda' | 'pip';

/**
 * The solver that turns a conda spec into a lock.
 */
export type SolverName = 'rattler' | 'conda-lock';

/**
 * A line of an environment's spec that changed since its lock was written.
 */
export interface IStaleLine {
  /** Whether the line is new in the spec or gone from it. */
  change: 'added' | 'removed';
  /** The line. */
  line: string;
}

/**
 * How far an install has got.
 */
export interface IInstallProgress {
  /** What it does now: `solving`, `downloading`, `linking`, `kernel`. */
  phase: string;
  /** Steps done. */
  done: number;
  /** Steps in all; `0` while unknown. */
  total: number;
}

/**
 * An environment of the workspace: its spec, its lock, its installed prefix
 * and its kernel.
 */
export interface IEnvironment {
  /** The spec's `name:` (also its kernelspec's and folder's name). */
  name: string;
  /** How it is declared. */
  flavour: EnvironmentFlavour;
  /** Where it is in its life. */
  state: EnvironmentState;
  /** The spec, relative to the server root. */
  spec_path: string;
  /** The lock beside the spec (relative to the server root); `null` until locked. */
  lock_path: string | null;
  /** The installed prefix (absolute); `null` until installed. */
  prefix: string | null;
  /** Its kernelspec name once installed with ipykernel. */
  kernel: string | null;
  /** Channels the conda part is solved against. */
  channels: string[];
  /** Conda match specs (pip flavour: requirements). */
  dependencies: string[];
  /** Pip requirements of a conda spec's `pip:` section. */
  pip: string[];
  /** Platforms the lock covers. */
  platforms: string[];
  /** Hex sha256 of the lock; `null` until locked. */
  lock_sha256: string | null;
  /** The lock the prefix was installed from; `null` until installed. */
  installed_lock_sha256: string | null;
  /** ISO 8601 datetime of the lock, or `null`. */
  locked_at: string | null;
  /** ISO 8601 datetime of the install, or `null`. */
  installed_at: string | null;
  /** Packages the lock holds for this machine's platform. */
  packages: number;
  /** Spec lines changed since the lock (state `stale`). */
  stale_lines: IStaleLine[];
  /** How far the install has got, while installing. */
  progress: IInstallProgress | null;
  /** Why the last lock or install failed. */
  error: string | null;
}

/**
 * A spec found in the environment folders that cannot be read.
 */
export interface ISpecProblem {
  /** The spec, relative to the server root. */
  spec_path: string;
  /** Why it cannot be read (with the line and column of a YAML error). */
  message: string;
}

/**
 * `GET /mlx/api/environments`: every environment, and the specs that cannot
 * be read.
 */
export interface IEnvironmentList {
  /** The environments. */
  environments: IEnvironment[];
  /** Specs that cannot be read, each with why. */
  problems: ISpecProblem[];
}

/**
 * Body of `POST /mlx/api/environments`: a new spec, from fields or from its
 * text. With `content` the spec is that text (an `environment.yml`, or a
 * `requirements.in` for the pip flavour) and the list fields stay empty.
 */
export interface ICreateEnvironmentRequest {
  /** The environment's name. */
  name: string;
  /** How it is declared (default `conda`). */
  flavour?: EnvironmentFlavour;
  /** Folder of the spec, relative to the root; default `envs/<name>`. */
  folder?: string | null;
  /** Channels of the conda part. */
  channels?: string[];
  /** Conda match specs (pip flavour: requirements). */
  dependencies?: string[];
  /** Pip requirements of a conda spec. */
  pip?: string[];
  /** The spec's text, instead of the list fields. */
  content?: string | null;
}

/**
 * Body of `POST /mlx/api/environments/{name}/lock`.
 */
export interface ILockRequest {
  /** The solver; default: the server's (`MLXApp.solver`). */
  solver?: SolverName | null;
}

/**
 * Query of `DELETE /mlx/api/environments/{name}`.
 */
export interface IDeleteEnvironmentQuery {
  /** Delete the spec file too (default `false`). */
  delete_spec?: boolean;
}

/**
 * `GET /mlx/api/environments/{name}/log`: a piece of an environment's lock
 * and install log.
 */
export interface IEnvironmentLog {
  /** The environment. */
  name: string;
  /** The byte offset this piece starts at. */
  offset: number;
  /** Pass it as `offset` to read on. */
  next_offset: number;
  /** The piece of the log. */
  text: string;
  /** No lock or install runs: the whole log was read. */
  complete: boolean;
}

/**
 * A locked package.
 */
export interface IPackageVersion {
  /** The package's name. */
  name: string;
  /** Its locked version. */
  version: string;
  /** The manager installing it. */
  manager: 'conda' | 'pip';
}

/**
 * A package whose locked version changed.
 */
export interface IPackageChange {
  /** The package's name. */
  name: string;
  /** The version the previous lock held. */
  old: string;
  /** The version the lock holds. */
  new: string;
  /** The manager installing it. */
  manager: 'conda' | 'pip';
}

/**
 * `GET /mlx/api/environments/{name}/lock-diff`: the lock against the
 * previous one, for one platform.
 */
export interface ILockDiff {
  /** The environment. */
  name: string;
  /** The platform compared. */
  platform: string;
  /** The previous lock's sha256; `null` when the lock has no predecessor. */
  previous_sha256: string | null;
  /** The lock's sha256. */
  current_sha256: string;
  /** Packages only the lock holds. */
  added: IPackageVersion[];
  /** Packages only the previous lock held. */
  removed: IPackageVersion[];
  /** Packages whose version changed. */
  changed: IPackageChange[];
}

/**
 * Where a model of a run lives: an MLflow 3 LoggedModel, or an artifact
 * folder holding an `MLmodel` file.
 */
export type ModelSource = 'logged_model' | 'artifact';

/**
 * A model a run holds, which can be promoted.
 */
export interface IRunModel {
  /** The name given at logging, or the artifact folder holding `MLmodel`. */
  artifact_path: string;
  /** Where it lives. */
  source: ModelSource;
  /** `models:/<model_id>` or `runs:/<run_id>/<path>`. */
  model_uri: string;
  /** The LoggedModel's id; `null` for an artifact folder. */
  model_id: string | null;
  /** Flavours of its `MLmodel`, e.g. `python_function`, `pytorch`. */
  flavors: string[];
  /** The signature's `inputs` and `outputs` (MLflow's JSON), when logged. */
  signature: Record<string, string> | null;
  /** Whether an input example was logged (a smoke test needs one). */
  has_input_example: boolean;
}

/**
 * `GET /mlx/api/runs/{run_id}/models`: the models a run holds.
 */
export interface IRunModels {
  /** The run. */
  run_id: string;
  /** Its models. */
  models: IRunModel[];
}

/**
 * Gates a promotion must pass; stored on a registered model as its defaults.
 */
export interface IGates {
  /** Conditions on the run's metrics: `val_accuracy >= 0.9`, `loss < champion.loss`. */
  metrics: string[];
  /** Load the model in a subprocess and predict on its input example. */
  smoke: boolean;
}

/** What a gate checks. */
export type GateKind = 'metric' | 'smoke';

/** Where a gate is: waiting, running, or its verdict. */
export type GateStatus = 'pending' | 'running' | 'passed' | 'failed';

/**
 * One gate of a promotion and its verdict.
 */
export interface IGateResult {
  /** The expression as written, or `smoke test`. */
  gate: string;
  /** What it checks. */
  kind: GateKind;
  /** Where it is. */
  status: GateStatus;
  /** The values compared, or why it failed. */
  detail: string | null;
}

/**
 * `POST /mlx/api/models/promote`: register a run's model as a new version
 * and move an alias to it, behind gates.
 */
export interface IPromoteRequest {
  /** The run holding the model. */
  run_id: string;
  /** The model's name at logging, its artifact folder or `runs:/...`; default: the run's only model. */
  artifact_path?: string | null;
  /** The registered model: an existing one or a new one. */
  name: string;
  /** The alias to move, e.g. `champion`. */
  alias: string;
  /** Metric gates; absent: the model's default gates. */
  gates?: string[] | null;
  /** Run the smoke test; absent: the model's default. */
  smoke?: boolean | null;
  /** Why, for the history. */
  note?: string;
}

/**
 * `PUT /mlx/api/models/{name}/aliases/{alias}`: move an alias to a version,
 * behind gates.
 */
export interface IMoveAliasRequest {
  /** The version to point the alias to. */
  version: string;
  /** Metric gates; absent: the model's default gates. */
  gates?: string[] | null;
  /** Run the smoke test; absent: the model's default. */
  smoke?: boolean | null;
  /** Why, for the history. */
  note?: string;
}

/**
 * `POST /mlx/api/models/{name}/aliases/{alias}/rollback` body.
 */
export interface IRollbackRequest {
  /** Why, for the history. */
  note?: string;
}

/** Where a promotion is: gates running, promoted, refused by a gate, or failed. */
export type PromotionState = 'running' | 'promoted' | 'refused' | 'failed';

/**
 * A promotion (or a gated alias move): its gates as they run, then its
 * outcome. `GET /mlx/api/promotions/{promotion_id}` until `state` is no
 * longer `running`.
 */
export interface IPromotion {
  /** Its id, for polling. */
  promotion_id: string;
  /** Where it is. */
  state: PromotionState;
  /** The registered model. */
  name: string;
  /** The alias moved. */
  alias: string;
  /** The run of the model; `null` for a move of an existing version. */
  run_id: string | null;
  /** The model's artifact path in the run. */
  artifact_path: string | null;
  /** The model's URI. */
  model_uri: string | null;
  /** Each gate, in the order they run. */
  gates: IGateResult[];
  /** The version the alias now points to, once promoted. */
  version: string | null;
  /** The version the alias held before. */
  previous_version: string | null;
  /** Why it was refused (each failing gate) or failed (the step). */
  error: string | null;
  /** ISO time it started. */
  started_at: string;
  /** ISO time it ended; `null` while running. */
  finished_at: string | null;
}

/** What an entry of an alias history records. */
export type MoveAction = 'promote' | 'move' | 'rollback' | 'remove' | 'outside';

/** How a move ended: moved, refused by a gate, or undone after a failed step. */
export type MoveOutcome = 'moved' | 'refused' | 'undone';

/**
 * One entry of a registered model's alias history.
 */
export interface IAliasMove {
  /** Its id. */
  move_id: number;
  /** The registered model. */
  model: string;
  /** The alias. */
  alias: string;
  /** What was done. */
  action: MoveAction;
  /** How it ended. */
  outcome: MoveOutcome;
  /** The version the alias held before; `null` when it held none. */
  from_version: string | null;
  /** The version it points to after; `null` once removed. */
  to_version: string | null;
  /** Who moved it; `null` for a move outside jupyter-mlx. */
  user: string | null;
  /** ISO time of the move. */
  at: string;
  /** The gates it passed or failed. */
  gates: IGateResult[];
  /** The note given. */
  note: string;
  /** What failed, for an undone or refused move. */
  error: string | null;
}

/**
 * `GET /mlx/api/models/{name}/history`: alias moves, newest first.
 */
export interface IModelHistory {
  /** The registered model. */
  name: string;
  /** Its moves, newest first. */
  moves: IAliasMove[];
}

/**
 * A version of a registered model, with the run that produced it.
 */
export interface IModelVersion {
  /** The version number. */
  version: string;
  /** MLflow's: `READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION`. */
  status: string;
  /** The model's source URI. */
  source: string;
  /** The run that produced it. */
  run_id: string | null;
  /** The run's name. */
  run_name: string | null;
  /** The run's notebook, relative to the server root. */
  notebook: string | null;
  /** The job that ran it. */
  job_id: string | null;
  /** The jupyter-mlx environment it ran in. */
  environment: string | null;
  /** The environment lock it ran on. */
  environment_lock_sha256: string | null;
  /** Aliases pointing to it. */
  aliases: string[];
  /** Milliseconds since the epoch. */
  created: number | null;
  /** Who registered it. */
  user: string | null;
  /** Its description. */
  description: string | null;
  /** Last value of each of the run's metrics; non-finite values are `null`. */
  metrics: Record<string, number | null>;
}

/**
 * A registered model as listed.
 */
export interface IModelSummary {
  /** Its name. */
  name: string;
  /** Its description. */
  description: string | null;
  /** Alias to version. */
  aliases: Record<string, string>;
  /** The newest version. */
  latest_version: string | null;
  /** Milliseconds since the epoch. */
  created: number | null;
  /** Milliseconds since the epoch. */
  updated: number | null;
  /** Its tags. */
  tags: Record<string, string>;
}

/**
 * `GET /mlx/api/models/{name}`: versions (newest first), aliases, gates.
 */
export interface IDescribeModel extends IModelSummary {
  /** Its versions, newest first. */
  versions: IModelVersion[];
  /** Its default gates. */
  gates: IGates;
}

/**
 * Query of `GET /mlx/api/models`.
 */
export interface IListModelsQuery {
  /** Part of the name. */
  search?: string;
  /** Page size. */
  max_results?: number;
  /** A previous answer's `next_page_token`. */
  page_token?: string;
}

/**
 * `GET /mlx/api/models`: a page of registered models, by name.
 */
export interface IListModelsResponse {
  /** The models. */
  models: IModelSummary[];
  /** Token of the next page; `null` on the last. */
  next_page_token: string | null;
}

/**
 * Where an endpoint is: its process starting, serving, restarting after a
 * crash, stopped by the user, or given up on after repeated crashes.
 */
export type EndpointState =
  'starting' | 'running' | 'crashed' | 'stopped' | 'failed';

/** Which traffic a loaded version of an endpoint takes. */
export type EndpointRole = 'primary' | 'canary';

/**
 * A model version an endpoint has loaded, with its traffic so far.
 */
export interface IEndpointVersion {
  /** The primary, or the canary taking a share of the requests. */
  role: EndpointRole;
  /** The URI it was resolved from, e.g. `models:/churn/3`. */
  model_uri: string;
  /** The registered version; `null` when the URI is not a registry URI. */
  version: string | null;
  /** The MLflow run that produced it. */
  run_id: string | null;
  /** ISO time it was loaded. */
  loaded_at: string | null;
  /** Requests it answered. */
  requests: number;
  /** Requests it answered with an error. */
  errors: number;
  /** Median latency in milliseconds; `null` before any request. */
  p50_ms: number | null;
  /** 99th percentile latency in milliseconds; `null` before any request. */
  p99_ms: number | null;
}

/**
 * The canary of an endpoint: a second model taking a share of the requests.
 */
export interface IEndpointCanary {
  /** The canary's model URI. */
  model_uri: string;
  /** Percent of the requests it takes (0-100). */
  percent: number;
}

/**
 * Hot reload of an endpoint serving an alias: the last check of the alias,
 * a version loading, the last failure.
 */
export interface IEndpointReload {
  /** Seconds between two checks of the alias (0: off). */
  interval_s: number;
  /** ISO time of the last check. */
  checked_at: string | null;
  /** The version being loaded beside the serving one. */
  loading: string | null;
  /** Why the last reload failed (the old version keeps serving). */
  error: string | null;
  /** ISO time of the last reload. */
  reloaded_at: string | null;
}

/**
 * An endpoint: a model served in its own process on 127.0.0.1, reached
 * through Jupyter at `proxy_path`.
 */
export interface IEndpoint {
  /** Its name: letters, digits, `.`, `_` and `-`. */
  name: string;
  /** The model served: `models:/NAME@ALIAS`, `models:/NAME/V`, `runs:/...`. */
  model_uri: string;
  /** Where it is. */
  state: EndpointState;
  /** The local port; `null` while stopped. */
  port: number | null;
  /** `http://127.0.0.1:PORT`; `null` while stopped. */
  url: string | null;
  /** `mlx/endpoints/NAME/`, below the server's base URL. */
  proxy_path: string;
  /** Milliseconds concurrent requests are collected into one predict call. */
  batch_window_ms: number;
  /** Most rows of one predict call. */
  max_batch_rows: number;
  /** The canary, when traffic is split. */
  canary: IEndpointCanary | null;
  /** Its process id while it runs. */
  pid: number | null;
  /** Times the supervisor restarted it. */
  restarts: number;
  /** Why it last stopped or failed. */
  last_error: string | null;
  /** The last lines of its process log once crashed or failed. */
  log_tail: string[];
  /** The versions loaded, while it runs. */
  versions: IEndpointVersion[];
  /** Hot reload, for an alias served; `null` otherwise. */
  reload: IEndpointReload | null;
  /** A request built from the model's input example, or `null`. */
  example_request: Record<string, unknown> | null;
  /** ISO time it was created. */
  created_at: string;
  /** Who created it. */
  created_by: string | null;
}

/**
 * `GET /mlx/api/endpoints`: every endpoint.
 */
export interface IListEndpointsResponse {
  /** The endpoints, by name. */
  endpoints: IEndpoint[];
}

/**
 * `POST /mlx/api/endpoints`: serve a model.
 */
export interface ICreateEndpointRequest {
  /** The endpoint's name. */
  name: string;
  /** The model to serve. */
  model_uri: string;
  /** The local port; absent or 0: a free one. */
  port?: number;
  /** Milliseconds requests are collected into one predict call. */
  batch_window_ms?: number;
  /** Most rows of one predict call. */
  max_batch_rows?: number;
}

/**
 * `PATCH /mlx/api/endpoints/{name}`: split traffic, promote or drop the
 * canary, tune batching.
 */
export interface IUpdateEndpointRequest {
  /** The canary's model URI; `null` drops the canary. */
  canary_model_uri?: string | null;
  /** Percent of the requests the canary takes (0-100). */
  canary_percent?: number;
  /** Make the canary's version the primary. */
  promote_canary?: boolean;
  /** Milliseconds requests are collected into one predict call. */
  batch_window_ms?: number;
  /** Most rows of one predict call. */
  max_batch_rows?: number;
}

/**
 * One second of an endpoint's traffic.
 */
export interface IEndpointBucket {
  /** The second, in seconds since the epoch. */
  t: number;
  /** Requests answered in it. */
  requests: number;
  /** Requests answered with an error. */
  errors: number;
  /** Latency percentiles in milliseconds. */
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  /** Requests per version. */
  versions: Record<string, number>;
}

/**
 * `GET /mlx/api/endpoints/{name}/metrics`: the seconds with requests of the
 * last 15 minutes.
 */
export interface IEndpointMetrics {
  /** Seconds per bucket. */
  interval_s: number;
  /** The buckets, oldest first. */
  buckets: IEndpointBucket[];
}

/**
 * Query of `GET /mlx/api/endpoints/{name}/metrics`.
 */
export interface IEndpointMetricsQuery {
  /** Only the buckets from this second on (seconds since the epoch). */
  since?: number;
}

/**
 * Input drift of one feature.
 */
export interface IFeatureDrift {
  /** The feature (column) name. */
  name: string;
  /** Its population stability index; `null` when it cannot be computed. */
  psi: number | null;
  /** Whether its PSI is above the threshold. */
  drifted: boolean;
}

/**
 * `GET /mlx/api/endpoints/{name}/drift`: the recent inputs against the
 * training sample.
 */
export interface IEndpointDrift {
  /** PSI above which a feature is flagged. */
  threshold: number;
  /** What the inputs are compared to, e.g. `input_example`. */
  reference: string | null;
  /** Rows of the reference. */
  reference_rows: number;
  /** Recent input rows compared. */
  live_rows: number;
  /** Each numeric feature. */
  features: IFeatureDrift[];
  /** Whether any feature drifted. */
  drifted: boolean;
  /** Why PSI is not computed (e.g. too few live rows), or `null`. */
  message: string | null;
}

/**
 * One logged request of an endpoint.
 */
export interface IEndpointRequestRecord {
  /** ISO time. */
  t: string;
  /** Milliseconds to answer. */
  latency_ms: number;
  /** HTTP status answered. */
  status: number;
  /** The version that answered. */
  version: string | null;
  /** A sample of the input (truncated to about 2 KB). */
  input: unknown;
  /** A sample of the output. */
  output: unknown;
}

/**
 * `GET /mlx/api/endpoints/{name}/log`: the latest requests, newest first.
 */
export interface IEndpointLog {
  /** The records, newest first. */
  records: IEndpointRequestRecord[];
}

/**
 * What an endpoint answered a request sent through Jupyter's proxy
 * (`POST mlx/endpoints/{name}/invocations`), error statuses included.
 */
export interface IInvocation {
  /** HTTP status. */
  status: number;
  /** Whether the status is 2xx. */
  ok: boolean;
  /** Milliseconds from sending the request to the end of the answer. */
  latency_ms: number;
  /** The answer: parsed JSON (`{"predictions": ...}`), else its text. */
  body: unknown;
  /**
   * The error's message: the model server's `{error_code, message}` or
   * Jupyter's `{message}`; `null` for a 2xx answer.
   */
  error: string | null;
  /** The error's code (`error_code` or `code`), when given. */
  code: string | null;
}
