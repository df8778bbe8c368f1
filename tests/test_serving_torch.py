"""The example's torch model served: every request format answers what in-process pyfunc
predicts, MLflow's own client works against the server, and the fast path for a one-tensor
signature (``inputs``, ``instances``, ``dataframe_split`` parsed with numpy alone) builds the
arrays and the errors MLflow's parsers build.

One store and one logged model for the module (:mod:`torchmodel`); one server process.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
import requests
from scoringservers import RunningServer, scoring_server, serving_env
from torchmodel import TorchModel, log_torch_model

pytestmark = pytest.mark.slow

COLUMNS = [f"f{index}" for index in range(13)]
#: float32 sums come out a last bit apart with the rows' memory layout (a DataFrame hands torch
#: columns) and the batch size (the kernel torch picks): the same predictions, not the same bits.
RTOL = 1e-5


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, TorchModel]:
    """The store's URI and the model logged in it."""
    tracking_uri = f"sqlite:///{tmp_path_factory.mktemp('store') / 'mlflow.db'}"
    return tracking_uri, log_torch_model(tracking_uri)


@pytest.fixture(scope="module")
def rows(logged: tuple[str, TorchModel]) -> np.ndarray:
    return logged[1].rows[:6]


@pytest.fixture(scope="module")
def model(logged: tuple[str, TorchModel]) -> Any:
    """The model loaded in this process with MLflow's pyfunc loader."""
    import mlflow

    tracking_uri, torch_model = logged
    mlflow.set_tracking_uri(tracking_uri)
    try:
        return mlflow.pyfunc.load_model(torch_model.model_uri)
    finally:
        mlflow.set_tracking_uri(None)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def expected(model: Any, rows: np.ndarray) -> np.ndarray:
    """What pyfunc predicts for ``rows`` in this process: float32 probabilities."""
    predictions = model.predict(rows)
    assert predictions.dtype == np.float32
    return predictions


@pytest.fixture(scope="module")
def server(logged: tuple[str, TorchModel]) -> Iterator[RunningServer]:
    tracking_uri, torch_model = logged
    with scoring_server(["--model", torch_model.model_uri], serving_env(tracking_uri)) as running:
        yield running


def bodies(rows: np.ndarray) -> dict[str, tuple[str, str]]:
    """The same rows in each format MLflow's scoring protocol takes: body and content type."""
    values = rows.tolist()
    records = [dict(zip(COLUMNS, row, strict=True)) for row in values]
    csv = ",".join(COLUMNS) + "\n" + "\n".join(",".join(map(repr, row)) for row in values)
    as_json = {
        "inputs": {"inputs": values},
        "instances": {"instances": values},
        "dataframe_split": {"dataframe_split": {"columns": COLUMNS, "data": values}},
        "dataframe_records": {"dataframe_records": records},
        "inputs+params": {"inputs": values, "params": {}},
    }
    formats = {name: (json.dumps(body), "application/json") for name, body in as_json.items()}
    return formats | {"csv": (csv + "\n", "text/csv")}


def invoke(server: RunningServer, body: str, content_type: str) -> requests.Response:
    return requests.post(
        server.url + "/invocations", data=body, headers={"Content-Type": content_type}, timeout=30
    )


@pytest.mark.parametrize(
    "name",
    ["inputs", "instances", "dataframe_split", "dataframe_records", "inputs+params", "csv"],
)
def test_every_format_answers_what_pyfunc_predicts(
    server: RunningServer, rows: np.ndarray, expected: np.ndarray, name: str
) -> None:
    body, content_type = bodies(rows)[name]

    response = invoke(server, body, content_type)

    assert response.status_code == 200, response.text
    predictions = np.array(response.json()["predictions"], dtype=np.float32)
    np.testing.assert_allclose(predictions, expected, rtol=RTOL)


def test_mlflow_scoring_server_client_works_unchanged(
    server: RunningServer, rows: np.ndarray, expected: np.ndarray
) -> None:
    import mlflow
    import pandas as pd
    from mlflow.deployments import PredictionsResponse
    from mlflow.pyfunc.scoring_server.client import ScoringServerClient

    client = ScoringServerClient("127.0.0.1", server.port)
    client.wait_server_ready(timeout=10)
    assert client.get_version() == mlflow.__version__

    for data in (rows, pd.DataFrame(rows, columns=COLUMNS)):
        response = client.invoke(data)
        assert isinstance(response, PredictionsResponse)
        predictions = response.get_predictions(predictions_format="ndarray")
        np.testing.assert_allclose(predictions, expected, rtol=RTOL)


