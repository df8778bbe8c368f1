"""The REST contract under a fuzzer: what openapi.yaml promises is what the server answers.

The cases are requests a schema-driven fuzzer sent to the experiments routes (500s, 200s for
requests the contract refuses, 400s for requests it allows) and their close neighbours. They
run against one real Jupyter server with jupyter-mlx (a ``jupyter server`` process under the
hub-style base URL ``/a%40b/``, started once for the module) reading one real MLflow store,
so a case costs a request, not a server start. The cases that patch the server's code run
in-process through pytest-jupyter.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import servers
import yaml
from conftest import mlx_server_config
from mlflow_data import SeededRuns, seed_runs

from jupyter_mlx.errors import Cancelled, MLXError
from jupyter_mlx.handlers import ROUTES
from jupyter_mlx.tracking import links
from jupyter_mlx.tracking.service import TrackingService

OPENAPI = yaml.safe_load((Path(__file__).parents[1] / "jupyter_mlx" / "openapi.yaml").read_text())
VERBS = ("get", "post", "put", "patch", "delete")
TOKEN = "contract-token"
BASE_URL = "/a%40b/"
WARNING = "The notebook was edited after the run started; the snapshot may differ from it."


@dataclass
class Store:
    """The MLflow store every case reads: :func:`seed_runs`' runs and one run of oddities.

    ``odd`` has a NaN metric, a snapshot warning, and among its artifacts a link to a file
    outside them (``passwd``), a link to nowhere (``broken``), a link to its own file
    (``inside``), that file (``notes.txt``) and an empty folder (``empty``).
    """

    runs: SeededRuns
    odd: str
    outside: Path


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from mlflow.tracking import MlflowClient
    from mlflow.utils.file_utils import local_file_uri_to_path

    folder = tmp_path_factory.mktemp("contract")
    runs = seed_runs(folder / "store")
    client = MlflowClient(tracking_uri=runs.tracking_uri)
    odd = client.create_run(
        runs.experiment_id,
        run_name="odd",
        tags={links.SOURCE_NAME: "odd.ipynb", links.NOTEBOOK_SNAPSHOT_WARNING: WARNING},
    ).info.run_id
    links.tag_notebook_experiment(client, runs.experiment_id, "odd.ipynb")
    client.log_metric(odd, "diverged", float("nan"), step=0)
    client.log_metric(odd, "loss", 0.5, step=0)
    notes = folder / "notes.txt"
    notes.write_text("odd notes\n")
    client.log_artifact(odd, str(notes))
    client.set_terminated(odd)
    artifacts = Path(local_file_uri_to_path(client.get_run(odd).info.artifact_uri))
    outside = folder / "secret.txt"
    outside.write_text("root:x:0:0\n" * 100)
    (artifacts / "passwd").symlink_to(outside)
    (artifacts / "broken").symlink_to(folder / "no-such-file")
    (artifacts / "inside").symlink_to(artifacts / "notes.txt")
    (artifacts / "empty").mkdir()
    return Store(runs, odd, outside)


Server = servers.Server


def compare(server: Server, body: Any) -> requests.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body)
    return server.fetch("POST", "runs/compare", body=raw)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, store: Store) -> Iterator[Server]:
    """One server process for the module, answering under ``/a%40b/`` with a known token."""
    home = tmp_path_factory.mktemp("server")
    (home / "root").mkdir()
    running = servers.start_server(
        home,
        home / "root",
        f"--MLXApp.workspace_dir={home / 'workspace'}",
        f"--MLXApp.tracking_uri={store.runs.tracking_uri}",
        base_url=BASE_URL,
        token=TOKEN,
        ready_route="runs",  # the first run search also loads MLflow
    )
    try:
        yield running
    finally:
        running.stop()


def refused(response: requests.Response, field: str | None, status: int = 400) -> dict:
    """Assert a JSON error of ``status`` naming ``field``; return its body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field, body
    assert body["code"] == ("invalid_input" if status == 400 else "not_found")
    return body


