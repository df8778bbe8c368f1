"""Builders of real MLflow data (runs, metrics, artifacts) for the tracking tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SeededRuns:
    """Runs created in a workspace's MLflow store."""

    tracking_uri: str
    experiment_id: str
    first: str
    second: str
    other_notebook: str


def seed_runs(workspace: Path) -> SeededRuns:
    """Three finished runs: two of ``train.ipynb`` (different lr), one of ``other.ipynb``.

    Each run has params, a ``loss`` history over steps 0..4 (the second run also logs step
    5), an ``accuracy`` metric, a notebook snapshot and a text artifact. The experiment is
    tagged for both notebooks, as ``%mlx_track`` tags it when it starts their runs.
    """
    from mlflow.tracking import MlflowClient

    from jupyter_mlx.tracking import links

    workspace.mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{workspace / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment(
        "train.ipynb", artifact_location=(workspace / "artifacts" / "train").as_uri()
    )
    ids = []
    for index, (notebook, lr, steps) in enumerate(
        [("train.ipynb", "0.1", 5), ("train.ipynb", "0.01", 6), ("other.ipynb", "0.1", 2)]
    ):
        run = client.create_run(
            experiment_id,
            run_name=f"run-{index}",
            tags={
                "mlflow.source.name": notebook,
                "mlflow.source.type": "NOTEBOOK",
                "mlx.notebook.snapshot": f"notebook/{notebook}",
                "mlx.env.name": "base",
                "mlx.env.lock_sha256": "ab" * 32,
            },
        )
        run_id = run.info.run_id
        links.tag_notebook_experiment(client, experiment_id, notebook)
        client.log_param(run_id, "lr", lr)
        client.log_param(run_id, "epochs", str(steps))
        for step in range(steps):
            client.log_metric(run_id, "loss", 1.0 / (step + 1) + index, step=step, timestamp=step)
        client.log_metric(run_id, "accuracy", 0.5 + index / 10, step=0, timestamp=0)
        snapshot = workspace / f"snapshot-{index}" / notebook
        snapshot.parent.mkdir()
        snapshot.write_text(json.dumps(_notebook(f"print('run {index}')")))
        client.log_artifact(run_id, str(snapshot), "notebook")
        notes = workspace / f"notes-{index}.txt"
        notes.write_text(f"notes of run {index}\n")
        client.log_artifact(run_id, str(notes))
        client.set_terminated(run_id, "FINISHED", end_time=1000 + index)
        ids.append(run_id)
    return SeededRuns(uri, experiment_id, ids[0], ids[1], ids[2])


def _notebook(source: str) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "c1",
                "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["hello\n"]}],
                "source": [source],
            }
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
