"""Serving: the scoring server against ``mlflow models serve``, loaded by ``wrk`` on loopback.

One temporary MLflow store holds a run with a small scikit-learn model (LogisticRegression on 3
features, tensor signature; :func:`modelruns.log_model_run`). The same ``runs:/`` URI is served
one server at a time, each in its own process on 127.0.0.1:

1. *mlflow*: ``mlflow models serve --env-manager local`` (FastAPI on uvicorn, one worker);
2. *ours*: ``python -m jupyter_mlx.serving`` at each ``--windows`` batch window (ms; 0: no
   batching);
3. *bare ASGI* (a ceiling): a raw ASGI app on uvicorn with uvloop and httptools that reads the
   body and answers a fixed ``{"predictions": [0]}``, no model.

Debian's ``wrk`` (installed with apt-get when missing and this runs as root) loads each for
``--duration`` seconds per point: single-row ``inputs`` at 1, 8 and 32 connections and a
single-row ``dataframe_split`` at 32, one wrk thread. Reported: requests/s, p50, p99, non-2xx
answers, and ours / mlflow ratios. The second ceiling, the *in-process batched predict rate*, is
rows/s of ``model.predict`` on 32-row batches through the same predict path, in this process.

Usage::

    python benchmarks/bench_serving.py [--duration 10] [--windows 0,2] [--plot FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))

from modelruns import log_model_run  # noqa: E402

ROW = [0.1, 0.2, 0.3]
PAYLOADS = {
    "inputs": {"inputs": [ROW]},
    "dataframe_split": {"dataframe_split": {"columns": ["0", "1", "2"], "data": [ROW]}},
}
#: (payload, connections) points of each server.
POINTS = [("inputs", 1), ("inputs", 8), ("inputs", 32), ("dataframe_split", 32)]
READY_TIMEOUT_S = 120.0


def bare_app() -> Any:
    """The ceiling: an ASGI app answering every request like a scoring server, without a model."""
    answer = b'{"predictions":[0]}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"19")]

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})

    return app


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get when missing and allowed; else exit."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("wrk is not installed and cannot be installed here: `apt-get install wrk`, then rerun")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    import requests

    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited {process.returncode}")
        try:
            if requests.get(url + "/ping", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {READY_TIMEOUT_S:g} s")


@contextmanager
def running(argv: list[str], port: int, env: dict[str, str]) -> Iterator[str]:
    """A server process (its own process group) until the block ends; its URL."""
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load(wrk: str, url: str, payload: str, connections: int, duration: int, folder: Path) -> dict:
    """One wrk run: requests/s, p50 and p99 in ms, non-2xx answers."""
    script = folder / f"{payload}.lua"
    body = json.dumps(PAYLOADS[payload])
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    argv = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    out = subprocess.run(
        [*argv, url + "/invocations"], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "payload": payload,
        "connections": connections,
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),  # type: ignore[union-attr]
        "p50_ms": latency(out, "50%"),
        "p99_ms": latency(out, "99%"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)


def predict_ceiling(model_uri: str, seconds: float = 3.0) -> dict[str, float]:
    """Rows/s of the scoring server's predict path in this process, on 32-row and 1-row inputs."""
    import mlflow.pyfunc
    import numpy as np

    from jupyter_mlx.serving.protocol import ModelSignature, predict

    model = mlflow.pyfunc.load_model(model_uri)
    signature = ModelSignature.of(model)
    rates = {}
    for rows in (32, 1):
        data = np.tile(np.array([ROW]), (rows, 1))
        predict(model, signature, data, None)
        calls, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds:
            predict(model, signature, data, None)
            calls += 1
        rates[f"rows_per_s_batch_{rows}"] = round(calls * rows / (time.perf_counter() - began), 1)
    return rates


