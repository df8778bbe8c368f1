"""Wire shapes of the jobs API (mirrored in labextension/src/api/types.ts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, JsonValue, StringConstraints, field_validator

from ..environments.schemas import EnvironmentName
from ..schemas import LogOffset, LogPiece, MLXSchema
from ..tracking.schemas import PAGE_TOKEN_HELP, PageToken

#: Where a job run is in its life.
JobRunStatus = Literal[
    "queued", "running", "succeeded", "failed", "stopped", "timed_out", "interrupted"
]
#: Statuses a run does not leave.
FINAL_STATUSES: frozenset[str] = frozenset(
    {"succeeded", "failed", "stopped", "timed_out", "interrupted"}
)
#: Statuses of a run that has not ended yet.
ACTIVE_STATUSES: frozenset[str] = frozenset({"queued", "running"})

#: The type of a parameter, inferred from its default value.
ParameterType = Literal["int", "float", "bool", "str", "list", "dict", "any"]
OutputFormat = Literal["ipynb", "html"]
#: What a definition does with the fires it missed while no scheduler ran.
CatchupPolicy = Literal["none", "latest", "all"]
#: What started a run.
RunTrigger = Literal["manual", "schedule", "catchup", "sweep", "reproduce"]
#: Run endings that a webhook may be told of.
WebhookEvent = Literal["success", "failure"]
SweepStrategy = Literal["grid", "random", "optuna"]
SweepStatus = Literal["running", "succeeded", "failed", "stopped"]
Direction = Literal["minimize", "maximize"]

MAX_RETRIES = 10
#: Longest timeout a run may ask for: one week.
MAX_TIMEOUT_S = 7 * 24 * 3600.0
MAX_PAGE_SIZE = 1000
#: Most bytes of a log one answer carries.
MAX_LOG_CHUNK = 1 << 20
#: Most data inputs one run declares.
MAX_INPUTS = 100

NotebookPath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
#: A file or folder a run reads, relative to the server root.
InputPath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
ENVIRONMENT_HELP = (
    "Environment of the workspace whose kernel runs the notebook (instead of kernel); it must "
    "be installed from its current lock."
)
INSTALL_ENVIRONMENT_HELP = (
    "Install the environment from its lock first when it is not installed, instead of "
    "refusing the run."
)
INPUTS_HELP = (
    "Files or folders the run reads, relative to the server root; each is hashed when the run "
    "starts and recorded on its MLflow run."
)
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class NotebookParameterSpec(MLXSchema):
    """One name of a notebook's ``parameters`` cell, typed from its default."""

    name: str
    type: ParameterType = Field(
        description="Inferred from the default value (an annotation wins); any when neither says."
    )
    default: JsonValue = Field(
        description="The default as a JSON value; null when its source is not a literal."
    )
    default_source: str = Field(description="The default as written in the cell.")
    help: str = Field(description="The comment after the assignment, or empty.")


class KernelSpecSummary(MLXSchema):
    """An installed kernelspec."""

    name: str
    display_name: str
    language: str


class NotebookParametersQuery(MLXSchema):
    """Query of ``GET /mlx/api/notebooks/parameters``."""

    path: NotebookPath = Field(description="Notebook path relative to the server root.")


class NotebookParametersResponse(MLXSchema):
    """What a run of a notebook can be given: its parameters and the kernels to run it in."""

    path: str
    has_parameters_cell: bool
    parameters: list[NotebookParameterSpec]
    kernel: str | None = Field(description="The notebook's kernelspec name, when it has one.")
    kernels: list[KernelSpecSummary] = Field(description="Every installed kernelspec.")
    default_kernel: str = Field(description="The kernel a run uses unless told otherwise.")


