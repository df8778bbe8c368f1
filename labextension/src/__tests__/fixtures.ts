import { nullTranslator } from '@jupyterlab/translation';

import { MLXResponseError } from '../api/request';
import type {
  IDescribeConfig,
  IDescribeRun,
  IJobAttempt,
  IJobDefinition,
  IJobRun,
  IJobRunBrief,
  IJobRunLog,
  INotebookParametersResponse,
  IRunSummary,
  ISweep,
  ISweepSummary,
  ISweepTrial
} from '../api/types';
import { JobFormState } from '../jobs/state/form';
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
    inputs: [],
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
 * test says what it answers; but for `listEnvironments`, which every job
 * form asks for beside the parameters: no environments.
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
    compareRuns: unexpected('compareRuns'),
    reproduceRun: unexpected('reproduceRun'),
    getNotebookParameters: unexpected('getNotebookParameters'),
    createJobRun: unexpected('createJobRun'),
    listJobRuns: unexpected('listJobRuns'),
    getJobRun: unexpected('getJobRun'),
    deleteJobRun: unexpected('deleteJobRun'),
    stopJobRun: unexpected('stopJobRun'),
    readJobRunLog: unexpected('readJobRunLog'),
    getJobRunOutput: unexpected('getJobRunOutput'),
    listJobs: unexpected('listJobs'),
    createJob: unexpected('createJob'),
    getJob: unexpected('getJob'),
    updateJob: unexpected('updateJob'),
    deleteJob: unexpected('deleteJob'),
    triggerJob: unexpected('triggerJob'),
    pauseJob: unexpected('pauseJob'),
    resumeJob: unexpected('resumeJob'),
    updateJobFromNotebook: unexpected('updateJobFromNotebook'),
    listRunsOfJob: unexpected('listRunsOfJob'),
    createSweep: unexpected('createSweep'),
    listSweeps: unexpected('listSweeps'),
    getSweep: unexpected('getSweep'),
    deleteSweep: unexpected('deleteSweep'),
    stopSweep: unexpected('stopSweep'),
    previewSchedule: unexpected('previewSchedule'),
    listEnvironments: jest.fn(async () => ({ environments: [], problems: [] })),
    listModels: unexpected('listModels'),
    getModel: unexpected('getModel'),
    getModelHistory: unexpected('getModelHistory'),
    setModelGates: unexpected('setModelGates'),
    moveModelAlias: unexpected('moveModelAlias'),
    deleteModelAlias: unexpected('deleteModelAlias'),
    rollbackModelAlias: unexpected('rollbackModelAlias'),
    promoteModel: unexpected('promoteModel'),
    getPromotion: unexpected('getPromotion'),
    listRunModels: unexpected('listRunModels'),
    listEndpoints: unexpected('listEndpoints'),
    createEndpoint: unexpected('createEndpoint'),
    getEndpoint: unexpected('getEndpoint'),
    updateEndpoint: unexpected('updateEndpoint'),
    stopEndpoint: unexpected('stopEndpoint'),
    restartEndpoint: unexpected('restartEndpoint'),
    deleteEndpoint: unexpected('deleteEndpoint'),
    getEndpointMetrics: unexpected('getEndpointMetrics'),
    getEndpointDrift: unexpected('getEndpointDrift'),
    getEndpointLog: unexpected('getEndpointLog'),
    invokeEndpoint: unexpected('invokeEndpoint'),
    endpointUrl: jest.fn(
      (name: string, route = 'invocations') =>
        `http://localhost:8888/mlx/endpoints/${name}/${route}`
    ),
    jobRunOutputUrl: jest.fn(
      (runId: string, format = 'ipynb') =>
        `http://localhost/mlx/api/job-runs/${runId}/output?format=${format}`
    )
  } as unknown as jest.Mocked<IMLXClient>;
}

/**
 * The parameters of a notebook as `GET /mlx/api/notebooks/parameters`
 * answers them, with `overrides` applied: one parameter of each type.
 */
