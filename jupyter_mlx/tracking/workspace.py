"""Kernel-side MLflow set-up for a jupyter-mlx workspace.

A workspace keeps its state in ``<server root>/.mlx/``: the embedded MLflow store is
``sqlite:///<workspace>/mlflow.db`` and run artifacts live under ``<workspace>/artifacts/``.
Kernels started by the jupyter-mlx server extension receive ``MLX_WORKSPACE_DIR`` and
``MLFLOW_TRACKING_URI``; outside such a kernel the workspace is found from the working directory.

Typical use in a notebook::

    from jupyter_mlx.tracking.workspace import use_workspace_tracking

    use_workspace_tracking("my-experiment")
    with mlflow.start_run():
        ...

This module imports nothing heavy: MLflow is imported only inside :func:`use_workspace_tracking`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

WORKSPACE_DIRNAME = ".mlx"
"""Name of the workspace folder under the server root."""

WORKSPACE_ENV = "MLX_WORKSPACE_DIR"
"""Environment variable with the absolute path of the workspace (set by the server extension)."""

TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
"""MLflow's own environment variable for the tracking URI."""

MLFLOW_DB_NAME = "mlflow.db"
ARTIFACTS_DIRNAME = "artifacts"

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def find_workspace(start: Path | None = None) -> Path:
    """Locate the workspace folder.

    Args:
        start: Folder to search from; defaults to the current working directory.

    Returns:
        ``$MLX_WORKSPACE_DIR`` if set; otherwise the nearest ``.mlx`` folder in ``start`` or one
        of its ancestors; otherwise ``start/.mlx`` (which may not exist yet). Always absolute.
    """
    env = os.environ.get(WORKSPACE_ENV)
    if env:
        return Path(env).expanduser().resolve()
    base = (start if start is not None else Path.cwd()).expanduser().resolve()
    for folder in (base, *base.parents):
        candidate = folder / WORKSPACE_DIRNAME
        if candidate.is_dir():
            return candidate
    return base / WORKSPACE_DIRNAME


def local_tracking_uri(workspace: Path) -> str:
    """Return the URI of the workspace's embedded SQLite MLflow store.

    Args:
        workspace: Workspace folder.

    Returns:
        ``sqlite:///<absolute workspace>/mlflow.db``.
    """
    return f"sqlite:///{(workspace.expanduser().resolve() / MLFLOW_DB_NAME).as_posix()}"


def workspace_tracking_uri(workspace: Path | None = None) -> str:
    """Return the MLflow tracking URI for the workspace.

    ``$MLFLOW_TRACKING_URI`` wins when set (a team's shared MLflow server, or the URI the server
    extension exported); otherwise the workspace's embedded SQLite store is used and the
    workspace folder is created if missing.

    Args:
        workspace: Workspace folder; defaults to :func:`find_workspace`.

    Returns:
        The tracking URI.
    """
    env = os.environ.get(TRACKING_URI_ENV)
    if env:
        return env
    ws = workspace if workspace is not None else find_workspace()
    ws.mkdir(parents=True, exist_ok=True)
    return local_tracking_uri(ws)


def experiment_artifact_dir(workspace: Path, experiment: str) -> Path:
    """Return the artifact folder of an experiment in the workspace's embedded store.

    The folder name is the experiment name when it is already file-name safe; otherwise a
    sanitized form followed by a short hash of the name, so distinct names never share a folder.

    Args:
        workspace: Workspace folder.
        experiment: Experiment name.

    Returns:
        ``<workspace>/artifacts/<folder>`` (absolute; not created).
    """
    slug = _UNSAFE_CHARS.sub("-", experiment).strip(".-")
    if slug != experiment:
        digest = hashlib.sha256(experiment.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else digest
    return workspace.expanduser().resolve() / ARTIFACTS_DIRNAME / slug


def _is_local_store(uri: str, workspace: Path) -> bool:
    """Tell whether ``uri`` is a SQLite store whose database file lies inside ``workspace``."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return False
    db_path = uri[len(prefix) :].split("?", 1)[0]
    if not db_path or db_path == ":memory:":
        return False
    return Path(db_path).resolve().is_relative_to(workspace.expanduser().resolve())


def use_workspace_tracking(experiment: str) -> str:
    """Point MLflow's fluent API at the workspace and make ``experiment`` the active experiment.

    The experiment is created if it does not exist. With the workspace's embedded SQLite store
    its artifact location is ``<workspace>/artifacts/<folder>`` (a ``file://`` URI), so all
    artifacts stay inside the workspace; with any other store (a tracking server) the store
    chooses the artifact location.

    Args:
        experiment: Experiment name.

    Returns:
        The experiment id.

    Raises:
        mlflow.exceptions.MlflowException: If the experiment exists but is deleted, or the
            tracking store cannot be reached.
    """
    import mlflow
    from mlflow.exceptions import MlflowException
    from mlflow.protos.databricks_pb2 import RESOURCE_ALREADY_EXISTS, ErrorCode
    from mlflow.tracking import MlflowClient

    workspace = find_workspace()
    uri = workspace_tracking_uri(workspace)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)

    found = client.get_experiment_by_name(experiment)
    if found is not None:
        experiment_id = found.experiment_id
    else:
        artifact_location = None
        if _is_local_store(uri, workspace):
            artifact_dir = experiment_artifact_dir(workspace, experiment)
            artifact_dir.mkdir(parents=True, exist_ok=True)
            artifact_location = artifact_dir.as_uri()
        try:
            experiment_id = client.create_experiment(experiment, artifact_location)
        except MlflowException as exc:
            # Another process created it between our lookup and our insert.
            if exc.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
                raise
            again = client.get_experiment_by_name(experiment)
            if again is None:
                raise
            experiment_id = again.experiment_id

    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id
