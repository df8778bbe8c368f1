"""The MLflow run of a job run: created before its first attempt, ended with its last.

Parameters are logged as params (the cell's defaults for names the run was not given), the
run carries the notebook tags of a tracked run plus ``mlx.job.id`` and ``mlx.job.run_id``
(and ``mlx.env.name`` and ``mlx.env.lock_sha256`` on an environment), its declared data inputs
are logged as dataset inputs with their hashes, and the output notebook is logged under
``output/``. The kernel is handed the MLflow run's id
(``MLX_JOB_MLFLOW_RUN_ID``), so ``%mlx_track`` in the notebook resumes this run and its
metrics land here.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import MLXError
from ..tracking import links
from ..tracking.client import TrackingConnection
from ..tracking.inputs import DataInput, log_inputs
from ..tracking.notebook import param_value
from ..tracking.workspace import ensure_experiment
from .environment import JobEnvironment, environment_variables

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
SWEEP_TAG = "mlx.sweep.id"
#: MLflow's tag nesting a run under another.
PARENT_TAG = "mlflow.parentRunId"


class JobExperiments:
    """The experiments job runs go to, each made and tagged once per process.

    Runs submitted together may be the first of one notebook: they share one lookup, so they
    never race to create the same experiment or its notebook tag.

    Args:
        connection: The workspace's tracking store.
        settings: The workspace.
    """

    def __init__(self, connection: TrackingConnection, settings: Settings) -> None:
        self.connection = connection
        self.settings = settings
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], str] = {}

    def experiment_id(self, experiment: str, notebook: str) -> str:
        """The id of ``experiment``, created if needed and tagged as holding runs of
        ``notebook`` (blocking)."""
        key = (experiment, notebook)
        with self._lock:
            if key not in self._known:
                client = self.connection.client
                experiment_id = ensure_experiment(client, self.settings, experiment)
                links.tag_notebook_experiment(client, experiment_id, notebook)
                self._known[key] = experiment_id
            return self._known[key]

    def forget(self) -> None:
        """Look the experiments up again next time (one was deleted or renamed)."""
        with self._lock:
            self._known.clear()


def start_mlflow_run(
    experiments: JobExperiments,
    *,
    job_id: str,
    run_id: str,
    notebook: str,
    experiment: str,
    input_path: Path,
    params: Mapping[str, Any],
    sweep: tuple[str, str | None] | None = None,
    environment: JobEnvironment | None = None,
    inputs: Sequence[DataInput] = (),
) -> tuple[str, str]:
    """Create the MLflow run of a job run; a sweep's trial nests under the sweep's run.

    Args:
        sweep: The sweep's id and its parent MLflow run's, for a trial.
        environment: The environment the run executes on.
        inputs: Its declared data, hashed.

    Returns:
        The experiment id and the MLflow run id.

    Raises:
        Unavailable: The tracking store cannot be reached.
        MLXError: It refused (a deleted experiment of that name).
    """
    connection = experiments.connection
    try:
        with connection.errors(field="experiment"):
            experiment_id = experiments.experiment_id(experiment, notebook)
            tags = links.notebook_run_tags(
                notebook,
                sha256=hashlib.sha256(input_path.read_bytes()).hexdigest(),
                environ={
                    "MLX_JOB_ID": job_id,
                    "MLX_JOB_RUN_ID": run_id,
                    **environment_variables(environment),
                },
            )
            tags[STATUS_TAG] = "running"
            if sweep is not None:
                tags[SWEEP_TAG] = sweep[0]
                if sweep[1]:
                    tags[PARENT_TAG] = sweep[1]
            name = f"{Path(notebook).stem}-job-{run_id[:8]}"
            run = connection.client.create_run(experiment_id, run_name=name, tags=tags)
            if params:
                from mlflow.entities import Param

                connection.client.log_batch(
                    run.info.run_id,
                    params=[Param(key, str(param_value(value))) for key, value in params.items()],
                )
            log_inputs(connection.client, run.info.run_id, inputs)
    except MLXError:
        experiments.forget()
        raise
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
