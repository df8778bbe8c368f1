"""The services of one workspace, built once and shared by handlers, magics and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .status import DescribeServer, describe_server
from .store import Store
from .tracking.service import TrackingService


@dataclass
class Services:
    """Every service of a workspace.

    The server builds one at start and hands it to its handlers; the CLI and magics build
    their own from the same configuration with :meth:`from_settings`.
    """

    settings: Settings
    store: Store
    tracking: TrackingService

    @classmethod
    def from_settings(cls, settings: Settings, *, migrate: bool = True) -> Services:
        """Build the services of ``settings``.

        Args:
            settings: The resolved workspace configuration.
            migrate: Create the store and apply pending migrations (the server and any
                command that writes state); False leaves the workspace untouched.

        Raises:
            Unavailable: ``migrate`` is set and the store cannot be migrated.
        """
        store = Store(settings.db_url)
        if migrate:
            settings.workspace.mkdir(parents=True, exist_ok=True)
            settings.artifacts_dir.mkdir(exist_ok=True)
            store.upgrade()
        return cls(settings=settings, store=store, tracking=TrackingService(settings.tracking_uri))

    def describe(self) -> DescribeServer:
        """The status of this workspace (see :func:`jupyter_mlx.status.describe_server`)."""
        return describe_server(self.settings, self.store)

    def close(self) -> None:
        """Release connections and background resources."""
        self.store.dispose()
