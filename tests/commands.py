"""`jupyter mlx ...` typed in a child process, as the CLI tests run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Seconds a command may take; a run includes a kernel start and the MLflow store's creation.
COMMAND_TIMEOUT_S = 120


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything pointing at a workspace, server or tracking store."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MLX_", "MLFLOW_", "JPY_"))
    }
    return env | extra


def launch(root: Path, words: Sequence[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """``jupyter mlx WORDS...`` typed in ``root``, its output captured as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "jupyter_mlx.cli", *words],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(child: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """What a command printed and its exit status, once it ends (killed past the timeout)."""
    try:
        out, err = child.communicate(timeout=COMMAND_TIMEOUT_S)
    finally:
        child.kill()
        child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def ok(result: subprocess.CompletedProcess[str]) -> Any:
    """The JSON a command printed (None for no output); it must have exited 0."""
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def run_group(
    root: Path, env: dict[str, str], group: str, *commands: tuple[str, ...]
) -> list[subprocess.CompletedProcess[str]]:
    """Several ``jupyter mlx GROUP VERB --root-dir=ROOT ARGS...`` at once, each a process (the
    CLI's start dominates)."""
    children = [
        launch(root, [group, args[0], f"--root-dir={root}", *args[1:]], env) for args in commands
    ]
    return [finish(child) for child in children]


def error_line(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The one ``error:`` line of a command that exited ``status``, without its prefix."""
    assert result.returncode == status, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert lines and lines[-1].startswith("error: "), result.stderr
    assert [line for line in lines if line.startswith("error: ")] == [lines[-1]]
    return lines[-1].removeprefix("error: ")
