"""Cheap routes under a flood of heavy reads: do status checks stay fast?

200 clients keep ``GET /mlx/api/runs`` (a page of 50 runs of a notebook, store of 10,000 runs)
in flight for ``--seconds`` from one process, while a probe in another asks ``GET /api/status``
(Jupyter's own) and ``GET /mlx/api/config`` (jupyter-mlx's status) ten times a second.
Servers measured:

- ``bounded``: the defaults; heavy reads run in a pool sized for the machine with a queue of
  64, beyond which they answer 503 with ``Retry-After``; status work has a pool of its own.
- ``unbounded``: 6 threads and a queue of 100,000, which is what the event loop's default
  pool gave every request before (on 2 cores, ``min(32, cores + 4)`` threads, no limit).
- ``anchor`` (with ``--anchor DIR``): the jupyter_mlx of another source tree, e.g. a
  ``git worktree`` of the commit before the bounded pools, on its defaults.

Goals (bounded): ``/api/status`` p99 < 50 ms and ``/mlx/api/config`` p99 < 100 ms.

Usage::

    python benchmarks/bench_runtime.py [--data benchmarks/.data] [--seconds 20] [--plot FILE]
        [--anchor DIR]

The store is the one ``bench_tracking.py`` builds (built here if missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import time
from collections import Counter
from multiprocessing import Process, Queue
from pathlib import Path

import requests
from bench_tracking import TOKEN, build_store, free_port, start_jupyter_server
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

CLIENTS = 200
PROBE_INTERVAL_S = 0.1
SERVERS = {
    "bounded": [],
    "unbounded": ["--MLXApp.blocking_workers=6", "--MLXApp.blocking_queue=100000"],
}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


async def flood(base: str, seconds: float) -> dict[int, int]:
    """Keep ``CLIENTS`` run searches in flight for ``seconds``; count the answers by status."""
    client = AsyncHTTPClient(max_clients=CLIENTS)
    headers = {"Authorization": f"token {TOKEN}"}
    deadline = time.monotonic() + seconds
    codes: Counter[int] = Counter()
    search = f"{base}/mlx/api/runs?notebook=project/notebook-0.ipynb&max_results=50"

    async def searcher() -> None:
        while time.monotonic() < deadline:
            try:
                await client.fetch(search, headers=headers, request_timeout=120)
                codes[200] += 1
            except HTTPClientError as exc:
                codes[exc.code] += 1
                retry = exc.response.headers.get("Retry-After", "0") if exc.response else "0"
                await asyncio.sleep(float(retry))  # as the front-end and any polite client do

    await asyncio.gather(*(searcher() for _ in range(CLIENTS)))
    client.close()
    return dict(sorted(codes.items()))


def flood_in_child(base: str, seconds: float, answers: Queue) -> None:
    answers.put(asyncio.run(flood(base, seconds)))


def probe(base: str, seconds: float) -> dict[str, dict[str, float]]:
    """Time the status routes ten times a second, from a process of their own.

    The flood runs in another process, so a stall of its event loop is not counted here.
    """
    headers = {"Authorization": f"token {TOKEN}"}
    samples: dict[str, list[float]] = {"/api/status": [], "/mlx/api/config": []}
    deadline = time.monotonic() + seconds
    with requests.Session() as session:
        while time.monotonic() < deadline:
            for path, times in samples.items():
                began = time.perf_counter()
                session.get(base + path, headers=headers, timeout=30)
                times.append((time.perf_counter() - began) * 1000)
            time.sleep(PROBE_INTERVAL_S)
    return {
        path: {"p50_ms": percentile(t, 0.5), "p99_ms": percentile(t, 0.99), "n": len(t)}
        for path, t in samples.items()
    }


def measure(
    root: Path, name: str, extra: list[str], seconds: float, source: Path | None = None
) -> dict[str, object]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(source)} if source else dict(os.environ)
    server = start_jupyter_server(root, port, root / f"jupyter-{name}.log", env, *extra)
    base = f"http://127.0.0.1:{port}"
    # One search first: a user's panel loads MLflow long before any crowd arrives.
    requests.get(f"{base}/mlx/api/runs", headers={"Authorization": f"token {TOKEN}"}, timeout=120)
    time.sleep(1)
    answers: Queue = Queue()
    flooder = Process(target=flood_in_child, args=(base, seconds, answers))
    try:
        flooder.start()
        time.sleep(1)  # let the flood build up first
        latencies = probe(base, seconds - 2)
        codes = answers.get(timeout=seconds + 120)
        flooder.join(30)
        return {
            "searches": codes,
            "searches_ok_per_s": round(codes.get(200, 0) / seconds, 1),
            **latencies,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def plot(results: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    routes = ["/api/status", "/mlx/api/config"]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / len(results)
    for offset, (name, result) in enumerate(results.items()):
        values = [result[route]["p99_ms"] for route in routes]
        bars = ax.bar([i + offset * width for i in range(len(routes))], values, width, label=name)
        ax.bar_label(bars, fmt="%.0f ms", fontsize=8)
    ax.set_xticks([i + width * (len(results) - 1) / 2 for i in range(len(routes))], routes)
    ax.axhline(50, color="grey", linewidth=0.8, linestyle="--")
    ax.set_ylabel("p99 latency (ms, log)")
    ax.set_yscale("log")
    ax.set_title(f"Status routes while {CLIENTS} run searches are in flight")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / ".data")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--plot", type=Path, help="write a chart of the results here")
    parser.add_argument(
        "--anchor",
        type=Path,
        help="also measure the jupyter_mlx of this source tree (e.g. a `git worktree` of an "
        "earlier commit), with its defaults",
    )
    args = parser.parse_args()

    root = args.data.resolve()
    if not (root / ".mlx" / "mlflow.db").exists():
        print(f"Building the benchmark store in {root / '.mlx'} ...", flush=True)
        build_store(root / ".mlx")
    results = {name: measure(root, name, extra, args.seconds) for name, extra in SERVERS.items()}
    if args.anchor:
        # Its own job store: the workspace's may be at a revision the older code does not know.
        store = f"--MLXApp.db_url=sqlite:///{root / 'anchor-mlx.db'}"
        results["anchor"] = measure(root, "anchor", [store], args.seconds, args.anchor.resolve())
    print(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