class CreateJobRunRequest(MLXSchema):
    """Body of ``POST /mlx/api/job-runs``."""

    notebook: NotebookPath = Field(description="Notebook path relative to the server root.")
    parameters: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="Values by name of the notebook's parameters cell; each must fit its type.",
    )
    kernel: str | None = Field(None, description="Kernelspec; default: the notebook's.")
    environment: EnvironmentName | None = Field(None, description=ENVIRONMENT_HELP)
    install_environment: bool = Field(False, description=INSTALL_ENVIRONMENT_HELP)
    inputs: list[InputPath] = Field(
        default_factory=list, max_length=MAX_INPUTS, description=INPUTS_HELP
    )
    timeout: float | None = Field(
        None, gt=0, le=MAX_TIMEOUT_S, description="Seconds an attempt may take; none: no limit."
    )
    retries: int = Field(0, ge=0, le=MAX_RETRIES, description="Attempts after the first.")
    retry_backoff: float = Field(
        10.0, ge=0, le=3600, description="Seconds before the first retry; doubled for each next."
    )
    output_formats: list[OutputFormat] = Field(
        default_factory=lambda: list[OutputFormat](["ipynb"]),
        description="ipynb always; html as well when listed.",
    )
    experiment: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="MLflow experiment name; default: the notebook's path."
    )
    idempotency_key: IdempotencyKey | None = Field(
        None, description="A create repeating a key answers the run it created."
    )
    allow_extra: bool = Field(False, description="Accept names the parameters cell lacks.")
    job_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, description="Another run of this job (a re-run); default: a new job."
    )

    @field_validator("output_formats")
    @classmethod
    def ipynb_always(cls, formats: list[str]) -> list[str]:
        return ["ipynb", *(f for f in dict.fromkeys(formats) if f != "ipynb")]


class JobRunError(MLXSchema):
    """Why an attempt did not succeed."""

    message: str = Field(description="One sentence.")
    cell_index: int | None = Field(
        None, description="Index of the failing cell in the output notebook."
    )
    cell_id: str | None = None
    execution_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    traceback: list[str] = Field(default_factory=list, description="Plain text, no ANSI colours.")


class JobAttempt(MLXSchema):
    """One try of a run."""

    number: int = Field(description="1 for the first try.")
    status: JobRunStatus
    kernel: str
    warm_kernel: bool = Field(description="Whether it ran in a kernel started ahead.")
    started_at: datetime
    finished_at: datetime | None
    error: JobRunError | None


class JobRunProgress(MLXSchema):
    """Where a running attempt is."""

    cell: int = Field(description="The code cell executing now, 1-based.")
    total: int = Field(description="Code cells to execute.")


class WebhookDelivery(MLXSchema):
    """How telling a definition's webhook of a run's end went (it never fails the run)."""

    url: str
    event: WebhookEvent
    delivered: bool
    status_code: int | None
    error: str | None
    at: datetime


class JobRun(MLXSchema):
    """A job run: one execution of a notebook with its parameters, and every attempt at it."""

    id: str
    job_id: str
    notebook: str = Field(description="The notebook's path relative to the server root.")
    status: JobRunStatus
    parameters: dict[str, JsonValue]
    kernel: str
    environment: str | None = Field(description="The environment whose kernel runs it.")
    environment_lock_sha256: str | None = Field(
        description="Hex sha256 of the lock that environment was installed from."
    )
    inputs: list[str] = Field(description="Files and folders it reads, relative to the root.")
    timeout: float | None
    retries: int
    retry_backoff: float
    output_formats: list[OutputFormat]
    experiment: str
    idempotency_key: str | None
    attempt: int = Field(description="The latest attempt's number; 0 before the first starts.")
    attempts: list[JobAttempt]
    progress: JobRunProgress | None = Field(description="While running: the cell executing.")
    created_at: datetime
    started_at: datetime | None = Field(description="When the first attempt started.")
    finished_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When a queued retry becomes due.")
    input_path: str = Field(description="The notebook as submitted (a copy).")
    output_path: str | None = Field(description="The output notebook, once written.")
    html_path: str | None
    log_path: str
    mlflow_experiment_id: str | None
    mlflow_run_id: str | None
    error: JobRunError | None = Field(description="The last attempt's error, if it failed.")
    trigger: RunTrigger = Field(description="What started it.")
    scheduled_for: datetime | None = Field(description="The cron instant it fired for.")
    sweep_id: str | None = Field(description="The sweep it is a trial of.")
    webhook: WebhookDelivery | None = Field(description="Its definition's webhook, once told.")