# -- 1. page tokens and experiment ids ----------------------------------------------------------

MALFORMED_PAGE_TOKENS = {
    "garbage": "garbage",
    "non-ascii": "é",
    "invalid-utf8": b"\xff\xfe",
    "a list": b64("[]"),
    "null": b64("null"),
    "a string": b64('"offset"'),
    "an infinite offset": b64('{"offset": 1e400}'),
    "an offset beyond 64 bits": b64('{"offset": 99999999999999999999}'),
    "a negative offset": b64('{"offset": -5}'),
    "deep nesting": b64("[" * 1500),
    "too long": "A" * 4096,
}


@pytest.mark.parametrize("route", ["runs", "experiments"])
@pytest.mark.parametrize("token", MALFORMED_PAGE_TOKENS.values(), ids=list(MALFORMED_PAGE_TOKENS))
def test_a_malformed_page_token_is_refused_naming_page_token(
    server: Server, route: str, token: str
) -> None:
    refused(server.get(route, page_token=token), "page_token")


@pytest.mark.parametrize("route", ["runs", "experiments"])
def test_a_page_token_from_an_answer_gets_the_next_page(server: Server, route: str) -> None:
    first = server.get(route, max_results=1).json()
    second = server.get(route, max_results=1, page_token=first["next_page_token"])
    empty = server.get(route, max_results=1, page_token="")

    assert second.status_code == 200
    assert empty.json() == first


@pytest.mark.parametrize("experiment_id", ["abc", "1.5", "-1", "99999999999999999999999"])
def test_an_experiment_id_the_store_cannot_hold_is_refused_naming_it(
    server: Server, experiment_id: str
) -> None:
    refused(server.get("runs", experiment_id=experiment_id), "experiment_id")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filter": "attributes.start_time > 99999999999999999999"}, "filter"),
        ({"filter": " and ".join(f"metrics.m{i} > 0" for i in range(64))}, "filter"),
        ({"filter": "attributes.start_time > " + "9" * 5000}, "filter"),
        ([("order_by", f"metrics.m{i}") for i in range(800)], "order_by"),
        ({"order_by": "(t`mt 8r-=p2  rEa.tn  dsaI'r0st e'K-u)s1"}, "order_by"),
    ],
    ids=[
        "integer-beyond-64-bits",
        "64-comparisons",
        "integer-of-5000-digits",
        "800-order-clauses",
        "unclosed-quote",
    ],
)
def test_a_search_a_database_would_fail_on_is_refused_naming_its_field(
    server: Server, params: Any, field: str
) -> None:
    refused(server.fetch("GET", "runs", params=params), field)


@pytest.mark.parametrize(
    ("route", "path", "status"),
    [
        ("artifacts", "a\x00b", 400),
        ("artifacts/content", "a\x00b", 400),
        ("artifacts", "a" * 5000, 404),
        ("artifacts/content", "a" * 5000, 404),
    ],
    ids=["nul-listed", "nul-read", "too-long-listed", "too-long-read"],
)
def test_an_artifact_path_no_file_system_holds_is_refused(
    server: Server, store: Store, route: str, path: str, status: int
) -> None:
    refused(server.get(f"runs/{store.runs.first}/{route}", path=path), "path", status)


# -- 2., 3. and 11. comparison bodies -----------------------------------------------------------


def test_comparing_fewer_than_two_distinct_runs_is_refused(server: Server, store: Store) -> None:
    first = store.runs.first

    refused(compare(server, {"run_ids": [first]}), "run_ids")
    refused(compare(server, {"run_ids": [first, first]}), "run_ids")


@pytest.mark.parametrize(
    "body",
    [
        b'{"run_ids": ["\xff\xfe", "x"]}',
        b"[" * 100_000,
        b'{"run_ids": [' + b"9" * 5000 + b"]}",
        b'{"run_ids": NaN}',
        b"",
        b"[]",
        b'"run_ids"',
    ],
    ids=["invalid-utf8", "deep-nesting", "huge-integer", "nan", "empty", "a-list", "a-string"],
)
def test_a_body_that_is_not_a_comparison_is_refused(server: Server, body: bytes) -> None:
    response = compare(server, body)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_input"


