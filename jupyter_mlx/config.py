"""The one workspace model: where a workspace keeps its state, resolved in one place.

All state of a workspace lives under ``<server root>/.mlx/`` unless configured otherwise:
``mlx.db`` (the jupyter-mlx store), ``mlflow.db`` and ``artifacts/`` (the embedded MLflow).
An embedded (SQLite) tracking store keeps the artifacts of the experiments jupyter-mlx creates
in ``artifacts/`` of the workspace it belongs to (:attr:`Settings.tracking_workspace`).

:meth:`Settings.resolve` is the only code that works out the server root, the workspace, the
store URL and the tracking URI. The server, the CLI, the magics in a kernel and the children the
server starts all call it, so they agree. Each setting is taken from, in order:

1. an explicit argument (the server's own ``root_dir``, a CLI option such as ``--workspace``);
2. the ``c.MLXApp.*`` configuration (``workspace_dir``, ``db_url``, ``tracking_uri``);
3. an environment variable (``MLX_ROOT_DIR``, ``MLX_WORKSPACE_DIR``, ``MLX_DB_URL``,
   ``MLFLOW_TRACKING_URI``);
4. the default: the root is the nearest folder at or above the current one that holds a
   ``.mlx`` folder (else the current folder), and everything else derives from the root.

A process started by a jupyter-mlx server (a kernel, a job runner) finds ``MLX_SERVER_URL`` in
its environment together with the server's resolved values, and takes those as they are
(:meth:`Settings.for_process`); any other process also reads ``c.MLXApp`` from the Jupyter
configuration files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

WORKSPACE_DIRNAME = ".mlx"
ROOT_DIR_ENV = "MLX_ROOT_DIR"
WORKSPACE_ENV = "MLX_WORKSPACE_DIR"
DB_URL_ENV = "MLX_DB_URL"
TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
SERVER_URL_ENV = "MLX_SERVER_URL"
SERVER_TOKEN_ENV = "MLX_SERVER_TOKEN"

#: Query arguments whose values are credentials (masked by :func:`redact_url`).
SECRET_QUERY_ARGS = frozenset({"token", "access_token", "api_key", "apikey", "password"})


def find_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The default server root: the nearest folder at or above ``start`` holding ``.mlx/``.

    Args:
        start: Where to look from; default: the current folder.

    Returns:
        That folder, or ``start`` itself when no folder above it holds a workspace (absolute).
    """
    base = Path(start if start is not None else Path.cwd()).expanduser().resolve()
    for folder in (base, *base.parents):
        if (folder / WORKSPACE_DIRNAME).is_dir():
            return folder
    return base


def _secret_query(query: str) -> bool:
    return any(key.lower() in SECRET_QUERY_ARGS for key, _ in parse_qsl(query))


def has_credentials(url: str) -> bool:
    """Whether a URL carries a password or a token-like query argument."""
    parts = urlsplit(url)
    return parts.password is not None or _secret_query(parts.query)


def redact_url(url: str) -> str:
    """Hide the credentials of a URL: its password and token-like query arguments.

    ``postgresql://ann:pw@db/mlflow`` shows as ``postgresql://ann:***@db/mlflow``, and
    ``https://mlflow.example.org/?token=abc`` as ``https://mlflow.example.org/?token=***``.
    A URL without credentials comes back unchanged.
    """
    if not has_credentials(url):
        return url
    parts = urlsplit(url)
    if parts.password is not None:
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
        parts = parts._replace(netloc=netloc)
    if _secret_query(parts.query):
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        masked = [(k, "***" if k.lower() in SECRET_QUERY_ARGS else v) for k, v in pairs]
        parts = parts._replace(query=urlencode(masked, safe="*/:"))
    return urlunsplit(parts)


def _first(*values: Any) -> Any:
    """The first value that is set (not None and not empty)."""
    return next((value for value in values if value not in (None, "")), None)


