"""The facts a user checks first: version, features, workspace, tracking URI, store health."""

from __future__ import annotations

from pydantic import Field

from . import __version__
from .config import Settings, redact_url
from .schemas import MLXSchema
from .store import Store

#: Capabilities this server offers; the front-end shows a section for each.
FEATURES: tuple[str, ...] = ("status", "experiments")


class DescribeStore(MLXSchema):
    """Health of the jupyter-mlx store."""

    url: str = Field(description="Database URL, password redacted.")
    healthy: bool
    revision: str | None = Field(description="Schema revision the database is at.")
    message: str | None = Field(description="Why the store is unhealthy.")


class DescribeServer(MLXSchema):
    """Response of ``GET /mlx/api/config`` and ``jupyter mlx status``."""

    version: str
    features: list[str]
    root_dir: str
    workspace: str
    tracking_uri: str = Field(description="MLflow tracking URI, credentials redacted.")
    store: DescribeStore


def describe_server(settings: Settings, store: Store) -> DescribeServer:
    """Collect the status of a workspace without changing anything.

    Args:
        settings: The workspace configuration.
        store: Its store (checked, not migrated).
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
    )