def measure(wrk: str, duration: int, windows: list[float], folder: Path) -> dict[str, Any]:
    tracking_uri = f"sqlite:///{folder / 'mlflow.db'}"
    model_uri = f"runs:/{log_model_run(tracking_uri)}/model"
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}
    env["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    servers: dict[str, list[str]] = {}
    port = free_port()
    servers["mlflow"] = [
        *("mlflow", "models", "serve", "-m", model_uri, "--env-manager", "local"),
        *("--host", "127.0.0.1", "-p", str(port)),
    ]
    for window in windows:
        servers[f"ours (window {window:g} ms)"] = [
            *(sys.executable, "-m", "jupyter_mlx.serving", "--model", model_uri),
            *("--port", str(port), "--batch-window-ms", str(window)),
        ]
    results: dict[str, Any] = {}
    for name, argv in servers.items():
        with running(argv, port, env) as url:
            load(wrk, url, "inputs", 8, 2, folder)  # warm-up
            results[name] = [load(wrk, url, p, c, duration, folder) for p, c in POINTS]
        print(json.dumps({name: results[name]}), file=sys.stderr, flush=True)
    bare = [sys.executable, __file__, "--bare-app", str(port)]
    with running(bare, port, env) as url:
        results["bare ASGI (no model)"] = [load(wrk, url, "inputs", 32, duration, folder)]
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    return {"servers": results, "in_process_predict": predict_ceiling(model_uri)}


def ratios(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Ours / mlflow for each point: requests/s, p50 and p99 (below 1 is better for latency)."""
    anchor = results["mlflow"]
    shown = {}
    for name, points in results.items():
        if not name.startswith("ours"):
            continue
        for ours, theirs in zip(points, anchor, strict=True):
            key = f"{name}: {ours['payload']} @ {ours['connections']}"
            shown[key] = {
                "rps": round(ours["rps"] / theirs["rps"], 2),
                "p50": round(ours["p50_ms"] / theirs["p50_ms"], 2),
                "p99": round(ours["p99_ms"] / theirs["p99_ms"], 2),
            }
    return shown


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    servers = {k: v for k, v in report["servers"].items() if len(v) == len(POINTS)}
    labels = [f"{payload}\n@{connections}" for payload, connections in POINTS]
    fig, (rps_axis, p99_axis) = plt.subplots(1, 2, figsize=(12, 4))
    width = 0.8 / len(servers)
    for index, (name, points) in enumerate(servers.items()):
        xs = [i + index * width for i in range(len(POINTS))]
        rps_axis.bar(xs, [p["rps"] for p in points], width, label=name)
        p99_axis.bar(xs, [p["p99_ms"] for p in points], width, label=name)
    bare = report["servers"]["bare ASGI (no model)"][0]["rps"]
    rps_axis.axhline(bare, color="grey", linestyle="--", label="bare ASGI ceiling (inputs @32)")
    for axis, title in ((rps_axis, "requests/s (higher is better)"), (p99_axis, "p99 ms")):
        axis.set_xticks([i + 0.4 - width / 2 for i in range(len(POINTS))], labels)
        axis.set_title(title)
    rps_axis.legend(fontsize=7)
    fig.suptitle("Scoring server vs mlflow models serve (wrk, loopback, small sklearn model)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}", file=sys.stderr)


def serve_bare(port: int) -> None:
    import uvicorn

    uvicorn.run(
        bare_app(),
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per point")
    parser.add_argument("--windows", default="2", help="batch windows of ours, ms (0,2)")
    parser.add_argument("--plot", type=Path, help="write a chart of the results here")
    parser.add_argument("--bare-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_app:
        serve_bare(args.bare_app)
        return
    wrk = ensure_wrk()
    windows = [float(value) for value in args.windows.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        report = measure(wrk, args.duration, windows, Path(folder))
    report["ratios"] = ratios(report["servers"])
    report["machine"] = {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "wrk": subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split()[1],
        "duration_s": args.duration,
    }
    print(json.dumps(report, indent=2))
    if args.plot:
        plot(report, args.plot)


if __name__ == "__main__":
    main()
