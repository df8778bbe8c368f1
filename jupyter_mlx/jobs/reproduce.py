"""Reproduce: run a recorded MLflow run again, as it ran, and compare the two.

A run created by jupyter-mlx (a tracked notebook run or a job run) records what made it: the
notebook snapshot, its parameters, the environment lock its kernel ran on and the hashes of
its data inputs. :class:`Reproducer` re-creates that environment from the kept lock (the
current kernel otherwise, with a warning), warns of data inputs whose hash changed, and runs
the snapshot with the recorded parameters as a job run in the same experiment.
:func:`metric_differences` then compares the two runs' final metrics.
"""

from __future__ import annotations

import ast
import json
import math
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..environments.service import EnvironmentService
from ..errors import InvalidInput, MLXError, NotFound
from ..tracking import links
from ..tracking.client import TrackingConnection
from ..tracking.inputs import hash_input, read_inputs
from .files import RunFiles, load_notebook
from .schemas import CreateJobRunRequest, MetricDifference, Reproduction
from .service import JobService, RunOrigin, parameter_specs

#: Folder of the workspace where recorded notebook snapshots are fetched to.
REPRODUCE_DIR = "reproduce"


@dataclass
class Recorded:
    """What a run recorded of how it was made."""

    run_id: str
    experiment: str
    notebook: str
    snapshot: Path
    parameters: dict[str, Any]
    kernel: str | None = None
    environment: str | None = None
    lock_sha256: str | None = None
    inputs: list[tuple[str, str]] = field(default_factory=list)


def typed_value(kind: str, text: str) -> Any:
    """An MLflow param (always text) as the parameters cell's type says.

    A list or dict was logged as JSON or as its Python repr (``{'depth': 2}``); both read
    back, never evaluated.
    """
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            return text.strip().lower() in ("true", "1")
        if kind in ("list", "dict", "any"):
            try:
                return json.loads(text)
            except ValueError:
                return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return text


