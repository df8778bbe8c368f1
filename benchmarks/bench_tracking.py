"""Latency of the Experiments API against MLflow's own REST API, on the same store.

Two questions a user of the Experiments panel feels:

1. *List a notebook's runs*: one page of 50 runs of one notebook, in a store of 10,000 runs
   (20 notebooks, 5 experiments). Ours: ``GET /mlx/api/runs?notebook=...&max_results=50``.
   MLflow: ``POST /api/2.0/mlflow/runs/search`` with the same filter over the same experiments.
2. *Compare runs*: 20 runs x 1,000 steps of two metrics. Ours: one
   ``POST /mlx/api/runs/compare``. MLflow: what a client of its REST API does for the same
   view: ``runs/get`` for each run and ``metrics/get-history`` for each run and metric.

Targets: page p50 <= 100 ms, compare p50 <= 300 ms.

Usage::

    python benchmarks/bench_tracking.py [--data benchmarks/.data] [--repeat 30] [--plot FILE]

The store is built once under ``--data`` (about two minutes) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

RUNS = 10_000
NOTEBOOKS = 20
EXPERIMENTS = 5
COMPARED_RUNS = 20
STEPS = 1_000
TOKEN = "bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_store(workspace: Path) -> None:
    """10,000 runs over 20 notebooks; 20 runs of notebook 0 get 1,000-step histories."""
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.tracking import MlflowClient

    workspace.mkdir(parents=True, exist_ok=True)
    client = MlflowClient(tracking_uri=f"sqlite:///{workspace / 'mlflow.db'}")
    experiments = [client.create_experiment(f"bench-{i}") for i in range(EXPERIMENTS)]
    tag_notebook_experiments(client, experiments)
    started = time.perf_counter()
    for index in range(RUNS):
        notebook = f"project/notebook-{index % NOTEBOOKS}.ipynb"
        run = client.create_run(
            experiments[index % EXPERIMENTS],
            start_time=1_700_000_000_000 + index * 1000,
            tags={"mlflow.source.name": notebook, "mlflow.source.type": "NOTEBOOK"},
        )
        history = index < COMPARED_RUNS * NOTEBOOKS and index % NOTEBOOKS == 0
        steps = range(STEPS) if history else range(1)
        metrics = [
            Metric(key, 1.0 / (step + 1) + index * 1e-4, 1_700_000_000_000 + step, step)
            for key in ("loss", "accuracy")
            for step in steps
        ]
        params = [Param("lr", str(0.001 * (index % 7 + 1))), Param("seed", str(index))]
        for chunk in range(0, len(metrics), 1000):
            client.log_batch(
                run.info.run_id,
                metrics=metrics[chunk : chunk + 1000],
                params=params if chunk == 0 else [],
                tags=[RunTag("bench.index", str(index))] if chunk == 0 else [],
            )
        client.set_terminated(run.info.run_id, end_time=1_700_000_000_000 + index * 1000 + 500)
        if index % 1000 == 999:
            print(f"  {index + 1} runs ({time.perf_counter() - started:.0f} s)", flush=True)


def tag_notebook_experiments(client, experiments: list[str]) -> None:
    """Tag each experiment with the notebooks whose runs it holds, as ``%mlx_track`` does."""
    from jupyter_mlx.tracking.links import tag_notebook_experiment

    for index in range(NOTEBOOKS):
        notebook = f"project/notebook-{index}.ipynb"
        tag_notebook_experiment(client, experiments[index % EXPERIMENTS], notebook)


def start(command: list[str], url: str, log: Path, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1, headers={"Authorization": f"token {TOKEN}"})
            return process
        except requests.ConnectionError:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError(f"{command[0]} did not start; see {log}")


def start_jupyter_server(
    root: Path, port: int, log: Path, env: dict[str, str], *options: str
) -> subprocess.Popen:
    """A Jupyter server with jupyter-mlx on ``root``, answering on ``port`` with ``TOKEN``."""
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "server",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={TOKEN}",
        *options,
    ]
    return start(command, f"http://127.0.0.1:{port}/mlx/api/config", log, env)


def timed(call, repeat: int) -> list[float]:
    call()  # warm caches and lazy imports
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / ".data")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--plot", type=Path, help="write a bar chart of the results here")
    args = parser.parse_args()

    root = args.data.resolve()
    workspace = root / ".mlx"
    if not (workspace / "mlflow.db").exists():
        print(f"Building a store of {RUNS} runs in {workspace} ...", flush=True)
        build_store(workspace)
    tracking_uri = f"sqlite:///{workspace / 'mlflow.db'}"

    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    mlx_port, mlflow_port = free_port(), free_port()
    servers = [
        start_jupyter_server(root, mlx_port, root / "jupyter.log", env),
        start(
            [
                sys.executable,
                "-m",
                "mlflow",
                "server",
                "--backend-store-uri",
                tracking_uri,
                "--host",
                "127.0.0.1",
                "--port",
                str(mlflow_port),
                "--workers",
                "1",
            ],
            f"http://127.0.0.1:{mlflow_port}/health",
            root / "mlflow.log",
            env,
        ),
    ]
    try:
        results = measure(mlx_port, mlflow_port, args.repeat)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
    print(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)


def measure(mlx_port: int, mlflow_port: int, repeat: int) -> dict[str, dict[str, dict]]:
    mlx = requests.Session()
    mlx.headers["Authorization"] = f"token {TOKEN}"
    mlx_api = f"http://127.0.0.1:{mlx_port}/mlx/api"
    mlflow = requests.Session()
    mlflow_api = f"http://127.0.0.1:{mlflow_port}/api/2.0/mlflow"
    notebook = "project/notebook-0.ipynb"
    experiment_ids = [
        e["experiment_id"] for e in mlx.get(f"{mlx_api}/experiments").json()["experiments"]
    ]

    def ours_page() -> None:
        page = mlx.get(f"{mlx_api}/runs", params={"notebook": notebook, "max_results": 50})
        assert len(page.json()["runs"]) == 50, page.text

    def mlflow_page() -> None:
        page = mlflow.post(
            f"{mlflow_api}/runs/search",
            json={
                "experiment_ids": experiment_ids,
                "filter": f"tags.`mlflow.source.name` = '{notebook}'",
                "max_results": 50,
                "order_by": ["attributes.start_time DESC"],
            },
        )
        assert len(page.json()["runs"]) == 50, page.text

    compared = [
        r["run_id"]
        for r in mlx.get(
            f"{mlx_api}/runs",
            params={
                "notebook": notebook,
                "max_results": COMPARED_RUNS,
                "order_by": "attributes.start_time ASC",
            },
        ).json()["runs"]
    ]

    def ours_compare() -> None:
        body = mlx.post(f"{mlx_api}/runs/compare", json={"run_ids": compared}).json()
        assert len(body["metrics"][0]["steps"]) == STEPS, body

    def mlflow_compare() -> None:
        for run_id in compared:
            mlflow.get(f"{mlflow_api}/runs/get", params={"run_id": run_id}).raise_for_status()
            for key in ("accuracy", "loss"):
                history = mlflow.get(
                    f"{mlflow_api}/metrics/get-history",
                    params={"run_id": run_id, "metric_key": key, "max_results": 25000},
                ).json()
                assert len(history["metrics"]) == STEPS

    return {
        "list a page of 50 runs of a notebook (10,000 runs)": {
            "jupyter-mlx": summary(timed(ours_page, repeat)),
            "MLflow REST": summary(timed(mlflow_page, repeat)),
        },
        "compare 20 runs x 1,000 steps x 2 metrics": {
            "jupyter-mlx": summary(timed(ours_compare, max(5, repeat // 3))),
            "MLflow REST": summary(timed(mlflow_compare, max(5, repeat // 3))),
        },
    }


def plot(results: dict[str, dict[str, dict]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(10, 3.5))
    for axis, (title, sides) in zip(axes, results.items(), strict=True):
        names = list(sides)
        p50 = [sides[n]["p50_ms"] for n in names]
        p95 = [sides[n]["p95_ms"] for n in names]
        axis.bar([0, 1], p50, width=0.4, label="p50")
        axis.bar([0.4, 1.4], p95, width=0.4, label="p95")
        axis.set_xticks([0.2, 1.2], names)
        axis.set_title(title, fontsize=9)
        axis.set_ylabel("ms")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


if __name__ == "__main__":
    main()
