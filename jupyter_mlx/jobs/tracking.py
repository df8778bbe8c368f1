"""The MLflow run of a job run: created before its first attempt, ended with its last.

Parameters are logged as params (the cell's defaults for names the run was not given), the
run carries the notebook tags of a tracked run plus ``mlx.job.id`` and ``mlx.job.run_id``,
and the output notebook is logged under ``output/``. The kernel is handed the MLflow run's id
(``MLX_JOB_MLFLOW_RUN_ID``), so ``%mlx_track`` in the notebook resumes this run and its
metrics land here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..config import Settings
from ..tracking import links
from ..tracking.client import TrackingConnection
from ..tracking.notebook import param_value
from ..tracking.workspace import ensure_experiment

#: Artifact folder of a job run's output notebook (and its HTML).
OUTPUT_DIR = "output"
#: MLflow's final status for each final job status.
MLFLOW_STATUS = {
    "succeeded": "FINISHED",
    "failed": "FAILED",
    "stopped": "KILLED",
    "timed_out": "FAILED",
    "interrupted": "KILLED",
}
STATUS_TAG = "mlx.job.status"


def start_mlflow_run(
    connection: TrackingConnection,
    settings: Settings,
    *,
    job_id: str,
    run_id: str,
    notebook: str,
    experiment: str,
    input_path: Path,
    params: Mapping[str, Any],
) -> tuple[str, str]:
    """Create the MLflow run of a job run.

    Returns:
        The experiment id and the MLflow run id.

    Raises:
        Unavailable: The tracking store cannot be reached.
    """
    with connection.errors(field="experiment"):
        client = connection.client
        experiment_id = ensure_experiment(client, settings, experiment)
        links.tag_notebook_experiment(client, experiment_id, notebook)
        tags = links.notebook_run_tags(
            notebook,
            sha256=hashlib.sha256(input_path.read_bytes()).hexdigest(),
            environ={"MLX_JOB_ID": job_id, "MLX_JOB_RUN_ID": run_id},
        )
        tags[STATUS_TAG] = "running"
        name = f"{Path(notebook).stem}-job-{run_id[:8]}"
        run = client.create_run(experiment_id, run_name=name, tags=tags)
        if params:
            from mlflow.entities import Param

            client.log_batch(
                run.info.run_id,
                params=[Param(key, str(param_value(value))) for key, value in params.items()],
            )
    return experiment_id, run.info.run_id


def end_mlflow_run(
    connection: TrackingConnection,
    mlflow_run_id: str,
    status: str,
    outputs: list[Path],
) -> None:
    """Log the output files and end the MLflow run with the job run's final ``status``."""
    with connection.errors():
        client = connection.client
        for path in outputs:
            if path.is_file():
                client.log_artifact(mlflow_run_id, str(path), OUTPUT_DIR)
        client.set_tag(mlflow_run_id, STATUS_TAG, status)
        client.set_terminated(mlflow_run_id, MLFLOW_STATUS[status])


def resume_mlflow_run(connection: TrackingConnection, mlflow_run_id: str) -> None:
    """Mark the MLflow run running again for a retry."""
    with connection.errors():
        connection.client.update_run(mlflow_run_id, status="RUNNING")
        connection.client.set_tag(mlflow_run_id, STATUS_TAG, "running")