def test_more_metric_keys_than_the_limit_are_refused(server: Server, store: Store) -> None:
    ids = [store.runs.first, store.runs.second]
    keys = [f"m{i}" for i in range(1001)]

    refused(compare(server, {"run_ids": ids, "metric_keys": keys}), "metric_keys")


def test_repeated_metric_keys_and_run_ids_count_once(server: Server, store: Store) -> None:
    ids = [store.runs.first, store.runs.second, store.runs.first]

    body = compare(server, {"run_ids": ids, "metric_keys": ["loss", "loss"]}).json()

    assert [r["run_id"] for r in body["runs"]] == ids[:2]
    assert [m["key"] for m in body["metrics"]] == ["loss"]
    assert body["metrics"][0]["total_steps"] == 6
    assert body["omitted_metrics"] == 0
    assert body["max_steps"] == 1000


# -- 5. and 6. what the contract allows ----------------------------------------------------------


@pytest.mark.parametrize("route", ["runs", "experiments"])
@pytest.mark.parametrize(
    "extra",
    [{"token": TOKEN}, {"_xsrf": "2|abc|def|1"}, {"1795377787950": ""}],
    ids=["token", "_xsrf", "cache-busting"],
)
def test_the_servers_own_query_arguments_are_not_the_routes(
    server: Server, route: str, extra: dict
) -> None:
    assert server.get(route, **extra).status_code == 200


def resolved(node: dict) -> dict:
    """``node``, or the component its ``$ref`` names."""
    if "$ref" not in node:
        return node
    found: Any = OPENAPI
    for part in node["$ref"].removeprefix("#/").split("/"):
        found = found[part]
    return found


def documented_query_parameters() -> Iterator[tuple[str, dict]]:
    for path, item in OPENAPI["paths"].items():
        if "{" in path.replace("{run_id}", ""):
            continue  # needs a job definition: test_handlers_schedules.py makes one
        for parameter in map(resolved, item.get("get", {}).get("parameters", [])):
            if parameter["in"] == "query":
                yield path, parameter


def example_path(path: str, store: Store) -> str:
    return path.strip("/").replace("{run_id}", store.runs.first)


#: Query arguments a route needs besides the one tried.
REQUIRED = {
    "/runs/{run_id}/artifacts/content": {"path": "notes-0.txt"},
    "/schedules/preview": {"cron": "0 6 * * *"},
}


@pytest.mark.parametrize(
    ("path", "parameter"),
    list(documented_query_parameters()),
    ids=[f"{path}?{p['name']}" for path, p in documented_query_parameters()],
)
def test_an_empty_query_argument_is_refused_exactly_when_the_spec_refuses_it(
    server: Server, store: Store, path: str, parameter: dict
) -> None:
    # Given a documented query parameter and the spec's verdict on an empty value
    schema = parameter["schema"]
    item = schema.get("items", schema)
    spec_refuses = item.get("type") == "integer" or item.get("minLength", 0) > 0 or "enum" in item

    # When the route is called with it empty
    params = {**REQUIRED.get(path, {}), parameter["name"]: ""}
    response = server.get(example_path(path, store), **params)

    # Then the server agrees with the spec, naming the parameter when it refuses
    if spec_refuses:
        refused(response, parameter["name"])
    else:
        assert response.status_code == 200, response.text


def test_an_empty_order_by_orders_as_the_default(server: Server) -> None:
    default = server.get("runs").json()

    assert server.get("runs", order_by="").json() == default