export function makeNotebookParameters(
  overrides: Partial<INotebookParametersResponse> = {}
): INotebookParametersResponse {
  return {
    path: 'work/train.ipynb',
    has_parameters_cell: true,
    parameters: [
      {
        name: 'epochs',
        type: 'int',
        default: 5,
        default_source: '5',
        help: 'Passes over the data'
      },
      {
        name: 'lr',
        type: 'float',
        default: 0.01,
        default_source: '1e-2',
        help: ''
      },
      {
        name: 'scale',
        type: 'float',
        default: 1,
        default_source: '1.0',
        help: ''
      },
      {
        name: 'shuffle',
        type: 'bool',
        default: true,
        default_source: 'True',
        help: ''
      },
      {
        name: 'optimizer',
        type: 'str',
        default: 'adam',
        default_source: "'adam'",
        help: 'adam or sgd'
      },
      {
        name: 'layers',
        type: 'list',
        default: [64, 32],
        default_source: '[64, 32]',
        help: ''
      },
      {
        name: 'extra',
        type: 'dict',
        default: { dropout: 0.1 },
        default_source: "{'dropout': 0.1}",
        help: ''
      }
    ],
    kernel: 'python3',
    kernels: [
      { name: 'python3', display_name: 'Python 3', language: 'python' },
      { name: 'ml', display_name: 'ML (conda)', language: 'python' }
    ],
    default_kernel: 'python3',
    ...overrides
  };
}

/**
 * A client answering `makeNotebookParameters()`, and the form state of
 * `work/train.ipynb` loaded from it (the test disposes of it).
 */
export async function loadJobForm(): Promise<{
  client: jest.Mocked<IMLXClient>;
  state: JobFormState;
}> {
  const client = makeClient();
  client.getNotebookParameters.mockResolvedValue(makeNotebookParameters());
  const state = new JobFormState({
    client,
    path: 'work/train.ipynb',
    trans: nullTranslator.load('jupyter_mlx')
  });
  await state.load();
  return { client, state };
}

/**
 * An attempt of a job run, with `overrides` applied.
 */
export function makeJobAttempt(
  overrides: Partial<IJobAttempt> = {}
): IJobAttempt {
  return {
    number: 1,
    status: 'succeeded',
    kernel: 'python3',
    warm_kernel: true,
    started_at: '2024-05-01T10:00:05Z',
    finished_at: '2024-05-01T10:01:10Z',
    error: null,
    ...overrides
  };
}

/**
 * A job run as `GET /mlx/api/job-runs/{id}` answers it, with `overrides`
 * applied: a run that succeeded.
 */
export function makeJobRun(overrides: Partial<IJobRun> = {}): IJobRun {
  return {
    id: 'jr-1',
    job_id: 'job-1',
    notebook: 'work/train.ipynb',
    status: 'succeeded',
    parameters: { epochs: 10 },
    kernel: 'python3',
    environment: null,
    environment_lock_sha256: null,
    inputs: [],
    timeout: null,
    retries: 0,
    retry_backoff: 10,
    output_formats: ['ipynb'],
    experiment: 'work/train.ipynb',
    idempotency_key: null,
    attempt: 1,
    attempts: [makeJobAttempt()],
    progress: null,
    created_at: '2024-05-01T10:00:00Z',
    started_at: '2024-05-01T10:00:05Z',
    finished_at: '2024-05-01T10:01:10Z',
    next_attempt_at: null,
    input_path: '.mlx/jobs/jr-1/input.ipynb',
    output_path: '.mlx/jobs/jr-1/output.ipynb',
    html_path: null,
    log_path: '.mlx/jobs/jr-1/run.log',
    mlflow_experiment_id: '1',
    mlflow_run_id: 'run-1',
    error: null,
    trigger: 'manual',
    scheduled_for: null,
    sweep_id: null,
    webhook: null,
    ...overrides
  };
}

/**
 * A run as a definition's strip shows it, with `overrides` applied.
 */
export function makeJobRunBrief(
  overrides: Partial<IJobRunBrief> = {}
): IJobRunBrief {
  return {
    id: 'jr-1',
    status: 'succeeded',
    trigger: 'schedule',
    scheduled_for: '2024-05-01T10:00:00Z',
    created_at: '2024-05-01T10:00:00Z',
    finished_at: '2024-05-01T10:01:10Z',
    ...overrides
  };
}

/**
 * A job definition as `GET /mlx/api/jobs/{id}` answers it, with `overrides`
 * applied: a nightly schedule whose last run succeeded.
 */
