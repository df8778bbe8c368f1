"""Wire shapes of the jobs API (mirrored in labextension/src/api/types.ts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, JsonValue, StringConstraints, field_validator

from ..schemas import MLXSchema
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

MAX_RETRIES = 10
#: Longest timeout a run may ask for: one week.
MAX_TIMEOUT_S = 7 * 24 * 3600.0
MAX_PAGE_SIZE = 1000
#: Most bytes of a log one answer carries.
MAX_LOG_CHUNK = 1 << 20

NotebookPath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
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


class JobRun(MLXSchema):
    """A job run: one execution of a notebook with its parameters, and every attempt at it."""

    id: str
    job_id: str
    notebook: str = Field(description="The notebook's path relative to the server root.")
    status: JobRunStatus
    parameters: dict[str, JsonValue]
    kernel: str
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


class ListJobRunsQuery(MLXSchema):
    """Query of ``GET /mlx/api/job-runs``."""

    notebook: str | None = Field(None, description="Only runs of this notebook.")
    status: list[JobRunStatus] = Field(default_factory=list, description="Only these statuses.")
    job_id: str | None = Field(None, description="Only runs of this job.")
    max_results: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    page_token: PageToken | None = Field(None, description=PAGE_TOKEN_HELP)


class ListJobRunsResponse(MLXSchema):
    """A page of job runs, newest first."""

    runs: list[JobRun]
    next_page_token: str | None
    total: int = Field(description="Runs matching the filters.")


class ReadJobLogQuery(MLXSchema):
    """Query of ``GET /mlx/api/job-runs/{id}/log``."""

    offset: int = Field(0, ge=0, description="Byte to read from: a previous next_offset.")
    max_bytes: int = Field(MAX_LOG_CHUNK, ge=1, le=MAX_LOG_CHUNK)


class JobRunLog(MLXSchema):
    """A piece of a run's log."""

    run_id: str
    offset: int
    next_offset: int = Field(description="Pass it as offset to read on.")
    text: str
    complete: bool = Field(description="The run has ended and the whole log was read.")


class ReadJobOutputQuery(MLXSchema):
    """Query of ``GET /mlx/api/job-runs/{id}/output``."""

    format: OutputFormat = "ipynb"
