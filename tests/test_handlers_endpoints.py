"""/mlx/api/endpoints and the proxy /mlx/endpoints/{name}/... through a real in-process server
(under the hub-style base URL ``/a%40b/``) starting real scoring processes that serve a
registered scikit-learn model of the workspace's MLflow registry.

Each answer is checked against the schema openapi.yaml gives it. Authentication of every
route is covered by test_routes_auth.py; the proxy's own 403 is checked here too.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import mlx_server_config
from modelruns import log_model_run
from restapi import call, conforms, refused
from tornado.httpclient import HTTPClientError

#: Seconds an endpoint may take to load its model and answer (a loaded 2-core machine).
RUNNING_WITHIN_S = 90.0
ROWS = [[0.9, 0.1, 0.1], [0.1, 0.5, 0.5]]
#: The request limit the server is given here (the proxy's 413).
MAX_REQUEST_BYTES = 4096

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def jp_server_config(mlx_workspace: Path) -> dict:
    return mlx_server_config(mlx_workspace, max_request_bytes=MAX_REQUEST_BYTES)  # type: ignore[arg-type]


@pytest.fixture
def tracking_uri(mlx_workspace: Path, mlflow_state: None) -> str:
    """The server's tracking store, whose registry has churn version 1 under champion."""
    import mlflow

    mlx_workspace.mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{mlx_workspace / 'mlflow.db'}"
    run_id = log_model_run(uri)
    mlflow.set_tracking_uri(uri)
    try:
        mlflow.register_model(f"runs:/{run_id}/model", "churn")
        mlflow.MlflowClient().set_registered_model_alias("churn", "champion", "1")
    finally:
        mlflow.set_tracking_uri(None)
    return uri


async def proxy(jp_fetch, method: str, name: str, route: str, body: Any = None):
    """(status, content type, body) of a request through the proxy."""
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body)
        kwargs["headers"] = {"Content-Type": "application/json"}
    try:
        response = await jp_fetch("mlx", "endpoints", name, route, **kwargs)
    except HTTPClientError as exc:
        assert exc.response is not None
        response = exc.response
    return response.code, response.headers.get("Content-Type", ""), response.body


async def running(jp_fetch, name: str) -> dict:
    deadline = time.monotonic() + RUNNING_WITHIN_S
    while True:
        code, _, endpoint = await call(jp_fetch, "GET", "endpoints", name)
        assert code == 200, endpoint
        conforms(endpoint, "Endpoint")
        if endpoint["state"] == "running":
            return endpoint
        assert endpoint["state"] == "starting", endpoint
        assert time.monotonic() < deadline, f"not running after {RUNNING_WITHIN_S:g} s"
        await asyncio.sleep(0.25)


def in_process(tracking_uri: str) -> list:
    import mlflow.pyfunc
    import numpy as np

    mlflow.set_tracking_uri(tracking_uri)
    try:
        model = mlflow.pyfunc.load_model("models:/churn@champion")
    finally:
        mlflow.set_tracking_uri(None)
    return np.asarray(model.predict(np.asarray(ROWS))).tolist()