class Reproducer:
    """Runs recorded MLflow runs again.

    Args:
        settings: The workspace.
        connection: The tracking store the runs are in.
        jobs: The job service that runs the reproduction.
        environments: The environments, to re-create a recorded lock.
    """

    def __init__(
        self,
        settings: Settings,
        connection: TrackingConnection,
        jobs: JobService,
        environments: EnvironmentService,
    ) -> None:
        self.settings = settings
        self.connection = connection
        self.jobs = jobs
        self.environments = environments

    async def reproduce(self, run_id: str) -> Reproduction:
        """Queue a job run that reproduces the MLflow run ``run_id``.

        Raises:
            NotFound: No such run.
            InvalidInput: The run was not made by jupyter-mlx or recorded no notebook
                snapshot (field ``run_id``).
        """
        recorded = await self.jobs.pool.run(self._read, run_id)
        warnings = await self.jobs.pool.run(self._changed_inputs, recorded)
        request: dict[str, Any] = {}
        if recorded.environment and recorded.lock_sha256:
            kernel, current = await self.jobs.pool.run(self._recreate, recorded)
            if current:
                request["environment"] = recorded.environment
            else:
                request["kernel"] = kernel
                warnings.append(
                    f"Environment {recorded.environment!r} has changed since the run: the lock "
                    f"it recorded is installed beside it, as the kernel {kernel}."
                )
        else:
            request["kernel"] = recorded.kernel
            warnings.append(
                "The run recorded no environment lock: it runs again on the kernel "
                f"{recorded.kernel or 'of the notebook'} as installed now."
            )
        job_run, _ = await self.jobs.create(
            CreateJobRunRequest(
                notebook=recorded.notebook,
                parameters=recorded.parameters,
                experiment=recorded.experiment,
                **request,
            ),
            RunOrigin(job_id=uuid.uuid4().hex, snapshot=recorded.snapshot, trigger="reproduce"),
        )
        return Reproduction(original_run_id=run_id, job_run=job_run, warnings=warnings)

    def _recreate(self, recorded: Recorded) -> tuple[str, bool]:
        """The kernel of the recorded lock, and whether it is the environment's current one."""
        assert recorded.environment is not None and recorded.lock_sha256 is not None
        kernel = self.environments.recreate(recorded.environment, recorded.lock_sha256)
        self.jobs.kernelspecs.forget()  # a kernelspec written just now must be seen at once
        return kernel.kernel, kernel.kernel == self.environments.get(recorded.environment).kernel

    def _read(self, run_id: str) -> Recorded:
        client = self.connection.client
        with self.connection.errors(field="run_id"):
            run = client.get_run(run_id)
            experiment = client.get_experiment(run.info.experiment_id).name
        tags = run.data.tags
        notebook = tags.get(links.SOURCE_NAME)
        if not notebook:
            raise InvalidInput(
                f"Run {run_id} was not made from a notebook by jupyter-mlx: nothing to reproduce.",
                field="run_id",
            )
        snapshot = self._snapshot(run_id, tags)
        specs, _ = parameter_specs(load_notebook(snapshot, field="run_id"))
        kinds = {spec.name: spec.type for spec in specs}
        parameters = {
            name: typed_value(kinds[name], value)
            for name, value in run.data.params.items()
            if name in kinds
        }
        job = self._job_run(tags)
        if job is not None:  # its values as typed when it was asked for
            parameters = dict(job.parameters or {})
        return Recorded(
            run_id=run_id,
            experiment=experiment,
            notebook=notebook,
            snapshot=snapshot,
            parameters=parameters,
            kernel=job.kernel if job is not None else None,
            environment=tags.get(links.ENV_NAME),
            lock_sha256=tags.get(links.ENV_LOCK_SHA256),
            inputs=[(data.path, data.sha256) for data in read_inputs(run)],
        )

    def _snapshot(self, run_id: str, tags: dict[str, str]) -> Path:
        """The notebook as the run ran it: its logged snapshot, or its job run's copy."""
        folder = self.settings.workspace / REPRODUCE_DIR / run_id
        artifact = tags.get(links.NOTEBOOK_SNAPSHOT)
        if artifact:
            folder.mkdir(parents=True, exist_ok=True)
            with self.connection.errors(field="run_id"):
                local = self.connection.client.download_artifacts(run_id, artifact, str(folder))
            return Path(local)
        job = self._job_run(tags)
        if job is not None:
            copy = RunFiles.of(self.settings.workspace, job.id).input
            if copy.is_file():
                return copy
        raise InvalidInput(
            f"Run {run_id} recorded no notebook snapshot: it cannot be run again as it ran.",
            field="run_id",
        )

    def _job_run(self, tags: dict[str, str]) -> Any:
        """The job run record of a job run's MLflow run, when this workspace has it."""
        if links.JOB_RUN_ID not in tags:
            return None
        try:
            return self.jobs.records.get(tags[links.JOB_RUN_ID])[0]
        except NotFound:
            return None

    def _changed_inputs(self, recorded: Recorded) -> list[str]:
        warnings = []
        for path, sha256 in recorded.inputs:
            try:
                now = hash_input(self.settings.root_dir, path).sha256
            except MLXError:
                warnings.append(f"The data input {path} recorded by the run is gone.")
                continue
            if now != sha256:
                warnings.append(
                    f"The data input {path} has changed since the run (sha256 {sha256[:12]} "
                    f"then, {now[:12]} now)."
                )
        return warnings


def metric_differences(
    connection: TrackingConnection, original: str, again: str
) -> list[MetricDifference]:
    """The final value of each metric of two runs, and their difference (blocking)."""
    client = connection.client
    with connection.errors(field="run_id"):
        first = client.get_run(original).data.metrics
        second = client.get_run(again).data.metrics
    differences = []
    for key in sorted(set(first) | set(second)):
        a, b = first.get(key), second.get(key)
        difference = None if a is None or b is None else b - a
        if difference is not None and math.isnan(difference):
            difference = None
        differences.append(
            MetricDifference(key=key, original=a, reproduced=b, difference=difference)
        )
    return differences
