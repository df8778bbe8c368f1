"""The smoke test: a real subprocess loads the model and predicts on its input example."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from modelruns import copy_store, log_model_run

from jupyter_mlx.config import Settings
from jupyter_mlx.environments.service import EnvironmentService
from jupyter_mlx.models.schemas import PromoteRequest
from jupyter_mlx.models.service import ModelService
from jupyter_mlx.models.smoke_probe import nan_count, rows, shape
from jupyter_mlx.store import Store
from jupyter_mlx.tracking.client import TrackingConnection


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mlflow.tracking import MlflowClient

    path = tmp_path_factory.mktemp("empty") / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{path}").search_experiments()
    return path


def service(root: Path, empty_store: Path, **options: Any) -> Iterator[ModelService]:
    settings = Settings.resolve(root, environ={})
    copy_store(empty_store, settings.workspace)
    store = Store(settings.db_url)
    store.upgrade()
    connection = TrackingConnection(settings.tracking_uri)
    yield ModelService(settings, store, connection, EnvironmentService(settings), **options)
    store.dispose()


@pytest.fixture
def models(tmp_path: Path, empty_store: Path, mlflow_state: None) -> Iterator[ModelService]:
    yield from service(tmp_path, empty_store)


def promote_smoked(models: ModelService, **run: Any) -> Any:
    run_id = log_model_run(models.settings.tracking_uri, **run)
    request = PromoteRequest(run_id=run_id, name="wine", alias="champion", smoke=True)
    return models.promote(request, user="ann")


@pytest.mark.slow
def test_a_model_that_predicts_passes_the_smoke_test(models: ModelService) -> None:
    done = promote_smoked(models)

    assert done.state == "promoted"
    [smoke] = done.gates
    assert (smoke.gate, smoke.kind, smoke.status) == ("smoke test", "smoke", "passed")
    assert re.fullmatch(
        r"predicted 5 rows -> shape \(5,\), no NaN, in [\d.]+ s, the server's python",
        smoke.detail or "",
    )


@pytest.mark.slow
def test_a_model_predicting_nan_is_refused_and_registers_nothing(models: ModelService) -> None:
    from mlflow.tracking import MlflowClient

    done = promote_smoked(models, nan=True, tags={"mlx.env.name": "wine"})

    assert done.state == "refused"
    assert re.fullmatch(
        r"smoke test: 5 NaN values in the output \(shape \(5,\)\), in [\d.]+ s, the server's "
        r"python \(environment 'wine' is not installed\)",
        done.error or "",
    )
    client = MlflowClient(tracking_uri=models.settings.tracking_uri)
    assert list(client.search_registered_models()) == []


@pytest.mark.slow
def test_a_smoke_test_past_its_time_limit_fails(
    tmp_path: Path, empty_store: Path, mlflow_state: None
) -> None:
    for models in service(tmp_path, empty_store, smoke_timeout_s=0.2):
        done = promote_smoked(models)

        assert done.state == "refused"
        assert done.gates[0].detail == "did not finish within 0.2 s (the server's python)"


def test_the_probe_counts_rows_and_nan_of_common_outputs() -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": ["x", None]})

    assert (rows(frame), shape(frame), nan_count(frame)) == (2, [2, 2], 2)
    assert (rows(np.zeros((4, 2))), nan_count(np.array([np.nan, 1.0]))) == (4, 1)
    assert (rows({"a": [1, 2], "b": [3, 4]}), nan_count({"a": [np.nan], "b": [1]})) == (2, 1)
    assert (rows("text"), nan_count(["a", "b"]), nan_count([[1.0], [np.nan, 2.0]])) == (None, 0, 1)
