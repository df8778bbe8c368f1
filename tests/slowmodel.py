"""A pyfunc model that doubles its input slowly, so concurrent requests meet in one batch.

Importable by the scoring server from ``tests/`` (:func:`scoringservers.serving_env` puts it
on ``PYTHONPATH``); the model holds no state.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

#: MLflow warns about its own ``Any`` type hints on import and on saving.
ANY_HINT_WARNING = ".*Any type hint is inferred as AnyType"

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", ANY_HINT_WARNING, UserWarning)
    import mlflow.pyfunc

#: Seconds each predict call takes, however many rows it gets.
PREDICT_S = 0.3


class SlowDoubler(mlflow.pyfunc.PythonModel):
    """Predicts ``2 * x`` for each row of a one-column float array, after ``PREDICT_S``."""

    # An array hint: MLflow infers no signature from it (the saved one is used) and, unlike
    # no hint at all, does not warn that type hints are missing.
    def predict(self, context, model_input: np.ndarray, params=None):  # type: ignore[no-untyped-def]
        time.sleep(PREDICT_S)
        return model_input * 2


def save_slow_model(folder: Path) -> Path:
    """Save the model with a tensor signature (float64, shape (-1, 1)); its folder."""
    from mlflow.models import infer_signature

    example = np.array([[1.0], [2.0]])
    path = folder / "slow-model"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ANY_HINT_WARNING, UserWarning)
        mlflow.pyfunc.save_model(
            path,
            python_model=SlowDoubler(),
            signature=infer_signature(example, example * 2),
            input_example=example,
            pip_requirements=["mlflow"],
        )
    return path