def _path(value: str | os.PathLike[str]) -> Path:
    return Path(value).expanduser().resolve()


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
        root_dir: str | os.PathLike[str] | None = None,
        *,
        workspace: str | os.PathLike[str] | None = None,
        db_url: str | None = None,
        tracking_uri: str | None = None,
        config: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
    ) -> Settings:
        """Resolve every setting: explicit argument, then ``config``, then ``environ``, then
        the default.

        Args:
            root_dir: The server root, when the caller knows it (the server; ``--root-dir``).
            workspace: The workspace folder given explicitly.
            db_url: The store URL given explicitly.
            tracking_uri: The tracking URI given explicitly.
            config: The ``c.MLXApp`` section (``workspace_dir``, ``db_url``, ``tracking_uri``).
            environ: Environment variables; default: ``os.environ``.
            cwd: Where the default root is looked for; default: the current folder.
        """
        env = os.environ if environ is None else environ
        conf = config or {}
        explicit_root = _first(root_dir, env.get(ROOT_DIR_ENV))
        root = _path(explicit_root) if explicit_root is not None else find_root(cwd)
        ws_value = _first(workspace, conf.get("workspace_dir"), env.get(WORKSPACE_ENV))
        ws = _path(ws_value) if ws_value is not None else root / WORKSPACE_DIRNAME
        return cls(
            root_dir=root,
            workspace=ws,
            db_url=_first(db_url, conf.get("db_url"), env.get(DB_URL_ENV))
            or f"sqlite:///{ws / 'mlx.db'}",
            tracking_uri=_first(tracking_uri, conf.get("tracking_uri"), env.get(TRACKING_URI_ENV))
            or f"sqlite:///{ws / 'mlflow.db'}",
        )

    @classmethod
    def for_process(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        cwd: str | os.PathLike[str] | None = None,
    ) -> Settings:
        """The workspace of this process: a kernel, a job runner, a script.

        A process started by a jupyter-mlx server takes the server's answer from its
        environment; any other process also reads ``c.MLXApp`` from the Jupyter configuration
        files, as the CLI does.
        """
        env = os.environ if environ is None else environ
        config = None if env.get(SERVER_URL_ENV) else load_server_config()
        return cls.resolve(config=config, environ=env, cwd=cwd)

    @property
    def artifacts_dir(self) -> Path:
        """The workspace's ``artifacts/`` folder."""
        return self.workspace / "artifacts"

    @property
    def kernels_dir(self) -> Path:
        """The workspace's ``kernels/`` folder: the kernelspecs of its environments
        (``mlx-<name>``), which the server, job runs and the CLI all look in."""
        return self.workspace / "kernels"

    @property
    def tracking_db_path(self) -> Path | None:
        """The SQLite file of a local tracking store (absolute); None for any other store."""
        prefix = "sqlite:///"
        if not self.tracking_uri.startswith(prefix):
            return None
        db_path = self.tracking_uri[len(prefix) :].split("?", 1)[0]
        if not db_path or db_path == ":memory:":
            return None
        # As SQLAlchemy opens it: relative to the current folder, "~" not expanded.
        return Path(db_path).resolve()

    @property
    def embedded_tracking(self) -> bool:
        """Whether the tracking store is a local SQLite file (MLflow runs in the process)."""
        return self.tracking_db_path is not None

    @property
    def tracking_workspace(self) -> Path | None:
        """The workspace an embedded tracking store belongs to; None for any other store.

        This workspace when the store's file is in it (the default ``<workspace>/mlflow.db``),
        else the folder holding the file: ``sqlite:///<ws>/mlflow.db`` is the store of ``<ws>``
        even for a process whose current folder resolves to another workspace (a notebook run
        by ``jupyter nbconvert --execute`` elsewhere with ``MLFLOW_TRACKING_URI`` set).
        """
        db_path = self.tracking_db_path
        if db_path is None:
            return None
        return self.workspace if db_path.is_relative_to(self.workspace) else db_path.parent

    @property
    def tracking_artifacts_dir(self) -> Path | None:
        """Where experiments that jupyter-mlx creates on the tracking store keep artifacts.

        ``artifacts/`` of :attr:`tracking_workspace` for an embedded store; None for any other
        store (a tracking server chooses).
        """
        workspace = self.tracking_workspace
        return None if workspace is None else workspace / "artifacts"

    def exists(self) -> bool:
        """Whether the workspace has been created (a read never creates it)."""
        return self.workspace.is_dir()

    def process_env(
        self, server_url: str | None = None, token: str | None = None
    ) -> dict[str, str]:
        """Variables that give a kernel or child process this workspace (and its server).

        A store URL with credentials is left out: such processes reach the store through the
        server's API. The tracking URI is passed as is, since code in a notebook logs to it.
        """
        env = {
            ROOT_DIR_ENV: str(self.root_dir),
            WORKSPACE_ENV: str(self.workspace),
            TRACKING_URI_ENV: self.tracking_uri,
        }
        if not has_credentials(self.db_url):
            env[DB_URL_ENV] = self.db_url
        if server_url:
            env[SERVER_URL_ENV] = server_url
            if token:
                env[SERVER_TOKEN_ENV] = token
        return env


def load_server_config() -> dict[str, Any]:
    """The ``c.MLXApp`` section of the Jupyter server configuration files.

    The same files (``jupyter_server_config.{py,json}`` on the Jupyter config path and in the
    current folder) that the server and ``jupyter mlx`` read.
    """
    from jupyter_core.application import JupyterApp
    from traitlets import Unicode

    class ConfigReader(JupyterApp):
        config_file_name = Unicode("jupyter_server_config")

    reader = ConfigReader()
    reader.load_config_file(suppress_errors=True)
    return dict(reader.config.get("MLXApp", {}))