def test_concurrent_single_rows_each_get_their_own_row(
    server: RunningServer, rows: np.ndarray, expected: np.ndarray
) -> None:
    order = [index % len(rows) for index in range(48)]

    def one(index: int) -> list[float]:
        body = json.dumps({"inputs": [rows[index].tolist()]})
        response = invoke(server, body, "application/json")
        assert response.status_code == 200, response.text
        return response.json()["predictions"][0]

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(one, order))

    np.testing.assert_allclose(np.array(answers), expected[order], rtol=RTOL)


@pytest.mark.parametrize(
    "body",
    [
        {"inputs": [[0.1] * 12]},
        {"instances": [[0.1] * 14, [0.2] * 14]},
        {"inputs": [0.1] * 13},
        {"inputs": [[[0.1] * 13]]},
        {"inputs": [["a"] * 13]},
        {"inputs": [[0.1] * 13, [0.2] * 12]},
        {"inputs": []},
        {"inputs": [[0.1] * 13], "instances": [[0.1] * 13]},
        {"dataframe_split": {"columns": COLUMNS[:12], "data": [[0.1] * 12]}},
        {"dataframe_split": {"columns": COLUMNS, "data": [[0.1] * 12]}},
        {"dataframe_split": {"data": [["x"] * 13]}},
        {"dataframe_split": {"columns": COLUMNS, "data": []}},
        {"inputs": [[0.1] * 13], "params": [1]},
    ],
    ids=[
        "narrow",
        "wide",
        "flat",
        "deep",
        "strings",
        "ragged",
        "empty",
        "two-keys",
        "split-narrow",
        "split-short-rows",
        "split-strings",
        "split-empty",
        "params-not-object",
    ],
)
def test_bad_tensors_are_refused_in_mlflows_words(
    server: RunningServer, model: Any, body: dict[str, Any]
) -> None:
    from jupyter_mlx.serving import protocol

    signature = protocol.ModelSignature.of(model)
    want = mlflows_answer(model, dataclasses.replace(signature, tensor=None), body)
    assert isinstance(want, protocol.ScoringError), "MLflow takes this body"

    response = invoke(server, json.dumps(body), "application/json")

    assert response.status_code == want.status == 400
    assert in_words(response.json()) == in_words(json.loads(want.body()))


def in_words(error: dict[str, str]) -> dict[str, str]:
    """An error without what MLflow words in an order that changes from process to process
    (it names members of sets: the input keys, the first column it fails on)."""
    message = re.sub(r"\{[^}]*\}|column \w+", "...", error["message"])
    return {"error_code": error["error_code"], "message": message}


@pytest.mark.parametrize(
    "body",
    [
        {"inputs": [[1] * 13]},
        {"inputs": [[True, 1.5, 2] + [0.1] * 10]},
        {"instances": [[0.1] * 13, [0.2] * 13], "params": {}},
        {"dataframe_split": {"data": [[0.1] * 13]}},
        {"dataframe_split": {"columns": list(range(13)), "data": [[1] * 13, [0.5] * 13]}},
    ],
    ids=["ints", "mixed", "instances+params", "split-no-columns", "split-ints"],
)
def test_the_fast_path_builds_the_array_mlflow_builds(model: Any, body: dict[str, Any]) -> None:
    from jupyter_mlx.serving import protocol

    signature = protocol.ModelSignature.of(model)
    assert signature.tensor is not None
    raw = json.dumps(body).encode()

    fast = protocol.parse(raw, "application/json", signature)
    slow = protocol.parse(raw, "application/json", dataclasses.replace(signature, tensor=None))

    assert isinstance(fast.data, np.ndarray) and fast.data.dtype == np.float32
    assert fast.rows == len(fast.data) and fast.batch_key is not None
    assert fast.params == slow.params
    # The array MLflow's schema enforcement hands the model (a DataFrame's values).
    np.testing.assert_array_equal(fast.data, np.asarray(slow.data, dtype=np.float32))
    got = protocol.predict(model, signature, fast.data, fast.params)
    want = protocol.predict(model, signature, slow.data, slow.params)
    np.testing.assert_allclose(got, want, rtol=RTOL)


def mlflows_answer(model: Any, signature: Any, body: dict[str, Any]) -> Any:
    """What MLflow's path makes of ``body``: the predictions or the error."""
    from jupyter_mlx.serving import protocol

    try:
        parsed = protocol.parse(json.dumps(body).encode(), "application/json", signature)
        return protocol.predict(model, signature, parsed.data, parsed.params)
    except protocol.ScoringError as exc:
        return exc
