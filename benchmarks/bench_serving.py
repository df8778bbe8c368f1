"""Serving: the scoring server against ``mlflow models serve``, loaded by ``wrk`` on loopback.

One temporary MLflow store holds the example notebook's torch model (``examples/
train_classifier.ipynb``: an MLP on the 13 wine features answering 3 class probabilities, a
float32 tensor signature), logged as the notebook logs it (:func:`torchmodel.log_torch_model`).
The same URI is served one server at a time, each in its own process on 127.0.0.1:

1. *mlflow*: ``mlflow models serve --env-manager local`` (FastAPI on uvicorn, one worker);
2. *ours*: ``python -m jupyter_mlx.serving`` (what ``jupyter mlx serve`` and an endpoint run)
   at each ``--windows`` batch window (ms; 0: no batching);
3. *bare ASGI* (a ceiling): a raw ASGI app on uvicorn with uvloop and httptools that reads the
   body and answers fixed predictions of the same size, no model.

Debian's ``wrk`` (installed with apt-get when missing and this runs as root) loads each for
``--duration`` seconds per point: single-row ``inputs`` at 1, 8 and 32 connections and a
single-row ``dataframe_split`` at 32, one wrk thread. Reported: requests/s, p50, p99, non-2xx
answers, and ours / mlflow ratios. The second ceiling, the *in-process batched predict rate*, is
rows/s of the server's predict path (MLflow's pyfunc ``predict``, schema enforcement included)
on 32-row and 1-row arrays, in this process.

Each point also reports the server's CPU time a request (its processes' CPU seconds over the
requests wrk completed), which a busy machine changes less than requests/s. ``--threads N`` runs
ours with ``OMP_NUM_THREADS=N`` (torch's intra-op threads; mlflow keeps its defaults). It prints
the table (markdown) and the JSON report on stdout, and writes the plot.

Usage::

    python benchmarks/bench_serving.py [--duration 10] [--windows 0,5] [--threads N]
        [--plot docs/img/bench-serving.png] [--json FILE]
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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))

from torchmodel import log_torch_model  # noqa: E402

#: A standardised wine (the features of the notebook's first test row, rounded).
ROW = [0.9, -0.6, 0.2, -0.7, 1.9, 0.8, 1.0, -0.6, 0.5, 0.2, 0.6, 0.4, 1.0]
PAYLOADS = {
    "inputs": {"inputs": [ROW]},
    "dataframe_split": {
        "dataframe_split": {"columns": [f"f{i}" for i in range(len(ROW))], "data": [ROW]}
    },
}
#: What the bare app answers: one row of 3 probabilities, as the model's answer.
BARE_ANSWER = b'{"predictions":[[0.012345678,0.23456789,0.75308645]]}'
#: (payload, connections) points of each server.
POINTS = [("inputs", 1), ("inputs", 8), ("inputs", 32), ("dataframe_split", 32)]
READY_TIMEOUT_S = 120.0
#: The point the target is set at, and the server the ratios are against.
TARGET_POINT = ("inputs", 32)
ANCHOR = "mlflow"
BARE = "bare ASGI (no model)"


def bare_app() -> Any:
    """The ceiling: an ASGI app answering every request like a scoring server, without a model."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BARE_ANSWER)).encode()),
    ]

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": BARE_ANSWER})

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
            raise RuntimeError(f"{process.args!r} exited {process.returncode}")
        try:
            if requests.get(url + "/ping", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not ready after {READY_TIMEOUT_S:g} s")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_s(self) -> float:
        """CPU seconds the server's processes (it and its children) have used."""
        import psutil

        process = psutil.Process(self.pid)
        total = 0.0
        for member in (process, *process.children(recursive=True)):
            try:
                times = member.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total


@contextmanager
def running(argv: list[str], port: int, env: dict[str, str]) -> Iterator[Server]:
    """A server process (its own process group) until the block ends."""
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield Server(url, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load(
    wrk: str, server: Server, payload: str, connections: int, duration: float, folder: Path
) -> dict:
    """One wrk run: requests/s, p50 and p99 in ms, non-2xx answers and socket errors, and the
    server's CPU time a request (ms; what a busy machine changes least)."""
    script = folder / f"{payload}.lua"
    body = json.dumps(PAYLOADS[payload])
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    argv = [wrk, "-t1", f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(script)]
    cpu_before = server.cpu_s()
    out = subprocess.run(
        [*argv, server.url + "/invocations"], capture_output=True, text=True, check=True
    ).stdout
    cpu_s = server.cpu_s() - cpu_before
    done = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "payload": payload,
        "connections": connections,
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),  # type: ignore[union-attr]
        "p50_ms": latency(out, "50%"),
        "p99_ms": latency(out, "99%"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else None,
        "cpu_ms_per_request": round(1000 * cpu_s / max(1, int(done.group(1)) if done else 1), 3),
    }


def latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)


