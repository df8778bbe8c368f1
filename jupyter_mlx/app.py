"""The jupyter-mlx server extension: configuration, services and routes."""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Unicode, default

from . import __version__
from .config import (
    Settings,
    default_db_url,
    default_tracking_uri,
    default_workspace,
    redact_url,
)
from .handlers import ROUTES
from .services import Services


class MLXApp(ExtensionApp):
    """Jupyter Server extension that owns a workspace's ML lifecycle state."""

    name = "jupyter_mlx"
    version = __version__
    description = __doc__
    load_other_extensions = True

    workspace_dir = Unicode(
        config=True,
        help=(
            "Folder holding this workspace's state (store, MLflow data, environments, job "
            "outputs). Default: $MLX_WORKSPACE_DIR, else <server root>/.mlx. "
            "Example: c.MLXApp.workspace_dir = '/data/ann/.mlx'"
        ),
    )
    db_url = Unicode(
        config=True,
        help=(
            "SQLAlchemy URL of the jupyter-mlx store. Default: sqlite:///<workspace>/mlx.db. "
            "Teams use PostgreSQL, e.g. 'postgresql+psycopg://mlx@db.internal/mlx'."
        ),
    )
    tracking_uri = Unicode(
        config=True,
        help=(
            "MLflow tracking URI. Default: $MLFLOW_TRACKING_URI, else the embedded store "
            "sqlite:///<workspace>/mlflow.db. Example: 'http://mlflow.internal:5000'."
        ),
    )

    @default("workspace_dir")
    def _default_workspace_dir(self) -> str:
        return str(default_workspace(self._root_dir))

    @default("db_url")
    def _default_db_url(self) -> str:
        return default_db_url(self._workspace)

    @default("tracking_uri")
    def _default_tracking_uri(self) -> str:
        return default_tracking_uri(self._workspace)

    @property
    def _workspace(self) -> Path:
        return Path(self.workspace_dir).expanduser().resolve()

    @property
    def _root_dir(self) -> str:
        assert self.serverapp is not None, "the extension is not linked to a server"
        return self.serverapp.root_dir

    @property
    def settings_for_workspace(self) -> Settings:
        """The resolved configuration (traits set by the user win over defaults)."""
        return Settings.resolve(
            self._root_dir,
            workspace=self._workspace,
            db_url=self.db_url,
            tracking_uri=self.tracking_uri,
        )

    def initialize_settings(self) -> None:
        """Build the workspace services and migrate the store before any request."""
        settings = self.settings_for_workspace
        self.services = Services.from_settings(settings)
        self.settings["mlx_services"] = self.services
        self._previous_env = {key: os.environ.get(key) for key in settings.kernel_env()}
        # Kernels inherit the server's environment: this points them at the workspace.
        os.environ.update(settings.kernel_env())
        self.log.info(
            "jupyter-mlx %s: workspace %s, tracking %s",
            __version__,
            settings.workspace,
            redact_url(settings.tracking_uri),
        )

    def initialize_handlers(self) -> None:
        """Register every route; ExtensionApp puts them under the server's base URL."""
        self.handlers.extend(ROUTES)

    async def stop_extension(self) -> None:
        """Release the store and restore the environment the server started with."""
        self.services.close()
        for key, value in self._previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
