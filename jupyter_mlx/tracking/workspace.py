"""MLflow set-up of a jupyter-mlx workspace: its embedded store, and tracking from a kernel.

The workspace of a kernel is :meth:`jupyter_mlx.config.Settings.for_process`: the server's, for
kernels it started, else the one the configuration and the current folder give. An embedded
store (``sqlite:///<workspace>/mlflow.db``) is created by jupyter-mlx
(:func:`create_tracking_store`: the server before its first read, :func:`use_workspace_tracking`
in a kernel), so its Default experiment and every experiment created here keep their artifacts
under the ``artifacts/`` folder of the workspace it belongs to
(:attr:`~jupyter_mlx.config.Settings.tracking_workspace`), never under the ``mlruns/`` of
whatever folder a process runs in.

Typical use in a notebook::

    from jupyter_mlx.tracking.workspace import use_workspace_tracking

    use_workspace_tracking("my-experiment")
    with mlflow.start_run():
        ...

This module imports nothing heavy: MLflow is imported only inside the functions that use it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..config import Settings, redact_url
from ..errors import Unavailable

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


@contextmanager
def quiet_store_setup() -> Iterator[None]:
    """Keep MLflow's "Creating initial MLflow database tables" lines out of outputs."""
    logger = logging.getLogger("mlflow.store.db.utils")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def create_tracking_store(settings: Settings) -> bool:
    """Create the embedded MLflow store of ``settings`` if it does not exist yet.

    MLflow makes the Default experiment (id 0) when it creates a store's tables, with the
    artifact root the store is opened with; a store MLflow creates on its own first use gets
    ``<current folder>/mlruns``. Created here, the store's artifact root is
    :attr:`Settings.tracking_artifacts_dir` (``<workspace>/artifacts``).

    Args:
        settings: The workspace; a store that is not embedded (a tracking server) is left alone.

    Returns:
        True if the store was created, False if it existed or is not embedded.

    Raises:
        Unavailable: The store cannot be created.
    """
    db_path = settings.tracking_db_path
    artifacts = settings.tracking_artifacts_dir
    if db_path is None or artifacts is None or db_path.exists():
        return False
    db_path.parent.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    from mlflow.exceptions import MlflowException
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with quiet_store_setup():
            store = SqlAlchemyStore(settings.tracking_uri, artifacts.as_uri())
    except (MlflowException, SQLAlchemyError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise Unavailable(
            f"The MLflow store {redact_url(settings.tracking_uri)} cannot be created: {reason}"
        ) from exc
    store.engine.dispose()
    return True


def use_workspace_tracking(experiment: str, settings: Settings | None = None) -> str:
    """Point MLflow's fluent API at the workspace and make ``experiment`` the active experiment.

    The experiment is created if it does not exist, and an embedded store too
    (:func:`create_tracking_store`). With an embedded SQLite store the experiment's artifact
    location is ``<workspace>/artifacts/<folder>`` (a ``file://`` URI) of the workspace the
    store belongs to, so all artifacts stay inside it; with any other store (a tracking
    server) the store chooses the artifact location.

    Args:
        experiment: Experiment name.
        settings: The workspace; default: this process's (:meth:`Settings.for_process`).

    Returns:
        The experiment id.

    Raises:
        Unavailable: The embedded store cannot be created.
        mlflow.exceptions.MlflowException: If the experiment exists but is deleted, or the
            tracking store cannot be reached.
    """
    import mlflow
    from mlflow.tracking import MlflowClient

    settings = settings or Settings.for_process()
    uri = settings.tracking_uri
    create_tracking_store(settings)
    mlflow.set_tracking_uri(uri)
    experiment_id = ensure_experiment(MlflowClient(tracking_uri=uri), settings, experiment)
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def ensure_experiment(client: Any, settings: Settings, experiment: str) -> str:
    """The id of the experiment named ``experiment``, created if it does not exist.

    With an embedded SQLite store a new experiment's artifact location is
    ``<workspace>/artifacts/<folder>`` of the workspace the store belongs to; any other store
    chooses it. Sets no fluent state, so a server may call it.

    Args:
        client: An ``MlflowClient`` of the workspace's tracking store.
        settings: The workspace.
        experiment: The experiment's name.

    Raises:
        mlflow.exceptions.MlflowException: The tracking store refused.
    """
    from mlflow.exceptions import MlflowException
    from mlflow.protos.databricks_pb2 import RESOURCE_ALREADY_EXISTS, ErrorCode

    found = client.get_experiment_by_name(experiment)
    if found is not None:
        return str(found.experiment_id)
    artifact_location = None
    store_workspace = settings.tracking_workspace
    if store_workspace is not None:
        artifact_dir = experiment_artifact_dir(store_workspace, experiment)
        artifact_dir.mkdir(parents=True, exist_ok=True)
        artifact_location = artifact_dir.as_uri()
    try:
        return str(client.create_experiment(experiment, artifact_location))
    except MlflowException as exc:
        # Another process created it between our lookup and our insert.
        if exc.error_code != ErrorCode.Name(RESOURCE_ALREADY_EXISTS):
            raise
        again = client.get_experiment_by_name(experiment)
        if again is None:
            raise
        return str(again.experiment_id)