class ListJobRunsQuery(MLXSchema):
    """Query of ``GET /mlx/api/job-runs``."""

    notebook: str | None = Field(None, description="Only runs of this notebook.")
    status: list[JobRunStatus] = Field(default_factory=list, description="Only these statuses.")
    job_id: str | None = Field(None, description="Only runs of this job.")
    sweep_id: str | None = Field(None, description="Only trials of this sweep.")
    max_results: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    page_token: PageToken | None = Field(None, description=PAGE_TOKEN_HELP)


class ListJobRunsResponse(MLXSchema):
    """A page of job runs, newest first."""

    runs: list[JobRun]
    next_page_token: str | None
    total: int = Field(description="Runs matching the filters.")


class ReadJobLogQuery(MLXSchema):
    """Query of ``GET /mlx/api/job-runs/{id}/log``."""

    offset: LogOffset = 0
    max_bytes: int = Field(MAX_LOG_CHUNK, ge=1, le=MAX_LOG_CHUNK)


class JobRunLog(LogPiece):
    """A piece of a run's log."""

    run_id: str
    complete: bool = Field(description="The run has ended and the whole log was read.")


class ReadJobOutputQuery(MLXSchema):
    """Query of ``GET /mlx/api/job-runs/{id}/output``."""

    format: OutputFormat = "ipynb"


# --- schedules, job definitions and sweeps -----------------------------------------------


#: Most runs one sweep may make unless ``MLXApp.max_sweep_runs`` says otherwise.
DEFAULT_MAX_SWEEP_RUNS = 100
#: Most missed fires the ``all`` policy runs unless ``MLXApp.max_catchup_runs`` says otherwise.
DEFAULT_MAX_CATCHUP_RUNS = 10
MAX_CONCURRENT_LIMIT = 64

JobName = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
CronExpression = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)
]
TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
MetricName = Annotated[str, StringConstraints(min_length=1, max_length=250, strip_whitespace=True)]
WebhookUrl = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class SchedulePreviewQuery(MLXSchema):
    """Query of ``GET /mlx/api/schedules/preview``."""

    cron: CronExpression = Field(description="A five-field cron expression, e.g. '0 6 * * 1-5'.")
    tz: TimeZoneName = Field("UTC", description="IANA time zone the expression is read in.")
    count: int = Field(5, ge=1, le=50, description="How many fire times to list.")


class SchedulePreview(MLXSchema):
    """What a cron expression means: a sentence and its next fire times."""

    cron: str
    tz: str
    description: str = Field(description="The expression in words, e.g. 'At 06:00 AM'.")
    next_fire_times: list[datetime] = Field(description="In the time zone, with its offset.")


class SweepParameter(MLXSchema):
    """The values one parameter takes in a sweep: a list, or a numeric range.

    A range has ``low`` and ``high``; grid steps it by ``step`` (or takes ``count`` evenly
    spaced values); random and optuna sample it (uniformly, or log-uniformly with ``log``).
    """

    values: list[JsonValue] | None = Field(None, description="The values to try.")
    low: float | None = None
    high: float | None = None
    step: float | None = Field(None, gt=0, description="Grid step of a range.")
    count: int | None = Field(None, ge=2, le=1000, description="Grid points of a range.")
    log: bool = Field(False, description="Sample a range on a log scale (low > 0).")
    integer: bool = Field(False, description="The range holds whole numbers.")


