"""Wire shapes of the experiments API (mirrored in labextension/src/api/types.ts)."""

from __future__ import annotations

from pydantic import Field

from ..schemas import MLXSchema

MAX_PAGE_SIZE = 1000
MAX_COMPARED_RUNS = 50


class DescribeExperiment(MLXSchema):
    """One MLflow experiment."""

    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: str
    creation_time: int | None = Field(description="Milliseconds since the epoch.")
    last_update_time: int | None
    tags: dict[str, str]


class ListExperimentsQuery(MLXSchema):
    """Query of ``GET /mlx/api/experiments``."""

    max_results: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    page_token: str | None = None


class ListExperimentsResponse(MLXSchema):
    """A page of experiments, by last update, newest first."""

    experiments: list[DescribeExperiment]
    next_page_token: str | None


class RunEnvironment(MLXSchema):
    """The jupyter-mlx environment a run's kernel ran in."""

    name: str
    lock_sha256: str | None


class RunJob(MLXSchema):
    """The job run that produced a run."""

    job_id: str
    job_run_id: str | None


class RunSummary(MLXSchema):
    """A run as listed: identity, status, params and the last value of each metric."""

    run_id: str
    run_name: str | None
    experiment_id: str
    status: str = Field(description="RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.")
    start_time: int | None = Field(description="Milliseconds since the epoch.")
    end_time: int | None
    notebook: str | None = Field(description="Notebook path relative to the server root.")
    user: str | None
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]


class ListRunsQuery(MLXSchema):
    """Query of ``GET /mlx/api/runs``."""

    notebook: str | None = Field(
        None,
        description="Only runs of this notebook (server path), searched in its experiments.",
    )
    experiment_id: list[str] = Field(
        default_factory=list,
        description=(
            "Experiments to search; default: the notebook's, or without a notebook the 100 "
            "most recently updated."
        ),
    )
    filter: str = Field("", description="MLflow search filter, e.g. metrics.loss < 0.1.")
    order_by: list[str] = Field(default_factory=lambda: ["attributes.start_time DESC"])
    max_results: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    page_token: str | None = None


class ListRunsResponse(MLXSchema):
    """A page of runs."""

    runs: list[RunSummary]
    next_page_token: str | None


class LoggedModel(MLXSchema):
    """A model logged by a run."""

    model_id: str
    name: str
    artifact_uri: str


class DescribeRun(RunSummary):
    """Everything about one run."""

    artifact_uri: str
    lifecycle_stage: str
    metric_keys: list[str]
    notebook_snapshot: str | None = Field(description="Artifact path of the notebook snapshot.")
    environment: RunEnvironment | None
    job: RunJob | None
    models: list[LoggedModel]


class ArtifactEntry(MLXSchema):
    """A file or folder among a run's artifacts."""

    path: str
    is_dir: bool
    file_size: int | None


class ListArtifactsResponse(MLXSchema):
    """The entries of one artifact folder."""

    run_id: str
    path: str
    files: list[ArtifactEntry]


class CompareRunsRequest(MLXSchema):
    """Body of ``POST /mlx/api/runs/compare``."""

    run_ids: list[str] = Field(min_length=1, max_length=MAX_COMPARED_RUNS)
    metric_keys: list[str] | None = Field(
        None, description="Metrics to align; default: every metric of the runs."
    )


class MetricSeries(MLXSchema):
    """One metric's histories, aligned on the union of steps (null where a run has none)."""

    key: str
    steps: list[int]
    values: dict[str, list[float | None]]


class ParamComparison(MLXSchema):
    """One parameter across the compared runs."""

    key: str
    values: dict[str, str | None]
    differs: bool


class CompareRunsResponse(MLXSchema):
    """Aligned metric histories and parameters of several runs."""

    runs: list[RunSummary]
    metrics: list[MetricSeries]
    params: list[ParamComparison]
