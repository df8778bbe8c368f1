"""The smoke test of a promotion: load the model in a subprocess and predict on its example.

The subprocess runs :mod:`jupyter_mlx.models.smoke_probe` with the Python of the run's
environment when that environment is installed here (so the model loads with the packages it
was trained with), else with this server's Python.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import processes
from ..environments.install import python_of
from ..environments.service import EnvironmentService
from ..errors import MLXError, ProcessTimeout
from .smoke_probe import MARKER

#: Seconds a smoke test may take, loading the model included.
SMOKE_TIMEOUT_S = 300.0
PROBE = Path(__file__).with_name("smoke_probe.py")


@dataclass(frozen=True, slots=True)
class Interpreter:
    """The Python a smoke test runs with.

    Attributes:
        python: Its executable.
        described: How the verdict names it: ``python of environment 'wine'``.
    """

    python: str
    described: str


def interpreter_for(environments: EnvironmentService, environment: str | None) -> Interpreter:
    """The Python of ``environment`` when it is installed here, else this server's."""
    server = Interpreter(sys.executable, "the server's python")
    if not environment:
        return server
    try:
        prefix = environments.get(environment).prefix
    except MLXError:
        prefix = None
    python = python_of(Path(prefix)) if prefix else None
    if python is None or not python.exists():
        return Interpreter(
            sys.executable, f"the server's python (environment {environment!r} is not installed)"
        )
    return Interpreter(str(python), f"python of environment {environment!r}")


def smoke_test(
    model_uri: str,
    interpreter: Interpreter,
    *,
    env: Mapping[str, str],
    cwd: Path,
    timeout: float = SMOKE_TIMEOUT_S,
) -> tuple[bool, str]:
    """Run the probe on ``model_uri`` and judge it (blocking: call it off the event loop).

    Args:
        model_uri: ``models:/...`` or ``runs:/...``.
        interpreter: The Python to run it with.
        env: The probe's whole environment (with ``MLFLOW_TRACKING_URI``).
        cwd: Its working folder (the server root, which relative store paths start from).
        timeout: Seconds it may take; then its process group is stopped.

    Returns:
        Whether it passed, and what was checked or why it failed:
        ``predicted 5 rows -> shape (5, 3), no NaN, in 2.1 s, python of environment 'wine'``.
    """
    argv = [interpreter.python, str(PROBE), model_uri]
    try:
        done = asyncio.run(processes.run(argv, timeout=timeout, cwd=cwd, env=env, tail_lines=50))
    except ProcessTimeout:
        return False, f"did not finish within {timeout:g} s ({interpreter.described})"
    lines = done.output.splitlines()
    found = [line[len(MARKER) :] for line in lines if line.startswith(MARKER)]
    if not found:
        last = next((line for line in reversed(lines) if line.strip()), "no output")
        return False, f"the probe exited with status {done.returncode}: {last.strip()}"
    return _verdict(json.loads(found[-1]), interpreter)


def _verdict(report: dict[str, Any], interpreter: Interpreter) -> tuple[bool, str]:
    took = f"in {report.get('seconds', 0):g} s, {interpreter.described}"
    if report.get("error"):
        return False, f"{report['error']} ({took})"
    shape = report.get("shape")
    shown = f"shape {tuple(shape)}" if shape is not None else "output"
    rows_in, rows_out = report.get("rows_in"), report.get("rows_out")
    if rows_in is not None and rows_in != rows_out:
        return False, f"{rows_in} rows in, {rows_out} rows out ({shown}), {took}"
    if report.get("nan"):
        return False, f"{report['nan']} NaN values in the output ({shown}), {took}"
    predicted = f"predicted {rows_in} rows" if rows_in is not None else "predicted"
    return True, f"{predicted} -> {shown}, no NaN, {took}"
