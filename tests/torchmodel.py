"""The example notebook's torch model, logged in about a second for tests and the benchmark.

``examples/train_classifier.ipynb`` trains an MLP (13 -> 32 -> ReLU -> 3) on scikit-learn's
wine data (standardised, float32) with Adam, and logs ``Sequential(model, Softmax)`` with
``mlflow.pytorch.log_model`` (name ``model``, the first five test rows as the input example,
the signature inferred from them and their probabilities). This does the same with a few
plain gradient steps; only ``pip_requirements`` is added, so MLflow does not infer them (in a
subprocess loading the model: seconds).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

EXPERIMENT = "train_classifier.ipynb"
HIDDEN = 32
#: Plain gradient steps: ``torch.optim`` imports torch's compiler on first use (seconds).
LEARNING_RATE = 0.5
#: What the model is logged with (given, MLflow infers none).
PIP_REQUIREMENTS = ["torch", "mlflow"]


@dataclass(frozen=True)
class TorchModel:
    """A logged torch classifier.

    Attributes:
        run_id: The run it was logged in.
        model_uri: Its URI (``models:/m-...``).
        rows: Standardised float32 wine rows it was not trained on (the first five are the
            input example).
    """

    run_id: str
    model_uri: str
    rows: Any


def log_torch_model(tracking_uri: str, *, epochs: int = 5, seed: int = 0) -> TorchModel:
    """Train the example's classifier briefly and log it into ``tracking_uri``.

    MLflow's fluent API needs the tracking URI set process-wide for this; it is put back
    afterwards.

    Args:
        tracking_uri: The store (a SQLite file's experiment keeps artifacts beside it).
        epochs: Full-batch gradient steps.
        seed: Seed of the split and the weights.
    """
    import mlflow
    import mlflow.pytorch
    import numpy as np
    import torch
    from mlflow.models import infer_signature
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from torch import nn

    features, labels = load_wine(return_X_y=True)
    x_train, x_test, y_train, _ = train_test_split(
        features, labels, test_size=0.25, stratify=labels, random_state=seed
    )
    scaler = StandardScaler().fit(x_train)
    x_train = scaler.transform(x_train).astype(np.float32)
    x_test = scaler.transform(x_test).astype(np.float32)

    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(x_train.shape[1], HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, int(labels.max()) + 1)
    )
    loss_fn = nn.CrossEntropyLoss()
    inputs, targets = torch.from_numpy(x_train), torch.from_numpy(y_train)
    for _ in range(epochs):
        model.zero_grad()
        loss_fn(model(inputs), targets).backward()
        with torch.no_grad():
            for weights in model.parameters():
                weights -= LEARNING_RATE * weights.grad  # type: ignore[operator,misc]

    classifier = nn.Sequential(model, nn.Softmax(dim=1)).eval()
    input_example = x_test[:5]
    with torch.no_grad():
        example_output = classifier(torch.from_numpy(input_example)).numpy()
    signature = infer_signature(input_example, example_output)

    before = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(tracking_uri)
    try:
        with warnings.catch_warnings(), mlflow.start_run(experiment_id=_experiment(tracking_uri)):
            # MLflow warns about its own type hints the first time a flavour is logged.
            warnings.filterwarnings("ignore", ".*Any type hint is inferred as AnyType", UserWarning)
            info = mlflow.pytorch.log_model(
                classifier,
                name="model",
                input_example=input_example,
                signature=signature,
                pip_requirements=PIP_REQUIREMENTS,
            )
            run_id = mlflow.active_run().info.run_id  # type: ignore[union-attr]
    finally:
        mlflow.set_tracking_uri(before)  # type: ignore[arg-type]
    return TorchModel(run_id, info.model_uri, x_test)


def _experiment(tracking_uri: str) -> str:
    """The id of the experiment, created with its artifacts beside a SQLite store."""
    from pathlib import Path

    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is not None:
        return str(experiment.experiment_id)
    folder = Path(tracking_uri.removeprefix("sqlite:///")).parent / "artifacts"
    return client.create_experiment(EXPERIMENT, artifact_location=folder.as_uri())
