"""Input drift: the population stability index (PSI) of each numeric feature of the live
inputs against the model's logged input example.

For each feature, values are put in bins, and ``PSI = sum((live% - ref%) * ln(live% / ref%))``
over the bins; above :data:`THRESHOLD` (0.2, the usual reading of "a significant shift") the
feature is flagged. With at least :data:`QUANTILE_ROWS` reference rows, the bins are the
reference's deciles. An input example is often a handful of rows, so with fewer the bins split
the reference's range (widened by half a bin on each side) evenly, as many as half its rows (at
least 2), plus one open bin below and one above it; the shares of both sides are smoothed as
half a row added to each bin of the reference would smooth it, so a bin the few reference rows
missed does not weigh as if it were impossible, and equal inputs still compare equal. Few
reference rows make a coarse comparison: log a larger input example for a sharper one.
"""

from __future__ import annotations

import math
from typing import Any

#: A feature whose PSI is above this has drifted.
THRESHOLD = 0.2
#: Live rows needed before PSI means anything.
MIN_LIVE_ROWS = 50
#: Reference rows from which bins are the reference's deciles.
QUANTILE_ROWS = 20
#: Bins of a large reference.
BINS = 10
#: Rows added to each bin of a small reference (the live shares are smoothed alike).
SMOOTHING = 0.5
#: The smallest share of a bin, so a bin empty on one side stays finite.
EPSILON = 1e-4


def features(data: Any) -> Any:
    """The numeric features of a model input as a float DataFrame (an array's columns are
    ``f0``, ``f1``, ...); None when the input is not a table of numbers."""
    import numpy as np
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        numeric = data.select_dtypes(include=["number", "bool"])
        if numeric.columns.empty:
            return None
        return numeric.astype("float64").set_axis([str(c) for c in numeric.columns], axis=1)
    if isinstance(data, (list, tuple)):
        try:
            data = np.asarray(data)
        except ValueError:
            return None
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" and data.ndim in (1, 2):
        table = data.reshape(-1, 1) if data.ndim == 1 else data
        return pd.DataFrame(
            table.astype("float64"), columns=[f"f{i}" for i in range(table.shape[1])]
        )
    return None


def psi(reference: Any, live: Any) -> float | None:
    """PSI of ``live`` values against ``reference`` values (1-D float arrays; NaN dropped);
    None when either side has no values."""
    import numpy as np

    reference = reference[np.isfinite(reference)]
    live = live[np.isfinite(live)]
    if not len(reference) or not len(live):
        return None
    if len(reference) >= QUANTILE_ROWS:
        quantiles = np.quantile(reference, np.linspace(0, 1, BINS + 1)[1:-1])
        edges = np.unique(quantiles)
        weight = 0.0
    else:
        low, high = float(reference.min()), float(reference.max())
        count = max(2, len(reference) // 2)
        # Half a bin of margin on each side: the reference's own extremes do not sit on the
        # edges, where live values a hair away would fall out of its range.
        margin = (high - low) / count / 2 if high > low else max(abs(low) * 0.01, 1e-9)
        edges = np.linspace(low - margin, high + margin, count + 1)
        # Both sides are pulled toward even shares as much as SMOOTHING rows per bin would pull
        # the reference, so equal inputs still compare equal.
        bins = len(edges) + 1
        weight = SMOOTHING * bins / (len(reference) + SMOOTHING * bins)
    expected = _shares(reference, edges, weight)
    actual = _shares(live, edges, weight)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def _shares(values: Any, edges: Any, weight: float) -> Any:
    import numpy as np

    counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
    shares = (1 - weight) * counts / counts.sum() + weight / len(counts)
    return np.clip(shares, EPSILON, None)


def report(example: Any, live_inputs: list[Any]) -> dict[str, Any]:
    """``/-/drift``: each numeric feature's PSI of the live inputs against ``example`` (blocking:
    run it in a thread).

    Args:
        example: The model's input example, or None.
        live_inputs: The recent requests' inputs, oldest first.
    """
    import pandas as pd

    answer: dict[str, Any] = {
        "threshold": THRESHOLD,
        "reference": "input_example",
        "reference_rows": 0,
        "live_rows": 0,
        "features": [],
        "drifted": False,
        "message": None,
    }
    reference = features(example) if example is not None else None
    if reference is None:
        answer["message"] = (
            "The model has no logged input example to compare with."
            if example is None
            else "The input example has no numeric features: drift is measured on numbers."
        )
        return answer
    answer["reference_rows"] = len(reference)
    tables = [table for table in map(features, live_inputs) if table is not None]
    live = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    answer["live_rows"] = len(live)
    if len(live) < MIN_LIVE_ROWS:
        answer["message"] = (
            f"Too few live rows to compare: {len(live)} of the {MIN_LIVE_ROWS} needed."
        )
        return answer
    shared = [name for name in reference.columns if name in live.columns]
    if not shared:
        answer["message"] = "The live inputs share no numeric feature with the input example."
        return answer
    for name in shared:
        value = psi(reference[name].to_numpy(), live[name].to_numpy())
        rounded = None if value is None or math.isnan(value) else round(value, 4)
        flagged = rounded is not None and rounded > THRESHOLD
        answer["features"].append({"name": name, "psi": rounded, "drifted": flagged})
    answer["drifted"] = any(feature["drifted"] for feature in answer["features"])
    return answer
