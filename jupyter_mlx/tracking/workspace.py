"""Kernel-side MLflow set-up for a jupyter-mlx workspace.

The workspace of a kernel is :meth:`jupyter_mlx.config.Settings.for_process`: the server's, for
kernels it started, else the one the configuration and the current folder give. With the
embedded store (``sqlite:///<workspace>/mlflow.db``) every experiment created here keeps its
artifacts under ``<workspace>/artifacts/``.

Typical use in a notebook::

    from jupyter_mlx.tracking.workspace import use_workspace_tracking

    use_workspace_tracking("my-experiment")
    with mlflow.start_run():
        ...

This module imports nothing heavy: MLflow is imported only inside :func:`use_workspace_tracking`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..config import Settings

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


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
    return workspace.expanduser().resolve() / "artifacts" / slug


def use_workspace_tracking(experiment: str, settings: Settings | None = None) -> str:
    """Point MLflow's fluent API at the workspace and make ``experiment`` the active experiment.

    The experiment is created if it does not exist. With the workspace's embedded SQLite store
    its artifact location is ``<workspace>/artifacts/<folder>`` (a ``file://`` URI), so all
    artifacts stay inside the workspace; with any other store (a tracking server) the store
    chooses the artifact location.

    Args:
        experiment: Experiment name.
        settings: The workspace; default: this process's (:meth:`Settings.for_process`).

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

    settings = settings or Settings.for_process()
    uri = settings.tracking_uri
    if settings.embedded_tracking:
        settings.workspace.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)

    found = client.get_experiment_by_name(experiment)
    if found is not None:
        experiment_id = found.experiment_id
    else:
        artifact_location = None
        if settings.embedded_tracking:
            artifact_dir = experiment_artifact_dir(settings.workspace, experiment)
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
