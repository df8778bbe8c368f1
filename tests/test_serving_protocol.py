"""The scoring server as a client sees it: MLflow's scoring protocol on a real uvicorn process
serving a scikit-learn model with a column signature (``a``, ``b``, ``c``) from a real MLflow
store. One server for the module."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import requests
from modelruns import FRAME_COLUMNS, log_model_run
from scoringservers import RunningServer, scoring_server, serving_env

#: The module server's body limit (413 above it).
MAX_REQUEST_BYTES = 64 * 1024
ROWS = np.random.RandomState(1).rand(6, 3).round(6)


@pytest.fixture(scope="module")
def model_uri(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A run's model in a fresh store: the store's URI and the model's ``runs:/`` URI."""
    folder = tmp_path_factory.mktemp("store")
    tracking_uri = f"sqlite:///{folder / 'mlflow.db'}"
    with warnings.catch_warnings():
        # The example's predictions are class labels: MLflow hints that integer columns
        # cannot hold missing values, which outputs never do.
        warnings.filterwarnings("ignore", "Hint: Inferred schema contains integer", UserWarning)
        run_id = log_model_run(tracking_uri, frame_example=True)
    return tracking_uri, f"runs:/{run_id}/model"


@pytest.fixture(scope="module")
def expected(model_uri: tuple[str, str]) -> list[Any]:
    """What the model predicts for ``ROWS`` in this process, through MLflow's pyfunc."""
    import mlflow
    import pandas as pd

    tracking_uri, uri = model_uri
    mlflow.set_tracking_uri(tracking_uri)
    try:
        model = mlflow.pyfunc.load_model(uri)
    finally:
        mlflow.set_tracking_uri(None)
    return model.predict(pd.DataFrame(ROWS, columns=list(FRAME_COLUMNS))).tolist()


@pytest.fixture(scope="module")
def server(model_uri: tuple[str, str]) -> Iterator[RunningServer]:
    tracking_uri, uri = model_uri
    args = ["--model", uri, "--max-request-bytes", str(MAX_REQUEST_BYTES)]
    with scoring_server(args, serving_env(tracking_uri)) as running:
        yield running


def invoke(server: RunningServer, body: Any, content_type: str = "application/json") -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(
        server.url + "/invocations", data=data, headers={"Content-Type": content_type}, timeout=30
    )


def records() -> list[dict[str, float]]:
    return [dict(zip(FRAME_COLUMNS, row, strict=True)) for row in ROWS.tolist()]


def columns() -> dict[str, list[float]]:
    return {name: ROWS[:, index].tolist() for index, name in enumerate(FRAME_COLUMNS)}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"dataframe_split": {"columns": list(FRAME_COLUMNS), "data": ROWS.tolist()}}, None),
        ({"dataframe_records": records()}, None),
        ({"instances": records()}, None),
        ({"inputs": columns()}, None),
        ({"inputs": records(), "params": {}}, None),
        (
            "a,b,c\n" + "\n".join(",".join(map(str, row)) for row in ROWS.tolist()) + "\n",
            "text/csv",
        ),
    ],
    ids=["dataframe_split", "dataframe_records", "instances", "inputs", "inputs+params", "csv"],
)
def test_every_format_answers_what_pyfunc_predicts(
    server: RunningServer, expected: list[Any], body: Any, content_type: str | None
) -> None:
    response = invoke(server, body, content_type or "application/json; charset=utf-8")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"predictions": expected}


def test_mlflow_scoring_server_client_works_unchanged(
    server: RunningServer, expected: list[Any]
) -> None:
    import mlflow
    import pandas as pd
    from mlflow.deployments import PredictionsResponse
    from mlflow.pyfunc.scoring_server.client import ScoringServerClient

    client = ScoringServerClient("127.0.0.1", server.port)
    client.wait_server_ready(timeout=10)
    assert client.get_version() == mlflow.__version__

    response = client.invoke(pd.DataFrame(ROWS, columns=list(FRAME_COLUMNS)))

    assert isinstance(response, PredictionsResponse)
    assert response.get_predictions(predictions_format="ndarray").tolist() == expected


def test_ping_health_and_version(server: RunningServer) -> None:
    import mlflow

    assert requests.get(server.url + "/ping", timeout=5).status_code == 200
    health = requests.get(server.url + "/health", timeout=5).json()
    assert health["status"] == "ok"
    assert health["model_uri"].startswith("runs:/")
    assert requests.get(server.url + "/version", timeout=5).text == mlflow.__version__


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        ("{not json", "application/json", "Ensure that input is a valid JSON formatted string"),
        ("[1, 2]", "application/json", "Received a list"),
        ({"data": [[1, 2, 3]]}, "application/json", "Received dictionary with input fields: []"),
        (
            {"inputs": columns(), "instances": records()},
            "application/json",
            "Received dictionary with input fields: ['inputs', 'instances']",
        ),
        ({"dataframe_records": [{"a": 0.1, "b": 0.2}]}, "application/json", "missing inputs"),
        (
            {"dataframe_records": [{"a": "x", "b": 0.2, "c": 0.3}]},
            "application/json",
            "Data is not compatible with model signature",
        ),
        ("a,b,c\n0.1,zero,0.3\n", "text/csv", "Failed to parse input as a Pandas DataFrame"),
        ("a,b\n0.1,0.2\n", "text/csv", "missing inputs"),
        ({"inputs": columns(), "params": [1]}, "application/json", "'params' must be"),
    ],
    ids=[
        "malformed-json",
        "json-list",
        "no-input-key",
        "two-input-keys",
        "missing-column",
        "wrong-type",
        "malformed-csv",
        "csv-missing-column",
        "params-not-object",
    ],
)
def test_bad_payloads_are_400_in_mlflows_words(
    server: RunningServer, body: Any, content_type: str, says: str
) -> None:
    response = invoke(server, body, content_type)

    assert response.status_code == 400, response.text
    error = response.json()
    assert error["error_code"] in {"BAD_REQUEST", "INVALID_PARAMETER_VALUE"}
    assert says in error["message"]
    # The server still answers afterwards.
    assert invoke(server, {"inputs": columns()}).status_code == 200


def test_a_body_over_the_limit_is_413(server: RunningServer) -> None:
    rows = [[0.5, 0.5, 0.5]] * 5000
    body = {"dataframe_split": {"columns": list(FRAME_COLUMNS), "data": rows}}

    response = invoke(server, body)

    assert response.status_code == 413
    assert response.json()["error_code"] == "RESOURCE_LIMIT_EXCEEDED"
    assert str(MAX_REQUEST_BYTES) in response.json()["message"]


def test_other_content_types_are_415_and_other_routes_404(server: RunningServer) -> None:
    response = invoke(server, "<rows/>", "application/xml")
    assert response.status_code == 415
    assert "Got 'application/xml'" in response.text

    assert invoke(server, "{}", "application/json; charset=latin-1").status_code == 415
    assert requests.get(server.url + "/invocations", timeout=5).status_code == 405
    assert requests.get(server.url + "/predict", timeout=5).status_code == 404
