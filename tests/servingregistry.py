"""A registry of small scikit-learn versions for the scoring server's tests: versions of one
registered model, aliases moved between them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import MLFLOW_PROCESS_ENV
from modelruns import log_model_run

NAME = "churn"


def tracking_store(folder: Path) -> str:
    """A new SQLite tracking store (and registry) in ``folder``; its URI."""
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'mlflow.db'}"


def add_version(tracking_uri: str, *, nan: bool = False, frame: bool = False) -> str:
    """Log a run's model and register it as the next version of :data:`NAME`; the version.

    Args:
        tracking_uri: The store.
        nan: A model predicting NaN (which fails the smoke test).
        frame: A model whose input example is a DataFrame (columns a, b, c).
    """
    import mlflow

    run_id = log_model_run(tracking_uri, nan=nan, frame_example=frame)
    mlflow.set_tracking_uri(tracking_uri)
    try:
        return str(mlflow.register_model(f"runs:/{run_id}/model", NAME).version)
    finally:
        mlflow.set_tracking_uri(None)


def move_alias(tracking_uri: str, alias: str, version: str) -> None:
    """Point ``models:/churn@ALIAS`` at ``version``."""
    from mlflow.tracking import MlflowClient

    MlflowClient(tracking_uri=tracking_uri).set_registered_model_alias(NAME, alias, version)


@dataclass(frozen=True)
class Registry:
    """A store holding versions of :data:`NAME`.

    Attributes:
        tracking_uri: The store.
        plain: Two versions of the same array model (an array input example).
        broken: A version predicting NaN.
        frame: A version whose input example is a DataFrame.
    """

    tracking_uri: str
    plain: tuple[str, str]
    broken: str
    frame: str


@contextmanager
def registry(folder: Path) -> Iterator[Registry]:
    """A :class:`Registry` in ``folder``; MLflow's process-wide state is put back after it."""
    saved = {name: os.environ.get(name) for name in MLFLOW_PROCESS_ENV}
    try:
        tracking_uri = tracking_store(folder)
        plain = (add_version(tracking_uri), add_version(tracking_uri))
        broken = add_version(tracking_uri, nan=True)
        yield Registry(tracking_uri, plain, broken, add_version(tracking_uri, frame=True))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
