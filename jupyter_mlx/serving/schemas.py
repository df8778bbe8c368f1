"""Wire shapes of the endpoints API (mirrored in labextension/src/api/types.ts).

An endpoint's own figures (versions, reload, metrics, drift, request log) come from its
scoring process's admin routes (``/-/state``, ``/-/metrics``, ``/-/drift``, ``/-/log``) and
are passed on in these shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from ..schemas import MLXSchema

#: An endpoint name: a letter or digit, then up to 62 letters, digits, ``_``, ``.`` or ``-``.
ENDPOINT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"
#: Longest model URI accepted.
MAX_MODEL_URI_LENGTH = 1000
#: Longest batch window, in milliseconds.
MAX_BATCH_WINDOW_MS = 1000.0
#: Most rows one batched predict call may be given.
MAX_BATCH_ROWS = 100_000
#: Most request log records one read returns.
MAX_LOG_LIMIT = 1000

EndpointName = Annotated[str, StringConstraints(pattern=ENDPOINT_NAME_PATTERN)]
ModelUri = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MODEL_URI_LENGTH)]
#: Where an endpoint is: its process started and not yet answering, answering, crashed
#: (a restart pending), stopped on request, or given up after crashing again and again.
EndpointState = Literal["starting", "running", "crashed", "stopped", "failed"]
#: Which model of an endpoint a version is: the primary, or the canary given a share.
VersionRole = Literal["primary", "canary"]


class EndpointCanary(MLXSchema):
    """The second model of an endpoint and the share of requests it answers."""

    model_uri: str
    percent: int = Field(ge=0, le=100, description="Percent of requests sent to it.")


class EndpointVersion(MLXSchema):
    """A model an endpoint serves, with its own request counts and latency."""

    role: VersionRole
    model_uri: str = Field(description="The URI it was loaded from (models:/NAME/VERSION).")
    version: str | None = Field(description="Its registry version; null for another URI.")
    run_id: str | None
    loaded_at: datetime | None
    requests: int
    errors: int
    p50_ms: float | None
    p99_ms: float | None


class EndpointReload(MLXSchema):
    """How an endpoint serving an alias follows it: its checks, a load under way, the last
    failure and the last swap."""

    interval_s: float = Field(description="Seconds between looks at the alias; 0: off.")
    checked_at: datetime | None
    loading: str | None = Field(description="The URI of a version loading beside the old one.")
    error: str | None = Field(description="Why the last reload failed (the old model serves).")
    reloaded_at: datetime | None


class Endpoint(MLXSchema):
    """An endpoint: its record, its process and what the process reports."""

    name: str
    model_uri: str
    state: EndpointState
    port: int | None = Field(description="Its port on 127.0.0.1; null while it is not started.")
    url: str | None = Field(description="http://127.0.0.1:PORT, for local clients.")
    proxy_path: str = Field(
        description="Its authenticated path under the Jupyter server's base URL: "
        "mlx/endpoints/NAME/ (ping, health, version, invocations)."
    )
    batch_window_ms: float
    max_batch_rows: int
    canary: EndpointCanary | None
    pid: int | None
    restarts: int = Field(description="How often its process was started again after a crash.")
    last_error: str | None = Field(description="Why it last crashed or could not start.")
    log_tail: list[str] = Field(
        description="The last lines of its process log when crashed or failed; else empty."
    )
    versions: list[EndpointVersion] = Field(description="What it serves, while it runs.")
    reload: EndpointReload | None
    example_request: dict[str, Any] | None = Field(
        description="A request body built from the model's input example, to try it."
    )
    created_at: datetime
    created_by: str | None


class ListEndpointsResponse(MLXSchema):
    """Answer of ``GET /mlx/api/endpoints``: every endpoint, by name."""

    endpoints: list[Endpoint]


class CreateEndpoint(MLXSchema):
    """Body of ``POST /mlx/api/endpoints``."""

    name: EndpointName
    model_uri: ModelUri = Field(
        description="models:/NAME@ALIAS (followed as the alias moves), models:/NAME/VERSION, "
        "runs:/RUN_ID/PATH or a path."
    )
    port: int = Field(0, ge=0, le=65535, description="Port on 127.0.0.1; 0: a free one.")
    batch_window_ms: float | None = Field(
        None, ge=0, le=MAX_BATCH_WINDOW_MS, description="Default 5; 0 turns batching off."
    )
    max_batch_rows: int | None = Field(None, ge=1, le=MAX_BATCH_ROWS, description="Default 256.")


class UpdateEndpoint(MLXSchema):
    """Body of ``PATCH /mlx/api/endpoints/{name}``: only the fields given change."""

    canary_model_uri: ModelUri | None = Field(
        None, description="A second model given canary_percent of requests; null drops it."
    )
    canary_percent: int | None = Field(None, ge=0, le=100)
    promote_canary: bool = Field(
        False,
        description="The canary's version becomes the primary: for a models:/NAME@ALIAS "
        "primary the alias moves to it (recorded in the alias history); the canary is dropped.",
    )
    batch_window_ms: float | None = Field(None, ge=0, le=MAX_BATCH_WINDOW_MS)
    max_batch_rows: int | None = Field(None, ge=1, le=MAX_BATCH_ROWS)


class MetricsBucket(MLXSchema):
    """One second of an endpoint's requests."""

    t: int = Field(description="Seconds since the epoch.")
    requests: int
    errors: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    versions: dict[str, int] = Field(description="Requests answered by each version.")


class EndpointMetricsQuery(MLXSchema):
    """Query of ``GET /mlx/api/endpoints/{name}/metrics``."""

    since: float | None = Field(None, ge=0, description="Only buckets after this epoch second.")


class EndpointMetrics(MLXSchema):
    """Per-second buckets of the last 15 minutes (only those with requests)."""

    interval_s: float
    buckets: list[MetricsBucket]


class DriftFeature(MLXSchema):
    """The population stability index of one numeric feature."""

    name: str
    psi: float | None
    drifted: bool


class EndpointDrift(MLXSchema):
    """Input drift of recent requests against the model's training sample."""

    threshold: float = Field(description="A feature drifted when its PSI is above it.")
    reference: str | None = Field(description="input_example, or the dataset compared against.")
    reference_rows: int
    live_rows: int
    features: list[DriftFeature]
    drifted: bool
    message: str | None = Field(description="Why PSI cannot be computed, e.g. too few rows.")


class EndpointLogQuery(MLXSchema):
    """Query of ``GET /mlx/api/endpoints/{name}/log``."""

    limit: int = Field(100, ge=1, le=MAX_LOG_LIMIT)


class RequestRecord(MLXSchema):
    """One request an endpoint answered."""

    t: datetime
    latency_ms: float
    status: int
    version: str | None
    input: Any = Field(description="A sample of the request's input (truncated to ~2 KB).")
    output: Any = Field(description="A sample of the answer.")


class EndpointLog(MLXSchema):
    """The latest requests of an endpoint, newest first."""

    records: list[RequestRecord]
