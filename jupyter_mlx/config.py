"""Where a workspace keeps its state, and the defaults derived from it.

All state of a workspace lives under ``<server root>/.mlx/`` unless configured otherwise:
``mlx.db`` (the jupyter-mlx store), ``mlflow.db`` and ``artifacts/`` (the embedded MLflow).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

WORKSPACE_DIRNAME = ".mlx"
WORKSPACE_ENV = "MLX_WORKSPACE_DIR"
ROOT_DIR_ENV = "MLX_ROOT_DIR"
TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"


def default_workspace(root_dir: str | os.PathLike[str]) -> Path:
    """The workspace of a server root: ``MLX_WORKSPACE_DIR`` if set, else ``<root>/.mlx``."""
    if os.environ.get(WORKSPACE_ENV):
        return Path(os.environ[WORKSPACE_ENV]).expanduser().resolve()
    return Path(root_dir).expanduser().resolve() / WORKSPACE_DIRNAME


def default_db_url(workspace: Path) -> str:
    """The jupyter-mlx store of a workspace: a SQLite file ``<workspace>/mlx.db``."""
    return f"sqlite:///{workspace / 'mlx.db'}"


def default_tracking_uri(workspace: Path) -> str:
    """``MLFLOW_TRACKING_URI`` if set, else the embedded store ``<workspace>/mlflow.db``."""
    return os.environ.get(TRACKING_URI_ENV) or f"sqlite:///{workspace / 'mlflow.db'}"


def redact_url(url: str) -> str:
    """Hide the password of a URL, e.g. ``postgresql://ann:***@db/mlflow``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one workspace, shared by the server, magics and CLI.

    Attributes:
        root_dir: The Jupyter server root (notebook paths are relative to it).
        workspace: The folder holding this workspace's state.
        db_url: SQLAlchemy URL of the jupyter-mlx store.
        tracking_uri: MLflow tracking URI.
    """

    root_dir: Path
    workspace: Path
    db_url: str
    tracking_uri: str

    @classmethod
    def resolve(
        cls,
        root_dir: str | os.PathLike[str],
        *,
        workspace: str | os.PathLike[str] | None = None,
        db_url: str | None = None,
        tracking_uri: str | None = None,
    ) -> Settings:
        """Fill every setting left out with its default for ``root_dir``."""
        root = Path(root_dir).expanduser().resolve()
        ws = Path(workspace).expanduser().resolve() if workspace else default_workspace(root)
        return cls(
            root_dir=root,
            workspace=ws,
            db_url=db_url or default_db_url(ws),
            tracking_uri=tracking_uri or default_tracking_uri(ws),
        )

    @property
    def artifacts_dir(self) -> Path:
        """Where the embedded MLflow store keeps artifacts."""
        return self.workspace / "artifacts"

    def kernel_env(self) -> dict[str, str]:
        """Variables that point kernels started by the server at this workspace."""
        return {
            ROOT_DIR_ENV: str(self.root_dir),
            WORKSPACE_ENV: str(self.workspace),
            TRACKING_URI_ENV: self.tracking_uri,
        }