def test_artifact_content_needs_a_path(server: Server, store: Store) -> None:
    refused(server.get(f"runs/{store.runs.first}/artifacts/content"), "path")
    parameters = OPENAPI["paths"]["/runs/{run_id}/artifacts/content"]["get"]["parameters"]
    path = next(p for p in map(resolved, parameters) if p["name"] == "path")
    assert path["required"] is True
    assert path["schema"]["minLength"] == 1


# -- 7. and 14. run details --------------------------------------------------------------------


def test_a_nan_metric_is_null_where_the_spec_allows_null(server: Server, store: Store) -> None:
    run = server.get(f"runs/{store.odd}").json()
    listed = server.get("runs", notebook="odd.ipynb").json()["runs"][0]
    history = server.get(f"runs/{store.odd}/metrics").json()

    assert run["metrics"] == {"diverged": None, "loss": 0.5}
    assert listed["metrics"]["diverged"] is None
    diverged = next(m for m in history["metrics"] if m["key"] == "diverged")
    assert diverged["values"] == {store.odd: [None]}
    summary = OPENAPI["components"]["schemas"]["RunSummary"]["properties"]["metrics"]
    assert summary["additionalProperties"]["type"] == ["number", "null"]


def test_a_run_carries_its_snapshot_warning(server: Server, store: Store) -> None:
    assert server.get(f"runs/{store.odd}").json()["snapshot_warning"] == WARNING
    assert server.get(f"runs/{store.runs.first}").json()["snapshot_warning"] is None


def test_a_runs_metric_histories_come_from_their_own_route(server: Server, store: Store) -> None:
    body = server.get(f"runs/{store.runs.second}/metrics").json()

    loss = next(m for m in body["metrics"] if m["key"] == "loss")
    assert body["run_id"] == store.runs.second
    assert loss["steps"] == [0, 1, 2, 3, 4, 5]
    assert loss["values"][store.runs.second][0] == pytest.approx(2.0)


# -- 8. 405 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "handler"), ROUTES, ids=[p for p, _ in ROUTES])
def test_a_method_a_route_does_not_serve_answers_405_with_allow(
    server: Server, pattern: str, handler: type
) -> None:
    served = {verb.upper() for verb in VERBS if verb in vars(handler)}
    path = re.sub(r"\([^)]*\)", "sample", pattern).replace("\\", "")
    # Routes beside the API (the endpoints' proxy) are reached from the base URL.
    url = server.api.removesuffix("mlx/api/") + path.lstrip("/")
    headers = {"Authorization": f"token {server.token}"}

    for verb in sorted({v.upper() for v in VERBS} - served):
        body = "{}" if verb != "GET" else None
        response = requests.request(verb, url, data=body, headers=headers, timeout=60)

        assert response.status_code == 405, f"{verb} {pattern}"
        assert set(response.headers["Allow"].split(", ")) == served | {"OPTIONS"}


# -- 9., 10. and 13. artifacts -----------------------------------------------------------------


def test_an_unknown_content_format_is_refused(server: Server, store: Store) -> None:
    response = server.get(
        f"runs/{store.runs.first}/artifacts/content", path="notes-0.txt", format="pdf"
    )

    refused(response, "format")


@pytest.mark.parametrize(
    ("path", "status"),
    [("missing", 404), ("notebook/missing", 404), ("notes.txt", 400), ("passwd", 400)],
)
def test_listing_what_is_not_a_folder_is_refused(
    server: Server, store: Store, path: str, status: int
) -> None:
    refused(server.get(f"runs/{store.odd}/artifacts", path=path), "path", status)


def test_links_out_of_the_artifacts_list_as_links_without_their_targets_facts(
    server: Server, store: Store
) -> None:
    listing = server.get(f"runs/{store.odd}/artifacts").json()
    empty = server.get(f"runs/{store.odd}/artifacts", path="empty").json()

    entries = {entry["path"]: entry for entry in listing["files"]}
    link = {"is_dir": False, "file_size": None, "is_link": True}
    assert entries["passwd"] == {"path": "passwd", **link}
    assert entries["broken"] == {"path": "broken", **link}
    assert entries["inside"] == {
        "path": "inside",
        "is_dir": False,
        "file_size": 10,
        "is_link": False,
    }
    assert entries["empty"]["is_dir"] is True
    assert empty["files"] == []
    assert str(store.outside.stat().st_size) not in json.dumps(listing)


