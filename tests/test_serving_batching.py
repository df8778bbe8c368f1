"""Micro-batching in the scoring server: concurrent requests for a slow model (0.3 s a call)
are answered each with its own rows, and fewer predict calls than requests served them
(counted by ``GET /health``)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from scoringservers import RunningServer, scoring_server, serving_env
from slowmodel import save_slow_model

CLIENTS = 12


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("models")
    path = save_slow_model(folder)
    args = ["--model", str(path), "--batch-window-ms", "1000", "--max-batch-rows", "64"]
    with scoring_server(args, serving_env(f"sqlite:///{folder / 'mlflow.db'}")) as running:
        yield running


def predict(server: RunningServer, values: list[float]) -> list[list[float]]:
    body = {"inputs": [[value] for value in values]}
    response = requests.post(server.url + "/invocations", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["predictions"]


def health(server: RunningServer) -> dict:
    return requests.get(server.url + "/health", timeout=5).json()


def test_concurrent_requests_share_predict_calls_and_get_their_own_rows(
    server: RunningServer,
) -> None:
    # Given: a server that has answered one request (the model is warm)
    assert predict(server, [0.5]) == [[1.0]]
    before = health(server)

    # When: twelve clients send requests of different sizes at once
    inputs = [[float(client), float(client) + 0.25][: 1 + client % 2] for client in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(lambda values: predict(server, values), inputs))

    # Then: each got the doubles of its own rows, from fewer calls than requests
    assert answers == [[[2 * value] for value in values] for values in inputs]
    after = health(server)
    assert after["requests"] - before["requests"] == CLIENTS
    assert after["predict_calls"] - before["predict_calls"] < CLIENTS
    assert after["batched_requests"] > before["batched_requests"]


def test_a_request_the_model_refuses_fails_alone(server: RunningServer) -> None:
    # A bad row (wrong width) joins nothing it could break: the others are answered.
    bodies = [{"inputs": [[1.0]]}, {"inputs": [[1.0, 2.0]]}, {"inputs": [[3.0]]}]
    with ThreadPoolExecutor(len(bodies)) as pool:
        responses = list(
            pool.map(
                lambda body: requests.post(server.url + "/invocations", json=body, timeout=30),
                bodies,
            )
        )

    assert [response.status_code for response in responses] == [200, 400, 200]
    assert responses[0].json() == {"predictions": [[2.0]]}
    assert "does not match expected shape" in responses[1].json()["message"]
    assert responses[2].json() == {"predictions": [[6.0]]}


def test_without_a_window_every_request_is_its_own_call(tmp_path: Path) -> None:
    path = save_slow_model(tmp_path)
    args = ["--model", str(path), "--batch-window-ms", "0"]
    with scoring_server(args, serving_env(f"sqlite:///{tmp_path / 'mlflow.db'}")) as running:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda value: predict(running, [value]), [1.0, 2.0, 3.0, 4.0]))
        stats = health(running)

    assert answers == [[[2.0]], [[4.0]], [[6.0]], [[8.0]]]
    assert (stats["requests"], stats["predict_calls"], stats["batched_requests"]) == (4, 4, 0)