@pytest.mark.slow
async def test_serve_reach_through_the_proxy_stop_restart_and_delete(
    jp_fetch, jp_auth_header, tracking_uri: str
) -> None:
    # Given an endpoint created on the champion alias (201, starting, its URL at Location),
    code, headers, created = await call(
        jp_fetch,
        "POST",
        "endpoints",
        body={"name": "churn", "model_uri": "models:/churn@champion"},
    )
    assert code == 201, created
    conforms(created, "Endpoint")
    assert created["state"] == "starting"
    assert headers["Location"] == "/a%40b/mlx/api/endpoints/churn"

    # when it runs, the proxy answers as the model does in-process,
    endpoint = await running(jp_fetch, "churn")
    status, content_type, body = await proxy(
        jp_fetch, "POST", "churn", "invocations", {"inputs": ROWS}
    )
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body) == {"predictions": in_process(tracking_uri)}
    assert (await proxy(jp_fetch, "GET", "churn", "ping"))[0] == 200
    assert (await proxy(jp_fetch, "GET", "churn", "version"))[0] == 200

    # passes the process's refusals through, and refuses by itself what is too large;
    status, _, body = await proxy(jp_fetch, "POST", "churn", "invocations", {"rows": ROWS})
    assert status == 400 and json.loads(body)["error_code"] == "BAD_REQUEST"
    status, _, body = await proxy(
        jp_fetch, "POST", "churn", "invocations", {"inputs": [[0.5] * 3] * 400}
    )
    assert status == 413
    assert conforms(json.loads(body), "Error")["code"] == "too_large"
    status, _, body = await proxy(jp_fetch, "GET", "churn", "-")
    assert status == 404 and json.loads(body)["field"] == "route"
    status, _, body = await proxy(jp_fetch, "GET", "nothing", "ping")
    assert status == 404 and json.loads(body)["field"] == "name"

    # the endpoint lists, and its process's reports conform;
    code, _, listed = await call(jp_fetch, "GET", "endpoints")
    assert code == 200
    assert [e["name"] for e in conforms(listed, "ListEndpointsResponse")["endpoints"]] == ["churn"]
    assert [v["version"] for v in endpoint["versions"]] == ["1"]
    for route, schema in (("metrics", "EndpointMetrics"), ("log", "EndpointLog")):
        code, _, report = await call(jp_fetch, "GET", "endpoints", "churn", route)
        assert code == 200, report
        conforms(report, schema)
    since = {"since": int(time.time()) - 600}
    code, _, recent = await call(jp_fetch, "GET", "endpoints", "churn", "metrics", params=since)
    assert code == 200, recent
    assert sum(bucket["requests"] for bucket in recent["buckets"]) >= 1
    code, _, drift = await call(jp_fetch, "GET", "endpoints", "churn", "drift")
    assert code == 200, drift
    conforms(drift, "EndpointDrift")
    code, _, log = await call(jp_fetch, "GET", "endpoints", "churn", "log", params={"limit": 5})
    assert len(log["records"]) >= 1 and log["records"][0]["status"] in (200, 400, 413)

    # a change of batching applies at once,
    code, _, changed = await call(
        jp_fetch, "PATCH", "endpoints", "churn", body={"batch_window_ms": 0}
    )
    assert code == 200, changed
    assert conforms(changed, "Endpoint")["batch_window_ms"] == 0

    # stopped, it is kept and the proxy answers 503, its reports and changes 409;
    code, _, stopped = await call(jp_fetch, "POST", "endpoints", "churn", "stop")
    assert (code, conforms(stopped, "Endpoint")["state"]) == (200, "stopped")
    status, _, body = await proxy(jp_fetch, "POST", "churn", "invocations", {"inputs": ROWS})
    assert status == 503 and json.loads(body)["code"] == "unavailable"
    refused(await call(jp_fetch, "GET", "endpoints", "churn", "metrics"), 409, "name")
    refused(
        await call(jp_fetch, "PATCH", "endpoints", "churn", body={"canary_percent": 5}), 409, "name"
    )

    # restarted, it serves again;
    code, _, restarted = await call(jp_fetch, "POST", "endpoints", "churn", "restart")
    assert (code, conforms(restarted, "Endpoint")["state"]) == (200, "starting")
    await running(jp_fetch, "churn")
    assert (await proxy(jp_fetch, "GET", "churn", "ping"))[0] == 200

    # the proxy needs the server's token,
    token = dict(jp_auth_header)
    jp_auth_header.clear()
    status, _, body = await proxy(jp_fetch, "POST", "churn", "invocations", {"inputs": ROWS})
    assert status == 403 and "message" in json.loads(body)
    jp_auth_header.update(token)

    # and deleted, it is gone.
    code, _, _ = await call(jp_fetch, "DELETE", "endpoints", "churn")
    assert code == 204
    refused(await call(jp_fetch, "GET", "endpoints", "churn"), 404, "name")


@pytest.mark.slow
async def test_bad_input_is_refused_and_starts_nothing(jp_fetch, tracking_uri: str) -> None:
    bad_names = ["", "-churn", "a/b", "é", "x" * 64]
    for name in bad_names:
        answer = await call(
            jp_fetch, "POST", "endpoints", body={"name": name, "model_uri": "models:/churn/1"}
        )
        refused(answer, 400, "name")
    message = refused(
        await call(
            jp_fetch, "POST", "endpoints", body={"name": "churn", "model_uri": "models:/churn@x"}
        ),
        400,
        "model_uri",
    )
    assert "models:/churn@x" in message
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        body = {"name": "churn", "model_uri": "models:/churn/1", "port": port}
        refused(await call(jp_fetch, "POST", "endpoints", body=body), 400, "port")
    body = {"name": "churn", "model_uri": "models:/churn/1", "batch_window_ms": -1}
    refused(await call(jp_fetch, "POST", "endpoints", body=body), 400, "batch_window_ms")

    code, _, listed = await call(jp_fetch, "GET", "endpoints")
    assert (code, listed) == (200, {"endpoints": []})
    for method, route in (
        ("GET", ()),
        ("DELETE", ()),
        ("POST", ("stop",)),
        ("POST", ("restart",)),
        ("GET", ("metrics",)),
        ("GET", ("drift",)),
        ("GET", ("log",)),
    ):
        refused(await call(jp_fetch, method, "endpoints", "churn", *route), 404, "name")
    body = {"canary_percent": 500}
    refused(await call(jp_fetch, "PATCH", "endpoints", "churn", body=body), 400, "canary_percent")
    refused(
        await call(jp_fetch, "PATCH", "endpoints", "churn", body={"canary_percent": 5}),
        404,
        "name",
    )
    refused(
        await call(jp_fetch, "GET", "endpoints", "churn", "log", params={"limit": 0}),
        400,
        "limit",
    )
