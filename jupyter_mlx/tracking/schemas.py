"""Wire shapes of the experiments API (mirrored in labextension/src/api/types.ts)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    field_serializer,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ..schemas import MLXSchema

MAX_PAGE_SIZE = 1000
MAX_COMPARED_RUNS = 50
#: Most metric keys one comparison asks for or answers.
MAX_COMPARED_METRICS = 1000
#: Longest metric key MLflow stores.
MAX_METRIC_KEY_LENGTH = 250
#: Most order_by clauses of a run search (each may join a table; SQLite joins at most 64).
MAX_ORDER_BY = 20
#: Longest page token accepted; MLflow's are a few dozen characters.
MAX_PAGE_TOKEN_LENGTH = 2048


def _printable_token(token: str) -> str:
    if not all("!" <= char <= "~" for char in token):
        raise PydanticCustomError(
            "page_token", "not a page token of this server; pass a previous next_page_token"
        )
    return token


PageToken = Annotated[
    str, StringConstraints(max_length=MAX_PAGE_TOKEN_LENGTH), AfterValidator(_printable_token)
]
PAGE_TOKEN_HELP = (
    "Opaque token of the page to fetch: the next_page_token of a previous answer (printable "
    "ASCII); empty or absent for the first page."
)
MetricKey = Annotated[str, StringConstraints(max_length=MAX_METRIC_KEY_LENGTH)]


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
    page_token: PageToken | None = Field(None, description=PAGE_TOKEN_HELP)


class ListExperimentsResponse(MLXSchema):
    """A page of experiments, by last update, newest first."""

    experiments: list[DescribeExperiment]
    next_page_token: str | None


class RunEnvironment(MLXSchema):
    """The jupyter-mlx environment a run's kernel ran in."""

    name: str
    lock_sha256: str | None


#: What a declared data input is.
InputKind = Literal["file", "folder"]


class RunInput(MLXSchema):
    """A file or folder a run declared as input data, hashed when the run started."""

    path: str = Field(description="Relative to the server root.")
    sha256: str = Field(
        description="Hex sha256 of the file, or of the folder's manifest of file hashes."
    )
    kind: InputKind


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
    metrics: dict[str, float] = Field(
        description="Last value of each metric; NaN and infinite values are sent as null."
    )
    tags: dict[str, str]

    @field_serializer("metrics", when_used="json")
    def finite_metrics(self, metrics: dict[str, float]) -> dict[str, float | None]:
        return {key: value if math.isfinite(value) else None for key, value in metrics.items()}


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
    order_by: list[str] = Field(
        default_factory=lambda: ["attributes.start_time DESC"], max_length=MAX_ORDER_BY
    )
    max_results: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    page_token: PageToken | None = Field(None, description=PAGE_TOKEN_HELP)


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
    snapshot_warning: str | None = Field(
        None, description="Why the notebook snapshot cannot be fully trusted, when it cannot."
    )
    environment: RunEnvironment | None
    job: RunJob | None
    models: list[LoggedModel]
    inputs: list[RunInput] = Field(
        default_factory=list, description="Data the run declared as input, by path."
    )


class ArtifactEntry(MLXSchema):
    """A file, folder or outward link among a run's artifacts."""

    path: str
    is_dir: bool
    file_size: int | None
    is_link: bool = Field(
        False,
        description=(
            "A symbolic link leading out of the run's artifacts (or nowhere): listed without "
            "its target's facts, and it cannot be opened."
        ),
    )


class ListArtifactsQuery(MLXSchema):
    """Query of ``GET /mlx/api/runs/{run_id}/artifacts``."""

    path: str = Field("", description="Folder to list; empty or absent for the root.")


class ReadArtifactQuery(MLXSchema):
    """Query of ``GET /mlx/api/runs/{run_id}/artifacts/content``."""

    path: str = Field(min_length=1, description="Artifact file to read.")
    format: Literal["html"] | None = Field(
        None, description="html renders a notebook; absent for the raw bytes."
    )


class ListArtifactsResponse(MLXSchema):
    """The entries of one artifact folder."""

    run_id: str
    path: str
    files: list[ArtifactEntry]


class CompareRunsRequest(MLXSchema):
    """Body of ``POST /mlx/api/runs/compare``; repeated ids and keys count once."""

    run_ids: list[str] = Field(
        min_length=2,
        max_length=MAX_COMPARED_RUNS,
        description="The runs to compare: at least two distinct ones.",
    )
    metric_keys: list[MetricKey] | None = Field(
        None,
        max_length=MAX_COMPARED_METRICS,
        description=(
            f"Metrics to align; default: every metric of the runs (the first "
            f"{MAX_COMPARED_METRICS} by key)."
        ),
    )

    @field_validator("run_ids")
    @classmethod
    def distinct_runs(cls, run_ids: list[str]) -> list[str]:
        distinct = list(dict.fromkeys(run_ids))
        if len(distinct) < 2:
            raise PydanticCustomError("run_ids", "give at least two distinct runs to compare")
        return distinct

    @field_validator("metric_keys")
    @classmethod
    def distinct_keys(cls, keys: list[str] | None) -> list[str] | None:
        return None if keys is None else list(dict.fromkeys(keys))


class MetricSeries(MLXSchema):
    """One metric's histories, aligned on the union of steps (null where a run has none).

    A long history is thinned to evenly spaced steps, its first and last kept.
    """

    key: str
    steps: list[int]
    values: dict[str, list[float | None]] = Field(
        description="Per run id, aligned with steps; null for no value, NaN or infinity."
    )
    total_steps: int = Field(
        description="Distinct steps logged; more than len(steps) when the series was thinned."
    )


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
    max_steps: int = Field(description="Most steps any series of this answer holds.")
    omitted_metrics: int = Field(
        description="Metrics of the runs left out of a default selection beyond its limit."
    )


class ListRunMetricsResponse(MLXSchema):
    """The metric histories of one run, bounded as a comparison's are."""

    run_id: str
    metrics: list[MetricSeries]
    max_steps: int = Field(description="Most steps any series of this answer holds.")
    omitted_metrics: int = Field(description="Metrics of the run left out beyond the limit.")