class SweepSpec(MLXSchema):
    """How a sweep varies a notebook's parameters and what it optimises."""

    parameters: dict[str, SweepParameter] = Field(
        description="The varied parameters by name; at least one."
    )
    strategy: SweepStrategy = "grid"
    trials: int | None = Field(
        None, ge=1, description="Runs of random and optuna sweeps (grid: the grid's size)."
    )
    metric: MetricName | None = Field(
        None, description="The metric the notebook logs that ranks trials (optuna: required)."
    )
    direction: Direction = "minimize"
    max_concurrent_runs: int = Field(
        2, ge=1, le=MAX_CONCURRENT_LIMIT, description="Trials executing at once."
    )
    seed: int | None = Field(None, description="Seed of random and optuna sampling.")


def stored_values(source: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``names`` a stored definition holds (or any object with these
    attributes), as a request would give them.

    A definition on an environment stores its environment's kernel too; the values name the
    environment only, which gives the kernel again at each run.
    """
    values = {name: getattr(source, name) for name in names}
    if values.get("environment"):
        values["kernel"] = None
    if "install_environment" in values:
        values["install_environment"] = bool(values["install_environment"])
    if "inputs" in values:
        values["inputs"] = values["inputs"] or []
    return values


class JobSettings(MLXSchema):
    """What every run of a definition gets: values, kernel, limits, outputs, experiment."""

    parameters: dict[str, JsonValue] = Field(
        default_factory=dict, description="Values by name of the notebook's parameters cell."
    )
    kernel: str | None = Field(None, description="Kernelspec; default: the notebook's.")
    environment: EnvironmentName | None = Field(None, description=ENVIRONMENT_HELP)
    install_environment: bool = Field(False, description=INSTALL_ENVIRONMENT_HELP)
    inputs: list[InputPath] = Field(
        default_factory=list, max_length=MAX_INPUTS, description=INPUTS_HELP
    )
    timeout: float | None = Field(None, gt=0, le=MAX_TIMEOUT_S)
    retries: int = Field(0, ge=0, le=MAX_RETRIES)
    retry_backoff: float = Field(10.0, ge=0, le=3600)
    output_formats: list[OutputFormat] = Field(
        default_factory=lambda: list[OutputFormat](["ipynb"])
    )
    experiment: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None

    @field_validator("output_formats")
    @classmethod
    def ipynb_always(cls, formats: list[str]) -> list[str]:
        return ["ipynb", *(f for f in dict.fromkeys(formats) if f != "ipynb")]

    @classmethod
    def of(cls, source: Any) -> JobSettings:
        """The settings held by a stored definition (or any object with these attributes)."""
        return cls.model_validate(stored_values(source, JOB_SETTINGS))

    def run_request(
        self,
        notebook: str,
        *,
        parameters: dict[str, Any] | None = None,
        experiment: str | None = None,
        allow_extra: bool = False,
    ) -> CreateJobRunRequest:
        """A run of ``notebook`` with these settings, its values replaced by ``parameters``."""
        return CreateJobRunRequest(
            notebook=notebook,
            parameters=self.parameters if parameters is None else parameters,
            kernel=self.kernel,
            environment=self.environment,
            install_environment=self.install_environment,
            inputs=self.inputs,
            timeout=self.timeout,
            retries=self.retries,
            retry_backoff=self.retry_backoff,
            output_formats=self.output_formats,
            experiment=experiment or self.experiment,
            allow_extra=allow_extra,
        )


#: The fields of :class:`JobSettings`, which every run of a definition or sweep gets.
JOB_SETTINGS = (
    "parameters",
    "kernel",
    "environment",
    "install_environment",
    "inputs",
    "timeout",
    "retries",
    "retry_backoff",
    "output_formats",
    "experiment",
)


class CreateJobRequest(JobSettings):
    """Body of ``POST /mlx/api/jobs``: a job definition, scheduled or run on demand."""

    notebook: NotebookPath = Field(description="Notebook path relative to the server root.")
    name: JobName | None = Field(None, description="Default: the notebook's file name.")
    cron: CronExpression | None = Field(None, description="Five-field cron; none: on demand.")
    timezone: TimeZoneName = Field("UTC", description="IANA time zone of the schedule.")
    catchup: CatchupPolicy = Field(
        "latest", description="Missed fires after downtime: none, the latest, or all (capped)."
    )
    max_concurrent_runs: int = Field(1, ge=1, le=MAX_CONCURRENT_LIMIT)
    active: bool = Field(True, description="False creates it paused.")
    sweep: SweepSpec | None = Field(None, description="Each fire runs this sweep instead.")
    notify: bool = Field(True, description="Notify JupyterLab when a run fails or recovers.")
    webhook_url: WebhookUrl | None = Field(None, description="http(s) URL told of run ends.")
    webhook_events: list[WebhookEvent] = Field(
        default_factory=lambda: list[WebhookEvent](["failure"])
    )
    allow_extra: bool = Field(False, description="Accept names the parameters cell lacks.")


class UpdateJobRequest(MLXSchema):
    """Body of ``PATCH /mlx/api/jobs/{id}``: the fields to change (others keep their value).

    ``cron: null`` turns the schedule off; a changed schedule fires next from now on.
    """

    name: JobName | None = None
    parameters: dict[str, JsonValue] | None = None
    kernel: str | None = Field(None, description="A kernelspec; it replaces the environment.")
    environment: EnvironmentName | None = Field(
        None, description="An environment; it replaces the kernel."
    )
    install_environment: bool | None = None
    inputs: list[InputPath] | None = Field(None, max_length=MAX_INPUTS)
    timeout: float | None = Field(None, gt=0, le=MAX_TIMEOUT_S)
    retries: int | None = Field(None, ge=0, le=MAX_RETRIES)
    retry_backoff: float | None = Field(None, ge=0, le=3600)
    output_formats: list[OutputFormat] | None = None
    experiment: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    cron: CronExpression | None = None
    timezone: TimeZoneName | None = None
    catchup: CatchupPolicy | None = None
    max_concurrent_runs: int | None = Field(None, ge=1, le=MAX_CONCURRENT_LIMIT)
    sweep: SweepSpec | None = None
    notify: bool | None = None
    webhook_url: WebhookUrl | None = None
    webhook_events: list[WebhookEvent] | None = None
    allow_extra: bool = False


class DeleteJobQuery(MLXSchema):
    """Query of ``DELETE /mlx/api/jobs/{id}``."""

    keep_runs: bool = Field(True, description="Keep the runs it made (false deletes them).")
    stop_runs: bool = Field(
        True, description="Stop its active runs first; false answers 409 while any is active."
    )


class JobRunBrief(MLXSchema):
    """A run as a definition's strip shows it."""

    id: str
    status: JobRunStatus
    trigger: RunTrigger
    scheduled_for: datetime | None
    created_at: datetime
    finished_at: datetime | None


class JobDefinition(JobSettings):
    """A job definition: a copy of a notebook with its settings, run on demand or on cron."""

    id: str
    name: str
    notebook: str = Field(description="The notebook it was taken from.")
    snapshot_path: str = Field(description="The copy every run executes.")
    snapshot_sha256: str
    snapshot_taken_at: datetime
    notebook_changed: bool = Field(
        description="The notebook differs from the copy: 'Update from notebook' takes it."
    )
    kernel: str  # type: ignore[assignment]
    experiment: str  # type: ignore[assignment]
    cron: str | None
    timezone: str
    schedule_description: str | None
    catchup: CatchupPolicy
    max_concurrent_runs: int
    active: bool = Field(description="False while paused.")
    next_fire_at: datetime | None = Field(description="None when paused or unscheduled.")
    last_fire_at: datetime | None = Field(description="The last scheduled instant handled.")
    skipped_fires: int = Field(description="Missed fires the catch-up policy did not run.")
    sweep: SweepSpec | None
    notify: bool
    webhook_url: str | None
    webhook_events: list[WebhookEvent]
    created_at: datetime
    updated_at: datetime
    run_count: int
    active_runs: int = Field(description="Runs queued or running now.")
    last_run: JobRunBrief | None
    previous_status: JobRunStatus | None = Field(
        description="Final status of the ended run before the last ended one."
    )
    recent_runs: list[JobRunBrief] = Field(description="Up to 30, oldest first (a strip).")


class ListJobsQuery(MLXSchema):
    """Query of ``GET /mlx/api/jobs``."""

    notebook: str | None = Field(None, description="Only definitions of this notebook.")


class ListJobsResponse(MLXSchema):
    """Every job definition, by name."""

    jobs: list[JobDefinition]


class TriggerJobRequest(MLXSchema):
    """Body of ``POST /mlx/api/jobs/{id}/trigger`` (may be empty)."""

    parameters: dict[str, JsonValue] = Field(
        default_factory=dict, description="Values overriding the definition's for this run."
    )


class CreateSweepRequest(SweepSpec):
    """Body of ``POST /mlx/api/sweeps``: trials of one notebook over a parameter space."""

    notebook: NotebookPath
    name: JobName | None = None
    base: JobSettings = Field(
        default_factory=JobSettings, description="Fixed values and run settings of every trial."
    )
    allow_extra: bool = False


class SweepTrial(MLXSchema):
    """A trial of a sweep: its run, the values it got and the metric it reached."""

    number: int = Field(description="0 for the first trial.")
    run: JobRun
    values: dict[str, JsonValue]
    objective: float | None = Field(description="The metric's last value, once it ended.")
    error: str | None = Field(description="Why the trial counts as failed, when it does.")


class Sweep(MLXSchema):
    """A sweep: trials of one notebook, grouped under one parent MLflow run."""

    id: str
    name: str
    notebook: str
    job_id: str | None = Field(description="The definition it fired from, if one did.")
    strategy: SweepStrategy
    parameters: dict[str, SweepParameter]
    metric: str | None
    direction: Direction
    max_concurrent_runs: int
    seed: int | None
    status: SweepStatus
    total: int = Field(description="Trials it will run.")
    done: int = Field(description="Trials that have ended.")
    created_at: datetime
    finished_at: datetime | None
    error: str | None
    experiment: str
    mlflow_experiment_id: str | None
    mlflow_run_id: str | None = Field(description="The parent run its trials nest under.")
    trials: list[SweepTrial]
    best: SweepTrial | None = Field(description="The best trial by the metric so far.")


class ListSweepsQuery(MLXSchema):
    """Query of ``GET /mlx/api/sweeps``."""

    notebook: str | None = None
    job_id: str | None = None


class SweepSummary(MLXSchema):
    """A sweep in a list: its progress and best value, without trials."""

    id: str
    name: str
    notebook: str
    job_id: str | None
    strategy: SweepStrategy
    metric: str | None
    direction: Direction
    status: SweepStatus
    total: int
    done: int
    best_value: float | None
    best_run_id: str | None
    created_at: datetime
    finished_at: datetime | None


class ListSweepsResponse(MLXSchema):
    """Sweeps, newest first."""

    sweeps: list[SweepSummary]


class DeleteSweepQuery(MLXSchema):
    """Query of ``DELETE /mlx/api/sweeps/{id}``."""

    keep_runs: bool = Field(True, description="Keep its trials' runs (false deletes them).")


class TriggerJobResponse(MLXSchema):
    """What a trigger started: a run, or a sweep when the definition's payload is one."""

    run: JobRun | None
    sweep: Sweep | None


class Reproduction(MLXSchema):
    """Body of ``POST /mlx/api/runs/{id}/reproduce``: the job run that runs it again."""

    original_run_id: str = Field(description="The MLflow run reproduced.")
    job_run: JobRun = Field(description="The job run that reproduces it (poll it).")
    warnings: list[str] = Field(
        description="What may differ: no recorded lock, a data input whose hash changed."
    )


class MetricDifference(MLXSchema):
    """A metric's final value in a run and in its reproduction."""

    key: str
    original: float | None
    reproduced: float | None
    difference: float | None = Field(description="reproduced - original; null when one is missing.")
