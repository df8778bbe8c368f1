"""What a scoring process keeps about its requests: the log (memory and rotating file),
per-second metrics, and the admin routes that show them with the state and drift."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from scoringservers import RunningServer, scoring_server, serving_env
from servingregistry import Registry, registry

from jupyter_mlx.serving import monitor
from jupyter_mlx.serving.monitor import Monitor


def test_metrics_are_bucketed_per_second_with_percentiles_and_versions() -> None:
    recorder = Monitor()
    second = int(time.time()) - 10
    recorder.record(second - monitor.METRICS_SECONDS - 5, 1.0, 200, "3", b"{}", b"{}")
    for index in range(100):
        recorder.record(second + 0.2, float(index + 1), 200, "3", b"{}", b"{}")
    recorder.record(second + 1.5, 7.0, 400, "4", b"{}", b"{}")

    buckets = recorder.metrics(since=0)["buckets"]

    # The first request is older than 15 minutes.
    assert buckets == [
        {
            "t": second,
            "requests": 100,
            "errors": 0,
            "p50_ms": 50.0,
            "p95_ms": 95.0,
            "p99_ms": 99.0,
            "versions": {"3": 100},
        },
        {
            "t": second + 1,
            "requests": 1,
            "errors": 1,
            "p50_ms": 7.0,
            "p95_ms": 7.0,
            "p99_ms": 7.0,
            "versions": {"4": 1},
        },
    ]
    assert recorder.metrics(since=second + 1)["buckets"] == buckets[1:]
    assert recorder.metrics()["buckets"] == buckets
    assert (recorder.requests, recorder.errors) == (102, 1)


def test_the_log_is_newest_first_with_samples_cut() -> None:
    recorder = Monitor()
    recorder.record(1000.0, 1.0, 200, "3", b'{"inputs": [[1]]}', b'{"predictions": [0]}')
    recorder.record(1001.0, 2.0, 400, "3", b"a,b\n" + b"1,2\n" * 1000, b'{"error_code": "X"}')

    records = recorder.log(10)["records"]

    assert [r["t"] for r in records] == ["1970-01-01T00:16:41.000Z", "1970-01-01T00:16:40.000Z"]
    assert records[1]["input"] == {"inputs": [[1]]}
    assert records[1]["output"] == {"predictions": [0]}
    assert records[0]["status"] == 400
    assert records[0]["input"].endswith("…")
    assert len(records[0]["input"]) == monitor.SAMPLE_BYTES + 1
    assert recorder.log(1)["records"] == records[:1]


def test_the_log_file_rotates_keeping_three(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitor, "LOG_FILE_BYTES", 1000)
    recorder = Monitor(tmp_path)

    async def write() -> None:
        for second in range(40):
            recorder.record(float(second), 1.0, 200, "1", b'{"inputs": [[1, 2]]}', b"{}")
            await recorder.flush()

    asyncio.run(write())

    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["requests.jsonl", "requests.jsonl.1", "requests.jsonl.2", "requests.jsonl.3"]
    assert all(path.stat().st_size <= 1000 for path in tmp_path.iterdir())
    last = json.loads((tmp_path / "requests.jsonl").read_text().splitlines()[-1])
    assert last["t"] == "1970-01-01T00:00:39.000Z" and last["input"] == {"inputs": [[1, 2]]}


def test_live_rows_keep_the_most_recent() -> None:
    live = monitor.LiveRows(limit=100)
    for _ in range(30):
        live.add([[0.0]] * 10, 10)

    assert 100 <= live.rows < 110
    assert len(live.snapshot()) == live.rows // 10


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with registry(tmp_path_factory.mktemp("monitor")) as made:
        yield made


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("endpoint")


@pytest.fixture(scope="module")
def server(versions: Registry, state_dir: Path) -> Iterator[RunningServer]:
    args = [
        "--model", f"models:/churn/{versions.frame}",
        "--name", "churn",
        "--state-dir", str(state_dir),
        "--batch-window-ms", "1",
        "--max-batch-rows", "64",
    ]  # fmt: skip
    with scoring_server(args, serving_env(versions.tracking_uri)) as running:
        yield running


@pytest.mark.slow
def test_state_says_what_is_served_with_an_example_request(
    server: RunningServer, versions: Registry
) -> None:
    state = httpx.get(f"{server.url}/-/state").json()

    assert state["name"] == "churn"
    assert state["model_uri"] == f"models:/churn/{versions.frame}"
    assert (state["batch_window_ms"], state["max_batch_rows"], state["canary_percent"]) == (
        1,
        64,
        0,
    )
    assert state["reload"] == {
        "interval_s": 5.0,
        "checked_at": None,
        "loading": None,
        "error": None,
        "reloaded_at": None,
    }
    (version,) = state["versions"]
    assert version["role"] == "primary" and version["version"] == versions.frame
    assert version["run_id"] and version["loaded_at"].endswith("Z")
    example = state["example_request"]
    assert example["dataframe_split"]["columns"] == ["a", "b", "c"]
    assert len(example["dataframe_split"]["data"]) == 5
    # The example request is a request the endpoint answers.
    answer = httpx.post(f"{server.url}/invocations", json=example)
    assert answer.status_code == 200 and len(answer.json()["predictions"]) == 5


@pytest.mark.slow
def test_requests_are_logged_in_memory_and_in_the_file(
    server: RunningServer, state_dir: Path
) -> None:
    good = {"dataframe_split": {"columns": ["a", "b", "c"], "data": [[0.9, 0.1, 0.1]]}}
    wrong = {"dataframe_split": {"columns": ["x"], "data": [[1]]}}
    with httpx.Client(timeout=30) as http:
        ok = http.post(f"{server.url}/invocations", json=good)
        bad = http.post(f"{server.url}/invocations", json=wrong)
        records = http.get(f"{server.url}/-/log", params={"limit": 2}).json()["records"]
        now = http.get(f"{server.url}/-/metrics", params={"since": 0}).json()
        state = http.get(f"{server.url}/-/state").json()

    assert (ok.status_code, bad.status_code) == (200, 400)
    assert [r["status"] for r in records] == [400, 200]
    assert records[1]["input"]["dataframe_split"]["data"] == [[0.9, 0.1, 0.1]]
    assert records[1]["output"] == ok.json()
    assert records[0]["output"]["error_code"] == bad.json()["error_code"]
    assert records[0]["latency_ms"] > 0 and records[0]["t"].endswith("Z")
    assert now["interval_s"] == 1
    assert sum(b["errors"] for b in now["buckets"]) >= 1
    assert state["errors"] >= 1 and state["requests"] >= 2
    assert state["versions"][0]["errors"] >= 1
    # Written within a second or so, by a thread.
    log_file = state_dir / "requests.jsonl"
    for _ in range(50):
        if log_file.exists() and len(log_file.read_text().splitlines()) >= state["requests"]:
            break
        asyncio.run(asyncio.sleep(0.1))
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert lines[-1] == records[0]


@pytest.mark.slow
def test_drift_of_live_inputs_is_reported(server: RunningServer) -> None:
    with httpx.Client(timeout=30) as http:
        example = http.get(f"{server.url}/-/state").json()["example_request"]
        shifted = {
            "dataframe_split": {
                "columns": example["dataframe_split"]["columns"],
                "data": [
                    [value + 5 for value in row] for row in example["dataframe_split"]["data"]
                ],
            }
        }
        for _ in range(12):
            http.post(f"{server.url}/invocations", json=shifted)
        answer = http.get(f"{server.url}/-/drift").json()

    assert answer["threshold"] == 0.2 and answer["reference"] == "input_example"
    assert answer["reference_rows"] == 5 and answer["live_rows"] >= 60
    assert answer["drifted"] is True and answer["message"] is None
    assert [f["name"] for f in answer["features"]] == ["a", "b", "c"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "/-/state", 405),
        ("GET", "/-/reload", 405),
        ("GET", "/-/config", 405),
        ("GET", "/-/nothing", 404),
        ("GET", "/-/metrics?since=soon", 400),
        ("GET", "/-/log?limit=many", 400),
    ],
)
def test_admin_routes_refuse_what_they_do_not_take(
    server: RunningServer, method: str, path: str, status: int
) -> None:
    assert httpx.request(method, f"{server.url}{path}").status_code == status