export function makeJobDefinition(
  overrides: Partial<IJobDefinition> = {}
): IJobDefinition {
  const last = makeJobRunBrief();
  return {
    id: 'job-1',
    name: 'nightly',
    notebook: 'work/train.ipynb',
    snapshot_path: '.mlx/jobs/job-1/train.ipynb',
    snapshot_sha256: 'abc123',
    snapshot_taken_at: '2024-05-01T09:00:00Z',
    notebook_changed: false,
    parameters: { epochs: 10 },
    kernel: 'python3',
    environment: null,
    install_environment: false,
    inputs: [],
    timeout: null,
    retries: 0,
    retry_backoff: 10,
    output_formats: ['ipynb'],
    experiment: 'work/train.ipynb',
    cron: '0 2 * * *',
    timezone: 'Europe/Paris',
    schedule_description: 'At 02:00 AM',
    catchup: 'latest',
    max_concurrent_runs: 1,
    active: true,
    next_fire_at: '2024-05-02T00:00:00Z',
    last_fire_at: '2024-05-01T00:00:00Z',
    skipped_fires: 0,
    sweep: null,
    notify: true,
    webhook_url: null,
    webhook_events: ['failure'],
    created_at: '2024-05-01T09:00:00Z',
    updated_at: '2024-05-01T09:00:00Z',
    run_count: 1,
    active_runs: 0,
    last_run: last,
    previous_status: null,
    recent_runs: [last],
    ...overrides
  };
}

/**
 * A trial of a sweep, with `overrides` applied.
 */
export function makeSweepTrial(
  overrides: Partial<ISweepTrial> = {}
): ISweepTrial {
  return {
    number: 0,
    run: makeJobRun({ id: 'jr-t0', trigger: 'sweep', sweep_id: 'sw-1' }),
    values: { lr: 0.01 },
    objective: 0.25,
    error: null,
    ...overrides
  };
}

/**
 * A sweep as `GET /mlx/api/sweeps/{id}` answers it, with `overrides`
 * applied: a grid over `lr`, one trial of two done.
 */
export function makeSweep(overrides: Partial<ISweep> = {}): ISweep {
  const first = makeSweepTrial();
  return {
    id: 'sw-1',
    name: 'train lr sweep',
    notebook: 'work/train.ipynb',
    job_id: null,
    strategy: 'grid',
    parameters: { lr: { values: [0.01, 0.1] } },
    metric: 'loss',
    direction: 'minimize',
    max_concurrent_runs: 2,
    seed: null,
    status: 'running',
    total: 2,
    done: 1,
    created_at: '2024-05-01T10:00:00Z',
    finished_at: null,
    error: null,
    experiment: 'work/train.ipynb',
    mlflow_experiment_id: '1',
    mlflow_run_id: 'parent-1',
    trials: [
      first,
      makeSweepTrial({
        number: 1,
        run: makeJobRun({
          id: 'jr-t1',
          status: 'running',
          trigger: 'sweep',
          sweep_id: 'sw-1',
          finished_at: null,
          mlflow_run_id: 'run-2'
        }),
        values: { lr: 0.1 },
        objective: null
      })
    ],
    best: first,
    ...overrides
  };
}

/**
 * A sweep as `GET /mlx/api/sweeps` lists it, with `overrides` applied.
 */
export function makeSweepSummary(
  overrides: Partial<ISweepSummary> = {}
): ISweepSummary {
  return {
    id: 'sw-1',
    name: 'train lr sweep',
    notebook: 'work/train.ipynb',
    job_id: null,
    strategy: 'grid',
    metric: 'loss',
    direction: 'minimize',
    status: 'running',
    total: 2,
    done: 1,
    best_value: 0.25,
    best_run_id: 'jr-t0',
    created_at: '2024-05-01T10:00:00Z',
    finished_at: null,
    ...overrides
  };
}

/**
 * A piece of a job run's log, with `overrides` applied.
 */
export function makeJobRunLog(overrides: Partial<IJobRunLog> = {}): IJobRunLog {
  return {
    run_id: 'jr-1',
    offset: 0,
    next_offset: 0,
    text: '',
    complete: false,
    ...overrides
  };
}
