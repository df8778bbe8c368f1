"""MLflow runs holding a small scikit-learn model, for the models tests.

A LogisticRegression on 3 features logs in about 0.1 s once MLflow and scikit-learn are
imported (pip requirements are given, so MLflow infers none).
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jupyter_mlx.tracking import links

EXPERIMENT = "models.ipynb"
#: What the run's model is logged with; given, MLflow infers none (seconds).
PIP_REQUIREMENTS = ["scikit-learn"]
#: The columns of a ``frame_example`` model.
FRAME_COLUMNS = ("a", "b", "c")
#: Pickled: loading MLflow's default (skops) imports every scikit-learn estimator (seconds).
SERIALIZATION = "cloudpickle"


def log_model_run(
    tracking_uri: str,
    *,
    metrics: Mapping[str, float] | None = None,
    params: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
    nan: bool = False,
    legacy_artifact: bool = False,
    input_example: bool = True,
    frame_example: bool = False,
    with_model: bool = True,
) -> str:
    """A finished run of notebook ``train.ipynb`` with a model, its metrics and params.

    Args:
        tracking_uri: The store (its experiment keeps artifacts beside the SQLite file).
        metrics: Logged metrics.
        params: Logged params.
        tags: More run tags (e.g. ``mlx.env.name``).
        nan: Log a regression whose coefficients are NaN, so it predicts NaN.
        legacy_artifact: Log the model as an artifact folder ``model`` with its MLmodel (as
            runs before MLflow 3 hold it) instead of a LoggedModel named ``model``.
        input_example: Save its first five rows as the input example.
        frame_example: Save them as a DataFrame with columns ``a``, ``b``, ``c`` (a column
            signature, which CSV and ``dataframe_*`` requests fit) instead of an array.
        with_model: Log a model at all (else a text artifact only).

    Returns:
        The run id.
    """
    import mlflow
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        folder = Path(tracking_uri.removeprefix("sqlite:///")).parent / "artifacts"
        experiment_id = client.create_experiment(EXPERIMENT, artifact_location=folder.as_uri())
    else:
        experiment_id = experiment.experiment_id
    run = client.create_run(
        experiment_id,
        tags={
            links.SOURCE_NAME: "train.ipynb",
            links.SOURCE_TYPE: links.SOURCE_TYPE_NOTEBOOK,
            links.JOB_ID: "job-1",
            **(tags or {}),
        },
    )
    run_id = run.info.run_id
    for key, value in (metrics or {}).items():
        client.log_metric(run_id, key, value)
    for key, value in (params or {}).items():
        client.log_param(run_id, key, value)
    if with_model:
        model, features = _model(nan, frame_example)
        example = features[:5] if input_example else None
        if legacy_artifact:
            with tempfile.TemporaryDirectory() as folder:
                saved = Path(folder) / "model"
                mlflow.sklearn.save_model(
                    model,
                    saved,
                    input_example=example,
                    pip_requirements=PIP_REQUIREMENTS,
                    serialization_format=SERIALIZATION,
                )
                client.log_artifacts(run_id, str(saved), "model")
        else:
            _log_model(tracking_uri, run_id, model, example)
    else:
        with tempfile.TemporaryDirectory() as folder:
            notes = Path(folder) / "notes.txt"
            notes.write_text("no model here\n")
            client.log_artifact(run_id, str(notes))
    client.set_terminated(run_id, "FINISHED")
    return run_id


def _model(nan: bool, frame: bool = False) -> tuple[object, Any]:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LinearRegression, LogisticRegression

    array = np.random.RandomState(0).rand(20, 3)
    labels = (array[:, 0] > 0.5).astype(int)
    features = pd.DataFrame(array, columns=list(FRAME_COLUMNS)) if frame else array
    if nan:
        model = LinearRegression().fit(features, labels)
        model.coef_ = np.full(3, np.nan)
        return model, features
    return LogisticRegression().fit(features, labels), features


def _log_model(tracking_uri: str, run_id: str, model: object, example: object) -> None:
    """Log a LoggedModel named ``model`` linked to the run (MLflow's fluent API needs the
    tracking URI set process-wide for this; it is put back afterwards)."""
    import mlflow

    before = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(tracking_uri)
    try:
        with warnings.catch_warnings(), mlflow.start_run(run_id=run_id):
            # MLflow warns about its own type hints the first time a flavour is logged.
            warnings.filterwarnings("ignore", ".*Any type hint is inferred as AnyType", UserWarning)
            # MLflow writes a DataFrame example with an operation pandas 3 deprecates.
            warnings.filterwarnings("ignore", "Operation with range is deprecated", Warning)
            mlflow.sklearn.log_model(
                model,
                name="model",
                input_example=example,
                pip_requirements=PIP_REQUIREMENTS,
                serialization_format=SERIALIZATION,
            )
    finally:
        mlflow.set_tracking_uri(before)


def copy_store(empty_store: Path, workspace: Path) -> str:
    """A copy of an empty MLflow store in ``workspace``; its tracking URI."""
    workspace.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(empty_store, workspace / "mlflow.db")
    return f"sqlite:///{workspace / 'mlflow.db'}"
