"""Cheap routes under a flood of heavy reads: do status checks stay fast?

200 clients keep ``GET /mlx/api/runs`` (a page of 50 runs of a notebook, store of 10,000 runs)
in flight for ``--seconds``, while a probe asks ``GET /api/status`` (Jupyter's own) and
``GET /mlx/api/config`` (jupyter-mlx's status) ten times a second. Two servers are measured:

- ``bounded``: the defaults; heavy reads run in a pool sized for the machine with a queue of
  64, beyond which they answer 503 with ``Retry-After``; status work has a pool of its own.
- ``unbounded``: 6 threads and a queue of 100,000, which is what the event loop's default
  pool gave every request before (on 2 cores, ``min(32, cores + 4)`` threads, no limit).

Goals (bounded): ``/api/status`` p99 < 50 ms and ``/mlx/api/config`` p99 < 100 ms.

Usage::

    python benchmarks/bench_runtime.py [--data benchmarks/.data] [--seconds 20] [--plot FILE]

The store is the one ``bench_tracking.py`` builds (built here if missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from bench_tracking import TOKEN, build_store, free_port, start
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


async def flood(base: str, seconds: float) -> dict[str, object]:
    """Keep ``CLIENTS`` run searches in flight; probe the status routes meanwhile."""
    client = AsyncHTTPClient(max_clients=CLIENTS + 10)
    headers = {"Authorization": f"token {TOKEN}"}
    deadline = time.monotonic() + seconds
    codes: Counter[int] = Counter()
    probes: dict[str, list[float]] = {"/api/status": [], "/mlx/api/config": []}
    search = f"{base}/mlx/api/runs?notebook=project/notebook-0.ipynb&max_results=50"

    async def fetch(url: str, timeout: float = 120) -> tuple[int, float]:
        """The status code, and the seconds ``Retry-After`` asks to wait (0 without it)."""
        try:
            response = await client.fetch(url, headers=headers, request_timeout=timeout)
            return response.code, 0.0
        except HTTPClientError as exc:
            retry = exc.response.headers.get("Retry-After", "0") if exc.response else "0"
            return exc.code, float(retry)

    async def searcher() -> None:
        while time.monotonic() < deadline:
            code, retry_after = await fetch(search)
            codes[code] += 1
            await asyncio.sleep(retry_after)  # as the front-end and any polite client do

    async def probe() -> None:
        await asyncio.sleep(1)  # let the flood build up first
        while time.monotonic() < deadline:
            for path, samples in probes.items():
                began = time.perf_counter()
                await fetch(base + path, timeout=30)
                samples.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(PROBE_INTERVAL_S)

    await asyncio.gather(probe(), *(searcher() for _ in range(CLIENTS)))
    client.close()
    return {
        "searches": dict(sorted(codes.items())),
        "searches_ok_per_s": round(codes[200] / seconds, 1),
        **{
            path: {"p50_ms": percentile(s, 0.5), "p99_ms": percentile(s, 0.99), "n": len(s)}
            for path, s in probes.items()
        },
    }


def measure(root: Path, name: str, extra: list[str], seconds: float) -> dict[str, object]:
    port = free_port()
    server = start(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            *extra,
        ],
        f"http://127.0.0.1:{port}/mlx/api/config",
        root / f"jupyter-{name}.log",
        dict(os.environ),
    )
    try:
        return asyncio.run(flood(f"http://127.0.0.1:{port}", seconds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def plot(results: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    routes = ["/api/status", "/mlx/api/config"]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.38
    for offset, (name, result) in enumerate(results.items()):
        values = [result[route]["p99_ms"] for route in routes]
        bars = ax.bar([i + offset * width for i in range(len(routes))], values, width, label=name)
        ax.bar_label(bars, fmt="%.0f ms", fontsize=8)
    ax.set_xticks([i + width / 2 for i in range(len(routes))], routes)
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
    args = parser.parse_args()

    root = args.data.resolve()
    if not (root / ".mlx" / "mlflow.db").exists():
        print(f"Building the benchmark store in {root / '.mlx'} ...", flush=True)
        build_store(root / ".mlx")
    results = {name: measure(root, name, extra, args.seconds) for name, extra in SERVERS.items()}
    print(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
