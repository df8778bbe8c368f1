"""Scoring servers (``python -m jupyter_mlx.serving``) started as child processes for tests."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: Seconds a server may take to load its model and answer.
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class RunningServer:
    """A scoring server that printed its ready line."""

    process: subprocess.Popen[str]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def serving_env(tracking_uri: str) -> dict[str, str]:
    """This environment with the tracking store that ``models:/`` and ``runs:/`` resolve in."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("MLFLOW_")}
    return env | {
        "MLFLOW_TRACKING_URI": tracking_uri,
        "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
        # Models whose classes live in tests/ (the slow model) unpickle from there.
        "PYTHONPATH": str(Path(__file__).parent),
    }


def ready_line(process: subprocess.Popen[str]) -> dict:
    """The JSON line a server prints when it answers requests (fails when it exits first)."""
    assert process.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        readable, _, _ = select.select([process.stdout], [], [], 0.2)
        if readable:
            line = process.stdout.readline()
            if line:
                return json.loads(line)
        if process.poll() is not None:
            raise AssertionError(f"the server exited {process.returncode}: {stderr_of(process)}")
    raise AssertionError("the server did not become ready in time")


def stderr_of(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    return process.stderr.read() if process.poll() is not None else ""


@contextmanager
def scoring_server(args: Sequence[str], env: dict[str, str]) -> Iterator[RunningServer]:
    """``python -m jupyter_mlx.serving ARGS`` until the block ends (then SIGINT, as Ctrl-C)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlx.serving", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield RunningServer(process, ready_line(process)["port"])
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=15)
        finally:
            process.kill()
            process.wait()
