"""The models a run holds, and which one a promotion means.

In MLflow 3 ``log_model(..., name="model")`` makes a LoggedModel whose ``source_run_id`` is
the run (its files are not among the run's artifacts); older runs hold an artifact folder with
an ``MLmodel`` file. Both are listed, LoggedModels first.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from ..tracking import links
from ..tracking.client import TrackingConnection, load_mlflow
from ..tracking.service import local_artifact_folder
from .schemas import RunModel

if TYPE_CHECKING:
    from mlflow.entities import Run

MLMODEL = "MLmodel"
#: How deep artifact folders are searched for an ``MLmodel`` file.
MAX_FOLDER_DEPTH = 3
#: Most artifact folders listed while searching (each costs a store call).
MAX_FOLDERS = 50
#: Most LoggedModels of one run that are listed.
MAX_LOGGED_MODELS = 100


def run_models(connection: TrackingConnection, run: Run) -> list[RunModel]:
    """Every model of ``run``: its LoggedModels, then its artifact folders holding MLmodel.

    Raises:
        Unavailable: The tracking store cannot be reached.
    """
    load_mlflow()
    from mlflow.entities import LoggedModelStatus

    client = connection.client
    run_id = run.info.run_id
    with connection.errors(field="run_id"):
        logged = client.search_logged_models(
            [run.info.experiment_id],
            filter_string=f"source_run_id = {links.quote_filter_value(run_id)}",
            max_results=MAX_LOGGED_MODELS,
        )
        models = [
            _described(
                connection,
                f"models:/{m.model_id}",
                m.artifact_location,
                artifact_path=m.name,
                source="logged_model",
                model_id=m.model_id,
            )
            for m in logged
            if m.status == LoggedModelStatus.READY
        ]
        models += [
            _described(
                connection,
                f"runs:/{run_id}/{path}",
                f"{run.info.artifact_uri.rstrip('/')}/{path}",
                artifact_path=path,
                source="artifact",
            )
            for path in _model_folders(connection, run_id)
        ]
    return models


def _model_folders(connection: TrackingConnection, run_id: str) -> list[str]:
    """Artifact folders of a run that hold an ``MLmodel`` file (not searched inside)."""
    client = connection.client
    found: list[str] = []
    pending: list[tuple[str | None, int]] = [(None, 0)]
    listed = 0
    while pending and listed < MAX_FOLDERS:
        folder, depth = pending.pop(0)
        entries = client.list_artifacts(run_id, folder)
        listed += 1
        names = {entry.path.rsplit("/", 1)[-1] for entry in entries if not entry.is_dir}
        if folder is not None and MLMODEL in names:
            found.append(folder)
            continue
        if depth < MAX_FOLDER_DEPTH:
            pending += [(entry.path, depth + 1) for entry in entries if entry.is_dir]
    return found


def _described(
    connection: TrackingConnection, model_uri: str, location: str, **fields: Any
) -> RunModel:
    """A model with the flavours, signature and input example its MLmodel records."""
    flavors, signature, has_example = read_mlmodel(connection, location)
    return RunModel(
        model_uri=model_uri,
        model_id=fields.pop("model_id", None),
        flavors=flavors,
        signature=signature,
        has_input_example=has_example,
        **fields,
    )


def read_mlmodel(
    connection: TrackingConnection, location: str
) -> tuple[list[str], dict[str, str] | None, bool]:
    """The flavours, signature and whether an input example was saved, of the model at
    ``location`` (an artifact URI or ``runs:/...``), read from its MLmodel file alone.

    The URI is resolved against this connection's store, never MLflow's process-global one.
    A local artifact store's file is read where it lies.
    """
    load_mlflow()
    from mlflow.artifacts import download_artifacts
    from mlflow.models import Model

    local_folder = local_artifact_folder(location)
    if local_folder is not None and (local_folder / MLMODEL).is_file():
        return _summary(Model.load(local_folder / MLMODEL))
    with tempfile.TemporaryDirectory(prefix="mlx-mlmodel-") as folder:
        with connection.errors(field="artifact_path"):
            local = download_artifacts(
                artifact_uri=f"{location.rstrip('/')}/{MLMODEL}",
                dst_path=folder,
                tracking_uri=connection.tracking_uri,
                registry_uri=connection.tracking_uri,
            )
        return _summary(Model.load(local))


def _summary(mlmodel: Any) -> tuple[list[str], dict[str, str] | None, bool]:
    """The flavours, signature and whether an input example was saved, of an MLmodel."""
    signature = None
    if mlmodel.signature is not None:
        parts = mlmodel.signature.to_dict()
        signature = {key: value for key, value in parts.items() if isinstance(value, str)}
    return sorted(mlmodel.flavors), signature, mlmodel.saved_input_example_info is not None


def pick(
    models: Sequence[RunModel], artifact_path: str | None, run_id: str, top_level: Sequence[str]
) -> RunModel:
    """The model a promotion means.

    Args:
        models: The run's models (:func:`run_models`).
        artifact_path: As given: a LoggedModel's name, an artifact folder,
            ``runs:/<run_id>/<path>`` or ``models:/<model_id>``; None for the only model.
        run_id: The run.
        top_level: The run's top-level artifacts, named when it has no model.

    Raises:
        InvalidInput: (field ``artifact_path``) the run has no model, several and none was
            named, or none matching; the message lists what the run has.
    """
    if not models:
        have = ", ".join(top_level) or "no artifacts"
        raise InvalidInput(
            f"Run {run_id} has no model: no LoggedModel and no artifact folder with an MLmodel "
            f"file (its artifacts: {have}).",
            field="artifact_path",
        )
    listed = ", ".join(f"{m.artifact_path} ({m.model_uri})" for m in models)
    if not artifact_path:
        if len(models) == 1:
            return models[0]
        raise InvalidInput(
            f"Run {run_id} holds several models; name one as artifact_path: {listed}.",
            field="artifact_path",
        )
    wanted = artifact_path.strip()
    if wanted.startswith("runs:/"):
        owner, _, wanted = wanted[len("runs:/") :].partition("/")
        if owner != run_id:
            raise InvalidInput(
                f"{artifact_path} is a model of run {owner}, not of run {run_id}.",
                field="artifact_path",
            )
    wanted = wanted.strip("/")
    for model in models:
        if wanted in (model.artifact_path, model.model_uri) or model.model_id == wanted:
            return model
    raise InvalidInput(
        f"Run {run_id} has no model {artifact_path!r}; its models: {listed}.",
        field="artifact_path",
    )