@pytest.mark.parametrize(("path", "status"), [("passwd", 400), ("broken", 400), ("inside", 200)])
def test_a_link_out_of_the_artifacts_cannot_be_opened(
    server: Server, store: Store, path: str, status: int
) -> None:
    response = server.get(f"runs/{store.odd}/artifacts/content", path=path)

    assert response.status_code == status
    if status == 200:
        assert response.content == b"odd notes\n"
    else:
        refused(response, "path")


# -- 12. the log ---------------------------------------------------------------------------------


def test_a_query_argument_name_cannot_forge_a_log_line(server: Server) -> None:
    response = server.get("runs", **{"colour\nFORGED 500 GET /mlx/api/everything": "1"})

    refused(response, "colour\nFORGED 500 GET /mlx/api/everything")
    log = server.log.read_text()
    assert "colour\\nFORGED" in log
    assert not [line for line in log.splitlines() if line.startswith("FORGED")]


# -- 4. and 11. in-process: internal errors and clients that leave ------------------------------


@pytest.fixture
def jp_server_config(mlx_workspace: Path, store: Store) -> dict:
    return mlx_server_config(mlx_workspace, tracking_uri=store.runs.tracking_uri)


@pytest.mark.parametrize(
    "error",
    [MLXError("MLflow said: no such table runs_v9 at /srv/secret"), RuntimeError("/srv/secret")],
    ids=["mlx-error-500", "unexpected"],
)
async def test_an_internal_error_answers_a_generic_body_and_logs_the_details(
    jp_fetch,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
) -> None:
    # Given a run read that fails inside the server
    def fail(self: TrackingService, run_id: str) -> None:
        raise error

    monkeypatch.setattr(TrackingService, "get_run", fail)

    # When the run is asked for
    with pytest.raises(Exception) as caught:
        await jp_fetch("mlx", "api", "runs", store.runs.first)

    # Then the answer says only "internal error"; the log has the details and the traceback
    assert caught.value.code == 500
    body = json.loads(caught.value.response.body)
    assert body == {"message": "internal error", "code": "internal", "field": None}
    logged = [r for r in caplog.records if "internal error" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].levelname == "ERROR"
    assert "/srv/secret" in logged[0].getMessage()
    assert "Traceback (most recent call last)" in logged[0].getMessage()


async def test_a_comparison_whose_client_leaves_is_cancelled(
    jp_fetch,
    jp_auth_header: dict,
    jp_http_port: int,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a comparison that waits until it is cancelled (or 20 s pass)
    seen: list[bool] = []
    started = threading.Event()

    def compare(self: TrackingService, request: Any, cancelled: threading.Event) -> None:
        started.set()
        seen.append(cancelled.wait(20))
        raise Cancelled("The client went away; the work it asked for was stopped.")

    monkeypatch.setattr(TrackingService, "compare", compare)
    await jp_fetch("mlx", "api", "config")  # the server is up

    # When a client posts one and closes its connection once the work has started
    body = json.dumps({"run_ids": [store.runs.first, store.runs.second]}).encode()
    head = (
        f"POST {BASE_URL}mlx/api/runs/compare HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {jp_auth_header['Authorization']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    _, writer = await asyncio.open_connection("127.0.0.1", jp_http_port)
    writer.write(head.encode() + body)
    await writer.drain()
    assert await asyncio.to_thread(started.wait, 20)
    writer.close()
    await writer.wait_closed()

    # Then the work is told at once that nobody waits for its answer, and its end is no error
    deadline = time.monotonic() + 20
    while not seen and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await jp_fetch("mlx", "api", "config")  # the cancelled request has been answered
    assert seen == [True]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
