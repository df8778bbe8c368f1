"""Smoke test of one model, run as a script by the Python of the model's environment.

``python smoke_probe.py MODEL_URI`` loads the model with ``mlflow.pyfunc.load_model``, loads
its logged input example, predicts on it, and prints one line ``MLX_SMOKE {json}`` with:
``ok``, ``rows_in``, ``rows_out``, ``shape``, ``nan`` (NaN values in the output), ``seconds``
and ``error`` (the failure's last line). The tracking store is read from
``MLFLOW_TRACKING_URI``.

It imports only mlflow, numpy and pandas (never jupyter_mlx): the environment it runs in may
have nothing else.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

MARKER = "MLX_SMOKE "


def rows(value: Any) -> int | None:
    """How many rows a model's input or output has; None when it has no rows."""
    if isinstance(value, dict):
        counts = {rows(item) for item in value.values()}
        return counts.pop() if len(counts) == 1 else None
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        return None
    return len(value)


def shape(value: Any) -> list[int] | None:
    """The output's shape (a DataFrame's, an array's); None for other outputs."""
    import numpy as np

    if hasattr(value, "shape"):
        return [int(n) for n in value.shape]
    try:
        return [int(n) for n in np.shape(value)]
    except ValueError:  # ragged lists
        return None


def nan_count(value: Any) -> int:
    """How many NaN values the output holds (numbers, or inside frames, lists and dicts)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, dict):
        return sum(nan_count(item) for item in value.values())
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return int(value.isna().to_numpy().sum())
    if isinstance(value, (str, bytes)):
        return 0
    try:
        array = np.asarray(value)
    except ValueError:  # ragged lists
        return sum(nan_count(item) for item in value)
    if array.dtype.kind in "fc":
        return int(np.isnan(array).sum())
    if array.dtype.kind == "O":
        return int(pd.isna(array).sum())
    return 0


def probe(model_uri: str) -> dict[str, Any]:
    """Load, predict on the input example and check the output."""
    started = time.monotonic()
    report: dict[str, Any] = {"ok": False}
    try:
        import mlflow.pyfunc

        model = mlflow.pyfunc.load_model(model_uri)
        example = model.input_example
        if example is None:
            report["error"] = "the model has no logged input example"
            return report
        output = model.predict(example)
        report.update(
            rows_in=rows(example), rows_out=rows(output), shape=shape(output), nan=nan_count(output)
        )
        same_rows = report["rows_in"] is None or report["rows_in"] == report["rows_out"]
        report["ok"] = same_rows and report["nan"] == 0
    except Exception as exc:  # anything the model raises is the verdict, not a crash
        lines = f"{type(exc).__name__}: {exc}".strip().splitlines()
        report["error"] = lines[-1] if lines else type(exc).__name__
    finally:
        report["seconds"] = round(time.monotonic() - started, 2)
    return report


if __name__ == "__main__":
    print(MARKER + json.dumps(probe(sys.argv[1])), flush=True)