def predict_ceiling(model_uri: str, seconds: float, threads: int | None) -> dict[str, float]:
    """Rows/s of the scoring server's predict path in this process, on 32-row and 1-row
    arrays (MLflow's pyfunc ``predict`` with its schema enforcement, as the server calls it)."""
    import mlflow.pyfunc
    import numpy as np

    from jupyter_mlx.serving.protocol import ModelSignature, predict

    model = mlflow.pyfunc.load_model(model_uri)
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    signature = ModelSignature.of(model)
    rates = {}
    for rows in (32, 1):
        data = np.tile(np.array([ROW], dtype=np.float32), (rows, 1))
        predict(model, signature, data, None)
        calls, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds:
            predict(model, signature, data, None)
            calls += 1
        rates[f"rows_per_s_batch_{rows}"] = round(calls * rows / (time.perf_counter() - began), 1)
    return rates


def measure(
    wrk: str, duration: float, windows: list[float], folder: Path, threads: int | None = None
) -> dict[str, Any]:
    tracking_uri = f"sqlite:///{folder / 'mlflow.db'}"
    model_uri = log_torch_model(tracking_uri).model_uri
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}
    env["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    env["PYTHONWARNINGS"] = "ignore"
    # Each server on a port of its own: a stopped server's children may still hold the last.
    servers: dict[str, list[str]] = {
        ANCHOR: [
            *("mlflow", "models", "serve", "-m", model_uri, "--env-manager", "local"),
            *("--host", "127.0.0.1", "-p", "{port}"),
        ]
    }
    for window in windows:
        servers[ours(window, threads)] = [
            *(sys.executable, "-m", "jupyter_mlx.serving", "--model", model_uri),
            *("--port", "{port}", "--batch-window-ms", str(window)),
        ]
    results: dict[str, Any] = {}
    for name, argv in servers.items():
        server_env = env
        if threads is not None and name != ANCHOR:
            server_env = env | {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
        port = free_port()
        with running([a.format(port=port) for a in argv], port, server_env) as server:
            load(wrk, server, "inputs", 8, min(duration, 2), folder)  # warm-up
            results[name] = [load(wrk, server, p, c, duration, folder) for p, c in POINTS]
        print(json.dumps({name: results[name]}), file=sys.stderr, flush=True)
    port = free_port()
    bare = [sys.executable, __file__, "--bare-app", str(port)]
    with running(bare, port, env) as server:
        load(wrk, server, "inputs", 8, min(duration, 2), folder)  # warm-up
        results[BARE] = [load(wrk, server, *TARGET_POINT, duration, folder)]
    os.environ["MLFLOW_TRACKING_URI"] = tracking_uri
    return {
        "model_uri": model_uri,
        "servers": results,
        "in_process_predict": predict_ceiling(model_uri, min(duration, 5), threads),
    }


def ours(window: float, threads: int | None = None) -> str:
    if threads is None:
        return f"ours (window {window:g} ms)"
    return f"ours (window {window:g} ms, {threads} torch thread{'s' * (threads > 1)})"


def ratios(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Ours / mlflow for each point: requests/s, p50 and p99 (below 1 is better for latency)."""
    anchor = results[ANCHOR]
    shown = {}
    for name, points in results.items():
        if not name.startswith("ours"):
            continue
        for mine, theirs in zip(points, anchor, strict=True):
            key = f"{name}: {mine['payload']} @ {mine['connections']}"
            shown[key] = {
                "rps": round(mine["rps"] / theirs["rps"], 2),
                "p50": round(mine["p50_ms"] / theirs["p50_ms"], 2),
                "p99": round(mine["p99_ms"] / theirs["p99_ms"], 2),
            }
    return shown


def ceilings(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """How close each of ours gets, at ``inputs`` @ 32, to the bare app's requests/s and to
    the in-process predict rate of 32-row calls (rows/s; one row a request)."""
    bare = report["servers"][BARE][0]["rps"]
    rows = report["in_process_predict"]["rows_per_s_batch_32"]
    index = POINTS.index(TARGET_POINT)
    return {
        name: {
            "of_bare_asgi": round(points[index]["rps"] / bare, 2),
            "of_batched_predict": round(points[index]["rps"] / rows, 2),
        }
        for name, points in report["servers"].items()
        if name.startswith("ours")
    }


def table(report: dict[str, Any]) -> str:
    """The results as a markdown table: one row per point, one column per server."""
    servers = {k: v for k, v in report["servers"].items() if len(v) == len(POINTS)}
    names = list(servers)
    lines = [
        "| load | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for index, (payload, connections) in enumerate(POINTS):
        cells = []
        anchor = servers[ANCHOR][index]
        for name in names:
            point = servers[name][index]
            cell = (
                f"{point['rps']:,.0f} req/s, p50 {point['p50_ms']:g} ms, p99 {point['p99_ms']:g} ms"
            )
            if name != ANCHOR:
                cell += (
                    f" (**{point['rps'] / anchor['rps']:.1f}x**, "
                    f"p99 {point['p99_ms'] / anchor['p99_ms']:.2f}x)"
                )
            if point["non_2xx"] or point["socket_errors"]:
                cell += f", failed {point['non_2xx']} {point['socket_errors'] or ''}".rstrip()
            cells.append(cell)
        lines.append(f"| `{payload}`, 1 row, {connections} conn. | " + " | ".join(cells) + " |")
    bare = report["servers"][BARE][0]
    predict = report["in_process_predict"]
    lines.append("")
    lines.append(
        f"Ceilings: bare ASGI {bare['rps']:,.0f} req/s (p50 {bare['p50_ms']:g} ms, p99 "
        f"{bare['p99_ms']:g} ms, CPU {bare['cpu_ms_per_request']:g} ms/req) at "
        f"{TARGET_POINT[1]} connections; in-process predict "
        f"{predict['rows_per_s_batch_32']:,.0f} rows/s in 32-row calls, "
        f"{predict['rows_per_s_batch_1']:,.0f} in 1-row calls."
    )
    for name, shares in report["ceilings"].items():
        lines.append(
            f"{name} at `inputs` @ {TARGET_POINT[1]}: {shares['of_bare_asgi']:.0%} of the bare "
            f"ASGI ceiling, {shares['of_batched_predict']:.0%} of the batched predict rate."
        )
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    servers = {k: v for k, v in report["servers"].items() if len(v) == len(POINTS)}
    labels = [f"{payload}\n@{connections}" for payload, connections in POINTS]
    fig, (rps_axis, p99_axis) = plt.subplots(1, 2, figsize=(12, 4.2))
    width = 0.8 / len(servers)
    for index, (name, points) in enumerate(servers.items()):
        xs = [i + index * width for i in range(len(POINTS))]
        rps_axis.bar(xs, [p["rps"] for p in points], width, label=name)
        p99_axis.bar(xs, [p["p99_ms"] for p in points], width, label=name)
    bare = report["servers"][BARE][0]["rps"]
    rps_axis.axhline(bare, color="grey", linestyle="--", label="bare ASGI ceiling (inputs @32)")
    p99_axis.set_yscale("log")
    for axis, title in ((rps_axis, "requests/s (higher is better)"), (p99_axis, "p99 ms (log)")):
        axis.set_xticks([i + 0.4 - width / 2 for i in range(len(POINTS))], labels)
        axis.set_title(title)
    rps_axis.legend(fontsize=7)
    fig.suptitle("Scoring server vs mlflow models serve (wrk, loopback, the example's torch model)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
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
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per point")
    parser.add_argument("--windows", default="0,5", help="batch windows of ours, ms (0,5)")
    parser.add_argument(
        "--plot",
        type=Path,
        default=HERE.parent / "docs" / "img" / "bench-serving.png",
        help="write the chart here",
    )
    parser.add_argument("--json", type=Path, help="also write the JSON report here")
    parser.add_argument(
        "--threads",
        type=int,
        help="run ours with OMP_NUM_THREADS=N (torch's intra-op threads); default: as shipped",
    )
    parser.add_argument("--bare-app", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_app:
        serve_bare(args.bare_app)
        return
    wrk = ensure_wrk()
    windows = [float(value) for value in args.windows.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        report = measure(wrk, args.duration, windows, Path(folder), args.threads)
    report["ratios"] = ratios(report["servers"])
    report["ceilings"] = ceilings(report)
    report["machine"] = {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "wrk": subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split()[1],
        "duration_s": args.duration,
    }
    print(table(report))
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    plot(report, args.plot)


if __name__ == "__main__":
    main()
