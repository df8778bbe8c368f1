"""/mlx/api/experiments and /mlx/api/runs on a real MLflow store in the workspace."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import mlx_server_config
from mlflow_data import SeededRuns, seed_runs
from tornado.httpclient import HTTPClientError


@pytest.fixture
def runs(mlx_workspace: Path) -> SeededRuns:
    return seed_runs(mlx_workspace)


async def get_json(jp_fetch, *parts: str, params: dict | list | None = None) -> dict:
    response = await jp_fetch("mlx", "api", *parts, params=params)
    return json.loads(response.body)


async def error_of(jp_fetch, *parts: str, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("mlx", "api", *parts, **kwargs)
    return caught.value.code, json.loads(caught.value.response.body)


async def test_experiments_lists_the_workspace_experiments(jp_fetch, runs: SeededRuns) -> None:
    body = await get_json(jp_fetch, "experiments")

    names = [e["name"] for e in body["experiments"]]
    assert "train.ipynb" in names
    assert body["next_page_token"] is None


async def test_runs_of_a_notebook_newest_first_with_params_and_last_metrics(
    jp_fetch, runs: SeededRuns
) -> None:
    body = await get_json(jp_fetch, "runs", params={"notebook": "train.ipynb"})

    assert [r["run_id"] for r in body["runs"]] == [runs.second, runs.first]
    newest = body["runs"][0]
    assert newest["notebook"] == "train.ipynb"
    assert newest["status"] == "FINISHED"
    assert newest["params"] == {"lr": "0.01", "epochs": "6"}
    assert newest["metrics"]["loss"] == pytest.approx(1.0 / 6 + 1)
    assert newest["tags"]["mlflow.source.type"] == "NOTEBOOK"


async def test_runs_page_through_with_a_token(jp_fetch, runs: SeededRuns) -> None:
    first = await get_json(jp_fetch, "runs", params={"notebook": "train.ipynb", "max_results": 1})
    second = await get_json(
        jp_fetch,
        "runs",
        params={
            "notebook": "train.ipynb",
            "max_results": 1,
            "page_token": first["next_page_token"],
        },
    )

    assert [r["run_id"] for r in first["runs"]] == [runs.second]
    assert [r["run_id"] for r in second["runs"]] == [runs.first]
    assert second["next_page_token"] is None


async def test_runs_ignore_jupyterlabs_cache_busting_timestamp(jp_fetch, runs: SeededRuns) -> None:
    body = await get_json(jp_fetch, "runs", params={"notebook": "train.ipynb", "1795377787950": ""})

    assert len(body["runs"]) == 2


async def test_runs_filter_and_repeated_order_by(jp_fetch, runs: SeededRuns) -> None:
    filtered = await get_json(
        jp_fetch, "runs", params={"notebook": "train.ipynb", "filter": "params.lr = '0.1'"}
    )
    ordered = await get_json(
        jp_fetch,
        "runs",
        params=[("order_by", "metrics.accuracy DESC"), ("order_by", "attributes.run_name ASC")],
    )

    assert [r["run_id"] for r in filtered["runs"]] == [runs.first]
    assert [r["run_id"] for r in ordered["runs"]] == [runs.other_notebook, runs.second, runs.first]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filter": "metrics.loss <<< 1"}, "filter"),
        ({"order_by": "nonsense DESCENDING"}, "order_by"),
        ({"max_results": "0"}, "max_results"),
        ({"max_results": "many"}, "max_results"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_runs_rejects_malformed_queries_naming_the_field(
    jp_fetch, runs: SeededRuns, params: dict, field: str
) -> None:
    code, body = await error_of(jp_fetch, "runs", params=params)

    assert code == 400
    assert body["field"] == field
    assert body["code"] == "invalid_input"
    assert field in body["message"]


async def test_run_detail_links_notebook_snapshot_and_environment(
    jp_fetch, runs: SeededRuns
) -> None:
    body = await get_json(jp_fetch, "runs", runs.first)

    assert body["run_id"] == runs.first
    assert body["metric_keys"] == ["accuracy", "loss"]
    assert body["notebook_snapshot"] == "notebook/train.ipynb"
    assert body["environment"] == {"name": "base", "lock_sha256": "ab" * 32}
    assert body["job"] is None
    assert body["artifact_uri"].endswith("/artifacts")


async def test_unknown_run_is_404(jp_fetch, runs: SeededRuns) -> None:
    code, body = await error_of(jp_fetch, "runs", "0" * 32)

    assert code == 404
    assert body["code"] == "not_found"


async def test_artifacts_list_folders_and_files(jp_fetch, runs: SeededRuns) -> None:
    root = await get_json(jp_fetch, "runs", runs.first, "artifacts")
    folder = await get_json(jp_fetch, "runs", runs.first, "artifacts", params={"path": "notebook"})

    assert {(f["path"], f["is_dir"]) for f in root["files"]} == {
        ("notebook", True),
        ("notes-0.txt", False),
    }
    assert [f["path"] for f in folder["files"]] == ["notebook/train.ipynb"]


async def test_artifact_content_is_served_sandboxed(jp_fetch, runs: SeededRuns) -> None:
    response = await jp_fetch(
        "mlx", "api", "runs", runs.first, "artifacts", "content", params={"path": "notes-0.txt"}
    )

    assert response.body == b"notes of run 0\n"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Content-Security-Policy"] == "sandbox allow-scripts"


async def test_notebook_snapshot_renders_as_html(jp_fetch, runs: SeededRuns) -> None:
    response = await jp_fetch(
        "mlx",
        "api",
        "runs",
        runs.second,
        "artifacts",
        "content",
        params={"path": "notebook/train.ipynb", "format": "html"},
    )

    html = response.body.decode()
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<span class=\"s1\">'run 1'</span>" in html  # the cell's source, highlighted
    assert "<pre>hello\n</pre>" in html  # and its stored output


@pytest.mark.parametrize(
    ("path", "code", "field"),
    [("../../etc/passwd", 400, "path"), ("notebook", 400, "path"), ("missing.txt", 404, "path")],
)
async def test_artifact_content_refuses_bad_paths(
    jp_fetch, runs: SeededRuns, path: str, code: int, field: str
) -> None:
    status, body = await error_of(
        jp_fetch, "runs", runs.first, "artifacts", "content", params={"path": path}
    )

    assert (status, body["field"]) == (code, field)


async def test_compare_aligns_histories_on_the_union_of_steps(jp_fetch, runs: SeededRuns) -> None:
    response = await jp_fetch(
        "mlx",
        "api",
        "runs",
        "compare",
        method="POST",
        body=json.dumps({"run_ids": [runs.first, runs.second]}),
    )
    body = json.loads(response.body)

    loss = next(m for m in body["metrics"] if m["key"] == "loss")
    assert loss["steps"] == [0, 1, 2, 3, 4, 5]
    assert loss["values"][runs.first][-1] is None
    assert loss["values"][runs.second][0] == pytest.approx(2.0)
    assert [m["key"] for m in body["metrics"]] == ["accuracy", "loss"]
    lr = next(p for p in body["params"] if p["key"] == "lr")
    assert lr == {"key": "lr", "values": {runs.first: "0.1", runs.second: "0.01"}, "differs": True}


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"run_ids": []}, 400, "run_ids"),
        ({"runs": ["x"]}, 400, "run_ids"),
        ({"run_ids": ["0" * 32, "1" * 32]}, 404, "run_ids"),
    ],
)
async def test_compare_rejects_bad_requests(
    jp_fetch, runs: SeededRuns, body: dict, code: int, field: str
) -> None:
    status, error = await error_of(
        jp_fetch, "runs", "compare", method="POST", body=json.dumps(body)
    )

    assert (status, error["field"]) == (code, field)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: Longest a request may take to say that the tracking server is not answering.
ANSWER_WITHIN_S = 5.0


async def unavailable_within_bound(jp_fetch) -> dict:
    """GET /runs of a notebook; assert 503 in time and return the error body."""
    started = time.monotonic()
    code, body = await error_of(
        jp_fetch, "runs", params={"notebook": "train.ipynb"}, request_timeout=30
    )
    elapsed = time.monotonic() - started

    assert code == 503
    assert body["code"] == "unavailable"
    assert elapsed < ANSWER_WITHIN_S
    return body


class TestUnreachableTrackingServer:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path) -> dict:
        return mlx_server_config(
            mlx_workspace, tracking_uri=f"http://ann:pw@127.0.0.1:{closed_port()}"
        )

    async def test_runs_answer_503_naming_the_tracking_uri(self, jp_fetch) -> None:
        body = await unavailable_within_bound(jp_fetch)

        assert "http://ann:***@127.0.0.1:" in body["message"]
        assert "pw" not in body["message"]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port where connections are accepted (by the kernel's backlog) and never answered."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


class TestSilentTrackingServer:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path, silent_port: int) -> dict:
        return mlx_server_config(mlx_workspace, tracking_uri=f"http://127.0.0.1:{silent_port}")

    async def test_runs_answer_503_in_seconds(self, jp_fetch, silent_port: int) -> None:
        body = await unavailable_within_bound(jp_fetch)

        assert f"127.0.0.1:{silent_port}" in body["message"]


@pytest.fixture
def hanging_api_port() -> Iterator[int]:
    """An HTTP server whose /health answers at once and whose MLflow API never answers."""
    released = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/health"):
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")
            else:
                released.wait(60)

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    released.set()
    server.shutdown()
    server.server_close()


class TestTrackingServerThatNeverAnswersItsAPI:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path, hanging_api_port: int) -> dict:
        return mlx_server_config(mlx_workspace, tracking_uri=f"http://127.0.0.1:{hanging_api_port}")

    async def test_runs_answer_503_once_mlflows_bounded_request_times_out(self, jp_fetch) -> None:
        body = await unavailable_within_bound(jp_fetch)

        assert "Read timed out" in body["message"]
