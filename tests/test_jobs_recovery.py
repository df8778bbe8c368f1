"""A server killed with SIGKILL while job runs execute: after a restart on the same workspace,
every run is accounted for (interrupted, or retried when it has retries left), none is left
``running``, and no kernel of the dead server survives."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest
import servers
from jobnotebooks import write_notebook

pytestmark = pytest.mark.slow

#: Writes the kernel's pid to a file named after the run's attempt, then sleeps.
SLEEPER = (
    "import os, time\n"
    "open(f'{os.environ[\"MLX_JOB_RUN_ID\"]}.pid', 'a').write(f'{os.getpid()}\\n')\n"
    "time.sleep(120)"
)


def start(home: Path) -> servers.Server:
    return servers.start_server(
        home / "jupyter",
        home / "root",
        f"--MLXApp.workspace_dir={home / 'root' / '.mlx'}",
        "--MLXApp.warm_kernels=0",
        "--MLXApp.max_concurrent_runs=2",
    )


def kernel_pids(root: Path, run_id: str) -> list[int]:
    path = root / f"{run_id}.pid"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_runs_of_a_killed_server_are_interrupted_or_retried_after_a_restart(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    write_notebook(root / "sleep.ipynb", SLEEPER, parameters=None)
    server = start(tmp_path)
    try:
        # Given two runs executing, one with a retry left,
        once = server.post("job-runs", {"notebook": "sleep.ipynb"}).json()
        retried = server.post(
            "job-runs", {"notebook": "sleep.ipynb", "retries": 1, "retry_backoff": 0}
        ).json()
        wait_for(lambda: kernel_pids(root, once["id"]) and kernel_pids(root, retried["id"]))
        first_kernels = kernel_pids(root, once["id"]) + kernel_pids(root, retried["id"])

        # when the server is killed with SIGKILL and started again on the same workspace,
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        server = start(tmp_path)

        # then the run without retries is interrupted, saying why (the server answers while
        # its start hook still settles what the killed one left),
        wait_for(lambda: server.get(f"job-runs/{once['id']}").json()["status"] != "running")
        ended = server.get(f"job-runs/{once['id']}").json()
        assert ended["status"] == "interrupted"
        assert ended["error"]["message"].startswith("The server executing this run stopped")
        assert [a["status"] for a in ended["attempts"]] == ["interrupted"]
        # the other one runs its second attempt in a new kernel,
        wait_for(lambda: len(kernel_pids(root, retried["id"])) == 2)
        again = server.get(f"job-runs/{retried['id']}").json()
        assert (again["status"], again["attempt"]) == ("running", 2)
        assert again["attempts"][0]["status"] == "interrupted"
        # no kernel of the killed server is left,
        wait_for(lambda: not any(alive(pid) for pid in first_kernels), timeout=10)
        # and no run is left running without a process: the retried one can be stopped.
        stopped = server.fetch("POST", f"job-runs/{retried['id']}/stop").json()
        assert stopped["status"] == "stopped"
        listed = server.get("job-runs").json()["runs"]
        assert sorted(run["status"] for run in listed) == ["interrupted", "stopped"]
    finally:
        server.stop()
