"""The facts a user checks first: version, features, workspace, tracking URI, store health."""

from __future__ import annotations

from pydantic import Field

from . import __version__
from .config import Settings, redact_url
from .schemas import MLXSchema
from .store import Store

#: Capabilities this server offers; the front-end shows a section for each.
FEATURES: tuple[str, ...] = (
    "status",
    "experiments",
    "jobs",
    "environments",
    "models",
    "endpoints",
)


class DescribeStore(MLXSchema):
    """Health of the jupyter-mlx store."""

    url: str = Field(description="Database URL, password redacted.")
    healthy: bool
    revision: str | None = Field(description="Schema revision the database is at.")
    message: str | None = Field(description="Why the store is unhealthy.")


class DescribeRunningServer(MLXSchema):
    """The Jupyter server that owns the workspace."""

    url: str = Field(description="Its base URL (no token).")
    pid: int | None = Field(description="Its process id, when known.")


class DescribeServer(MLXSchema):
    """Response of ``GET /mlx/api/config`` and ``jupyter mlx status``."""

    version: str
    features: list[str]
    root_dir: str
    workspace: str
    tracking_uri: str = Field(description="MLflow tracking URI, credentials redacted.")
    store: DescribeStore
    server: DescribeRunningServer | None = Field(
        default=None, description="The server that owns the workspace; null when none runs."
    )


def describe_server(
    settings: Settings, store: Store, server: DescribeRunningServer | None = None
) -> DescribeServer:
    """Collect the status of a workspace without changing anything.

    Args:
        settings: The workspace configuration.
        store: Its store (checked, not migrated).
        server: The server that owns the workspace, when one runs.
    """
    health = store.health()
    return DescribeServer(
        version=__version__,
        features=list(FEATURES),
        root_dir=str(settings.root_dir),
        workspace=str(settings.workspace),
        tracking_uri=redact_url(settings.tracking_uri),
        store=DescribeStore(
            url=health.url,
            healthy=health.healthy,
            revision=health.revision,
            message=health.message,
        ),
        server=server,
    )


def format_health(store: DescribeStore) -> str:
    """The store's health in a few words: ``ok (revision 0002)`` or why it is unhealthy."""
    if store.healthy:
        return f"ok (revision {store.revision})"
    return f"unhealthy: {store.message}"


def status_rows(status: DescribeServer) -> list[tuple[str, str]]:
    """The facts of a status, labelled, in the order a user reads them."""
    server = status.server
    serving = f"{server.url} (pid {server.pid})" if server and server.pid else None
    return [
        ("version", status.version),
        ("features", ", ".join(status.features)),
        ("root dir", status.root_dir),
        ("workspace", status.workspace),
        ("server", serving or (server.url if server else "none serves this root")),
        ("tracking URI", status.tracking_uri),
        ("store", status.store.url),
        ("store health", format_health(status.store)),
    ]


def format_status(status: DescribeServer) -> str:
    """The text form of a status, one fact a line."""
    rows = status_rows(status)
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
