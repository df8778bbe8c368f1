"""Sweeps: trials of one notebook over a parameter space, grouped under one MLflow run.

A sweep copies its notebook once, creates a parent MLflow run, and queues its trials as job
runs nested under it (``mlflow.parentRunId``), at most ``max_concurrent_runs`` executing at
once. Grid and random sweeps queue every trial at creation; an Optuna sweep asks its study
(TPE, stored in the workspace's ``optuna.db``) for a trial each time one ends, until it has
run ``trials``. When a trial ends, the metric it logged ranks it; an Optuna trial whose
notebook never logged the metric fails the sweep. The sweep ends when its last trial does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update

from ..blocking import BlockingPool
from ..config import Settings
from ..errors import InvalidInput, MLXError, NotFound
from ..store import Store
from ..store.tables import JobDefinitionRecord, JobRunRecord, SweepRecord
from ..tracking import links
from ..tracking.client import TrackingConnection
from .files import RunFiles, write_notebook
from .parameters import check_parameters
from .records import aware, now, to_schema
from .schemas import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    CreateSweepRequest,
    JobRun,
    JobSettings,
    ListJobRunsQuery,
    ListSweepsQuery,
    ListSweepsResponse,
    Sweep,
    SweepParameter,
    SweepSpec,
    SweepSummary,
    SweepTrial,
)
from .service import JobService, RunOrigin, accept_request, parameter_specs
from .space import check_space, grid, sample, suggest

log = logging.getLogger("jupyter_mlx")

#: Folder of the workspace holding each sweep's copy of its notebook.
SWEEPS_DIRNAME = "sweeps"
#: The workspace's Optuna storage (one study per sweep, named by its id).
OPTUNA_DB = "optuna.db"
#: Seconds between looks at running sweeps whose trials another process executes.
POLL_INTERVAL_S = 5.0
STRATEGY_TAG = "mlx.sweep.strategy"


def check_sweep_names(notebook: Any, spec: SweepSpec, *, field: str = "parameters") -> None:
    """Refuse a varied name the notebook's ``parameters`` cell does not have.

    Raises:
        InvalidInput: The name is unknown (``field`` names it).
    """
    specs, _ = parameter_specs(notebook)
    known = {s.name for s in specs}
    for name in spec.parameters:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise InvalidInput(
                f"The sweep varies {name!r}, which the notebook's parameters cell lacks "
                f"(it has: {listed}).",
                field=f"{field}.{name}",
            )


@dataclass(frozen=True, slots=True)
class _Source:
    """What a sweep runs: its notebook (or a definition's copy of it), name and origin."""

    notebook: str
    snapshot: Path | None
    name: str | None
    allow_extra: bool
    job_id: str | None = None
    scheduled_for: datetime | None = None


def _notebook_snapshot(workspace: Path, sweep_id: str) -> Path:
    return workspace / SWEEPS_DIRNAME / sweep_id / "notebook.ipynb"


class SweepService:
    """Sweeps of one workspace: create, watch, stop, delete.

    Args:
        settings: The workspace.
        store: The jupyter-mlx store.
        jobs: The job service that queues and executes the trials.
        tracking: The workspace's MLflow tracking store.
        pool: Threads for blocking work (store, files, MLflow, Optuna).
        max_runs: Most trials one sweep may have.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        jobs: JobService,
        tracking: TrackingConnection,
        pool: BlockingPool,
        max_runs: int,
    ) -> None:
        self.settings = settings
        self.store = store
        self.jobs = jobs
        self.tracking = tracking
        self.pool = pool
        self.max_runs = max_runs
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        jobs.end_hooks.append(self._trial_ended)

    # --- reads ---------------------------------------------------------------------------

    async def get(self, sweep_id: str) -> Sweep:
        """A sweep with its trials and best trial.

        Raises:
            NotFound: No such sweep.
        """
        return await self.pool.run(self._describe, sweep_id)

    async def list_sweeps(self, query: ListSweepsQuery) -> ListSweepsResponse:
        return ListSweepsResponse(sweeps=await self.pool.run(self._summaries, query))

    # --- changes -------------------------------------------------------------------------

    async def create(self, request: CreateSweepRequest) -> Sweep:
        """Check a sweep, create its parent MLflow run and queue its first trials.

        Raises:
            InvalidInput: No varied parameter, a bad range, a value the notebook does not
                take, optuna without a metric, or more runs than allowed (``field`` names
                it); nothing is created.
            NotFound: No such notebook.
        """
        spec = SweepSpec.model_validate(request.model_dump(include=set(SweepSpec.model_fields)))
        source = _Source(request.notebook, None, request.name, request.allow_extra)
        return await self._start(spec, request.base, source)

    async def start_for_definition(
        self,
        record: JobDefinitionRecord,
        snapshot: Path,
        instant: datetime | None,
        trigger: str,
    ) -> Sweep:
        """Start the sweep a definition's fire makes; an instant that fired already gives
        the sweep it made then."""
        if instant is not None:
            existing = await self.pool.run(self._by_fire, record.id, instant)
            if existing is not None:
                return await self.get(existing)
        source = _Source(record.notebook, snapshot, record.name, False, record.id, instant)
        return await self._start(
            SweepSpec.model_validate(record.sweep), JobSettings.of(record), source
        )

    async def stop(self, sweep_id: str) -> Sweep:
        """End a running sweep: its queued and running trials are stopped.

        Raises:
            NotFound: No such sweep.
        """
        async with self._locks[sweep_id]:
            record = await self.pool.run(self._get, sweep_id)
            if record.status == "running":
                await self.pool.run(self._finish, record, "stopped", "Stopped by the user.")
        await self._stop_trials(sweep_id)
        return await self.get(sweep_id)

    async def stop_all(self, *, job_id: str) -> None:
        """Stop the running sweeps a definition fired."""
        for sweep_id in await self.pool.run(self._ids, job_id, True):
            await self.stop(sweep_id)

    async def delete(self, sweep_id: str, *, keep_runs: bool) -> None:
        """Delete a sweep (stopped first); its trials' runs stay unless told.

        Raises:
            NotFound: No such sweep.
        """
        await self.stop(sweep_id)
        if not keep_runs:
            for run_id in await self.pool.run(lambda: self.jobs.records.ids_of(sweep_id=sweep_id)):
                await self.jobs.delete(run_id)
        await self.pool.run(self._delete, sweep_id)

    async def delete_all(self, *, job_id: str) -> None:
        """Delete the sweeps a definition fired, with their trials."""
        for sweep_id in await self.pool.run(self._ids, job_id, False):
            await self.delete(sweep_id, keep_runs=False)

    async def advance(self, sweep_id: str) -> None:
        """Rank the trials that ended, ask Optuna for the next ones, end the sweep when its
        last trial has ended."""
        async with self._locks[sweep_id]:
            record = await self.pool.run(self._get, sweep_id)
            if record.status != "running":
                return
            failure = await self.pool.run(self._rank_ended, record)
            if failure is not None:
                await self.pool.run(self._finish, record, "failed", failure)
            elif record.strategy == "optuna":
                await self._ask_more(record)
            if failure is None:
                await self.pool.run(self._finish_if_done, record)
        if failure is not None:
            await self._stop_trials(sweep_id)

    async def watch(self, sleep: Callable[[float], Any]) -> None:
        """Advance the running sweeps now and then, for trials other processes execute
        (the server's background task ``sweeps``)."""
        while True:
            for sweep_id in await self.pool.run(self._running_ids):
                await self.advance(sweep_id)
            if await sleep(POLL_INTERVAL_S):
                return

    # --- internals -----------------------------------------------------------------------

    async def _start(self, spec: SweepSpec, base: JobSettings, source: _Source) -> Sweep:
        record, points = await self.pool.run(self._create, spec, base, source)
        async with self._locks[record.id]:
            if record.strategy == "optuna":
                await self._ask_more(record)
            else:
                for number, values in enumerate(points):
                    await self._queue_trial(record, number, values)
        return await self.get(record.id)

    async def _queue_trial(self, record: SweepRecord, number: int, values: dict[str, Any]) -> None:
        base = JobSettings.model_validate(record.base)
        request = base.run_request(
            record.notebook,
            parameters={**base.parameters, **values},
            experiment=record.experiment,
            allow_extra=True,
        )
        origin = RunOrigin(
            job_id=record.job_id or record.id,
            snapshot=_notebook_snapshot(self.settings.workspace, record.id),
            trigger="sweep",
            max_concurrent=record.max_concurrent_runs,
            sweep_id=record.id,
            trial_number=number,
            trial_values=values,
        )
        await self.jobs.create(request, origin)

    async def _ask_more(self, record: SweepRecord) -> None:
        asked, active = await self.pool.run(self._trial_counts, record.id)
        while asked < record.trials and active < record.max_concurrent_runs:
            number, values = await self.pool.run(self._ask, record)
            await self._queue_trial(record, number, values)
            asked += 1
            active += 1

    async def _stop_trials(self, sweep_id: str) -> None:
        page = await self.jobs.list_runs(
            ListJobRunsQuery(sweep_id=sweep_id, status=sorted(ACTIVE_STATUSES), max_results=1000)
        )
        for run in page.runs:
            await self.jobs.stop_quietly(run.id)

    async def _trial_ended(self, run: JobRun) -> None:
        if run.sweep_id is not None:
            await self.advance(run.sweep_id)

    # --- blocking work -------------------------------------------------------------------

    def _create(
        self, spec: SweepSpec, base: JobSettings, source: _Source
    ) -> tuple[SweepRecord, list[dict[str, Any]]]:
        total = check_space(spec, self.max_runs)
        allow_extra = source.allow_extra
        request = base.run_request(source.notebook, allow_extra=allow_extra)
        accepted = accept_request(
            self.settings,
            self.jobs.kernelspecs,
            request,
            source.snapshot,
            environments=self.jobs.environments,
        )
        check_sweep_names(accepted.notebook, spec)
        specs, has_cell = parameter_specs(accepted.notebook)
        spec = _typed(spec, {s.name: s.type for s in specs})
        points = grid(spec) if spec.strategy == "grid" else sample(spec, total)
        checked = [
            check_parameters(
                specs, {**accepted.parameters, **point}, has_cell=has_cell, allow_extra=allow_extra
            )
            for point in (points if spec.strategy != "optuna" else points[:1])
        ]
        points = [{name: values[name] for name in spec.parameters} for values in checked]
        sweep_id = uuid.uuid4().hex
        experiment = base.experiment or accepted.path
        record = SweepRecord(
            id=sweep_id,
            name=source.name or f"{Path(accepted.path).stem} sweep",
            notebook=accepted.path,
            job_id=source.job_id,
            scheduled_for=source.scheduled_for,
            strategy=spec.strategy,
            space={k: v.model_dump(exclude_defaults=True) for k, v in spec.parameters.items()},
            base=base.model_copy(
                update={
                    "parameters": accepted.parameters,
                    # A trial on an environment takes its kernel (and lock) when queued.
                    "kernel": None if base.environment else accepted.kernel,
                    "inputs": accepted.inputs,
                }
            ).model_dump(),
            trials=total,
            metric=spec.metric,
            direction=spec.direction,
            max_concurrent_runs=spec.max_concurrent_runs,
            seed=spec.seed,
            status="running",
            experiment=experiment,
            created_at=now(),
        )
        path = _notebook_snapshot(self.settings.workspace, sweep_id)
        write_notebook(path, accepted.notebook)
        try:
            self._start_parent_run(record, path)
            with self.store.session() as session:
                session.add(record)
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        if spec.strategy == "optuna":
            self._study(record, create=True)
        return record, points

    def _start_parent_run(self, record: SweepRecord, notebook_file: Path) -> None:
        import hashlib

        experiments = self.jobs.experiments
        with self.tracking.errors(field="experiment"):
            experiment_id = experiments.experiment_id(record.experiment, record.notebook)
            tags = links.notebook_run_tags(
                record.notebook,
                sha256=hashlib.sha256(notebook_file.read_bytes()).hexdigest(),
                environ={"MLX_JOB_ID": record.job_id} if record.job_id else {},
            )
            tags.update({"mlx.sweep.id": record.id, STRATEGY_TAG: record.strategy})
            client = self.tracking.client
            run = client.create_run(experiment_id, run_name=record.name, tags=tags)
            from mlflow.entities import Param

            params = {"sweep.strategy": record.strategy, "sweep.trials": str(record.trials)}
            if record.metric:
                params.update({"sweep.metric": record.metric, "sweep.direction": record.direction})
            for name, parameter in record.space.items():
                params[f"sweep.{name}"] = _space_text(SweepParameter.model_validate(parameter))
            client.log_batch(
                run.info.run_id, params=[Param(k, v[:6000]) for k, v in params.items()]
            )
        record.mlflow_experiment_id = experiment_id
        record.mlflow_run_id = run.info.run_id

    def _study(self, record: SweepRecord, *, create: bool = False) -> Any:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        storage = f"sqlite:///{self.settings.workspace / OPTUNA_DB}"
        if create:
            return optuna.create_study(
                study_name=record.id,
                storage=storage,
                direction=record.direction,  # type: ignore[arg-type]
                sampler=optuna.samplers.TPESampler(seed=record.seed),
                load_if_exists=True,
            )
        return optuna.load_study(
            study_name=record.id,
            storage=storage,
            sampler=optuna.samplers.TPESampler(seed=record.seed),
        )

    def _ask(self, record: SweepRecord) -> tuple[int, dict[str, Any]]:
        trial = self._study(record).ask()
        spec = _spec_of(record)
        return trial.number, suggest(trial, spec)

    def _trial_counts(self, sweep_id: str) -> tuple[int, int]:
        with self.store.session() as session:
            statuses = list(
                session.scalars(
                    select(JobRunRecord.status).where(JobRunRecord.sweep_id == sweep_id)
                )
            )
        return len(statuses), sum(1 for status in statuses if status in ACTIVE_STATUSES)

    def _rank_ended(self, record: SweepRecord) -> str | None:
        """Record the metric of each trial that ended since the last look (and tell Optuna).

        Returns:
            Why the sweep fails: an Optuna trial that never logged its metric; else None.
        """
        with self.store.session() as session:
            ended = list(
                session.scalars(
                    select(JobRunRecord).where(
                        JobRunRecord.sweep_id == record.id,
                        JobRunRecord.status.in_(sorted(FINAL_STATUSES)),
                        JobRunRecord.objective.is_(None),
                        JobRunRecord.trial_error.is_(None),
                    )
                )
            )
        failure = None
        for run in ended:
            value, error = self._objective(record, run)
            with self.store.session() as session:
                session.execute(
                    update(JobRunRecord)
                    .where(JobRunRecord.id == run.id)
                    .values(objective=value, trial_error=error or ("" if value is None else None))
                )
            if record.strategy == "optuna" and run.trial_number is not None:
                self._tell(record, run.trial_number, value)
                if run.status == "succeeded" and value is None:
                    failure = failure or f"Trial {run.trial_number}: {error}"
        return failure

    def _objective(self, record: SweepRecord, run: JobRunRecord) -> tuple[float | None, str | None]:
        if run.status != "succeeded":
            return None, f"The trial's run {run.status}."
        if not record.metric:
            return None, None
        if not run.mlflow_run_id:
            return None, "The trial has no MLflow run to read its metric from."
        try:
            with self.tracking.errors():
                metrics = self.tracking.client.get_run(run.mlflow_run_id).data.metrics
        except MLXError as exc:
            return None, f"Cannot read the metric: {exc.message}"
        value = metrics.get(record.metric)
        if value is None:
            return None, (
                f"The notebook never logged the metric {record.metric!r} "
                "(log it with %mlx_track or mlflow.log_metric)."
            )
        return float(value), None

    def _tell(self, record: SweepRecord, number: int, value: float | None) -> None:
        import optuna

        study = self._study(record)
        try:
            if value is None:
                study.tell(number, state=optuna.trial.TrialState.FAIL)
            else:
                study.tell(number, value)
        except (RuntimeError, ValueError) as exc:  # told already (another process)
            log.info("Sweep %s: trial %d was told already: %s", record.id, number, exc)

    def _finish_if_done(self, record: SweepRecord) -> None:
        asked, active = self._trial_counts(record.id)
        if active or asked < record.trials:
            return
        with self.store.session() as session:
            succeeded = session.scalar(
                select(JobRunRecord.id)
                .where(JobRunRecord.sweep_id == record.id, JobRunRecord.status == "succeeded")
                .limit(1)
            )
        if succeeded is None:
            self._finish(record, "failed", "No trial succeeded.")
        else:
            self._finish(record, "succeeded", None)

    def _finish(self, record: SweepRecord, status: str, error: str | None) -> None:
        with self.store.session() as session:
            done = session.execute(
                update(SweepRecord)
                .where(SweepRecord.id == record.id, SweepRecord.status == "running")
                .values(status=status, error=error, finished_at=now())
            )
        if not done.rowcount or not record.mlflow_run_id:  # type: ignore[attr-defined]
            return
        best = self._best(record)
        try:
            with self.tracking.errors():
                client = self.tracking.client
                if best is not None and record.metric and best.objective is not None:
                    client.log_metric(record.mlflow_run_id, f"best_{record.metric}", best.objective)
                    if best.mlflow_run_id:
                        client.set_tag(
                            record.mlflow_run_id, "mlx.sweep.best_run_id", best.mlflow_run_id
                        )
                final = {"succeeded": "FINISHED", "failed": "FAILED"}.get(status, "KILLED")
                client.set_terminated(record.mlflow_run_id, final)
        except MLXError as exc:
            log.warning("Cannot end the MLflow run of sweep %s: %s", record.id, exc.message)

    def _best(self, record: SweepRecord) -> JobRunRecord | None:
        if not record.metric:
            return None
        order = (
            JobRunRecord.objective.desc()
            if record.direction == "maximize"
            else JobRunRecord.objective.asc()
        )
        with self.store.session() as session:
            return session.scalar(
                select(JobRunRecord)
                .where(JobRunRecord.sweep_id == record.id, JobRunRecord.objective.is_not(None))
                .order_by(order)
                .limit(1)
            )

    def _get(self, sweep_id: str) -> SweepRecord:
        with self.store.session() as session:
            record = session.get(SweepRecord, sweep_id)
        if record is None:
            raise NotFound(f"No sweep {sweep_id!r}.", field="sweep_id")
        return record

    def _by_fire(self, job_id: str, instant: datetime) -> str | None:
        with self.store.session() as session:
            return session.scalar(
                select(SweepRecord.id).where(
                    SweepRecord.job_id == job_id, SweepRecord.scheduled_for == instant
                )
            )

    def _ids(self, job_id: str, running_only: bool) -> list[str]:
        where = [SweepRecord.job_id == job_id]
        if running_only:
            where.append(SweepRecord.status == "running")
        with self.store.session() as session:
            return list(session.scalars(select(SweepRecord.id).where(*where)))

    def _running_ids(self) -> list[str]:
        with self.store.session() as session:
            return list(
                session.scalars(select(SweepRecord.id).where(SweepRecord.status == "running"))
            )

    def _trials(self, sweep_id: str) -> list[tuple[JobRunRecord, JobRun]]:
        records, attempts, _, _ = self.jobs.records.page(
            ListJobRunsQuery(sweep_id=sweep_id, max_results=1000)
        )
        pairs = [
            (
                record,
                to_schema(
                    record, attempts[record.id], RunFiles.of(self.settings.workspace, record.id)
                ),
            )
            for record in records
        ]
        return sorted(pairs, key=lambda pair: pair[0].trial_number or 0)

    def _describe(self, sweep_id: str) -> Sweep:
        record = self._get(sweep_id)
        trials = [
            SweepTrial(
                number=run_record.trial_number or 0,
                run=run,
                values=run_record.trial_values or {},
                objective=run_record.objective,
                error=run_record.trial_error or None,
            )
            for run_record, run in self._trials(sweep_id)
        ]
        ranked = [t for t in trials if t.objective is not None]
        best = None
        if ranked and record.metric:
            pick = max if record.direction == "maximize" else min
            best = pick(ranked, key=lambda t: t.objective or 0.0)
        done = sum(1 for t in trials if t.run.status in FINAL_STATUSES)
        return Sweep(
            id=record.id,
            name=record.name,
            notebook=record.notebook,
            job_id=record.job_id,
            strategy=record.strategy,  # type: ignore[arg-type]
            parameters={k: SweepParameter.model_validate(v) for k, v in record.space.items()},
            metric=record.metric,
            direction=record.direction,  # type: ignore[arg-type]
            max_concurrent_runs=record.max_concurrent_runs,
            seed=record.seed,
            status=record.status,  # type: ignore[arg-type]
            total=record.trials,
            done=done,
            created_at=aware(record.created_at),  # type: ignore[arg-type]
            finished_at=aware(record.finished_at),
            error=record.error,
            experiment=record.experiment,
            mlflow_experiment_id=record.mlflow_experiment_id,
            mlflow_run_id=record.mlflow_run_id,
            trials=trials,
            best=best,
        )

    def _summaries(self, query: ListSweepsQuery) -> list[SweepSummary]:
        where = []
        if query.notebook:
            where.append(SweepRecord.notebook == query.notebook)
        if query.job_id:
            where.append(SweepRecord.job_id == query.job_id)
        with self.store.session() as session:
            records = list(
                session.scalars(
                    select(SweepRecord)
                    .where(*where)
                    .order_by(SweepRecord.created_at.desc())
                    .limit(200)
                )
            )
        summaries = []
        for record in records:
            asked, active = self._trial_counts(record.id)
            best = self._best(record)
            summaries.append(
                SweepSummary(
                    id=record.id,
                    name=record.name,
                    notebook=record.notebook,
                    job_id=record.job_id,
                    strategy=record.strategy,  # type: ignore[arg-type]
                    metric=record.metric,
                    direction=record.direction,  # type: ignore[arg-type]
                    status=record.status,  # type: ignore[arg-type]
                    total=record.trials,
                    done=asked - active,
                    best_value=None if best is None else best.objective,
                    best_run_id=None if best is None else best.id,
                    created_at=aware(record.created_at),  # type: ignore[arg-type]
                    finished_at=aware(record.finished_at),
                )
            )
        return summaries

    def _delete(self, sweep_id: str) -> None:
        record = self._get(sweep_id)
        if record.strategy == "optuna":
            import optuna

            with contextlib.suppress(KeyError):  # never created: the sweep failed at once
                optuna.delete_study(
                    study_name=sweep_id, storage=f"sqlite:///{self.settings.workspace / OPTUNA_DB}"
                )
        with self.store.session() as session:
            session.execute(delete(SweepRecord).where(SweepRecord.id == sweep_id))
        shutil.rmtree(
            _notebook_snapshot(self.settings.workspace, sweep_id).parent, ignore_errors=True
        )


def _typed(spec: SweepSpec, types: dict[str, str]) -> SweepSpec:
    """The spec with each range over an integer parameter drawing whole numbers."""
    ranges = {
        name: parameter.model_copy(update={"integer": True})
        for name, parameter in spec.parameters.items()
        if parameter.values is None and types.get(name) == "int"
    }
    return spec.model_copy(update={"parameters": {**spec.parameters, **ranges}})


def _spec_of(record: SweepRecord) -> SweepSpec:
    return SweepSpec(
        parameters={k: SweepParameter.model_validate(v) for k, v in record.space.items()},
        strategy=record.strategy,  # type: ignore[arg-type]
        trials=record.trials,
        metric=record.metric,
        direction=record.direction,  # type: ignore[arg-type]
        max_concurrent_runs=record.max_concurrent_runs,
        seed=record.seed,
    )


def _space_text(parameter: SweepParameter) -> str:
    if parameter.values is not None:
        return ", ".join(str(value) for value in parameter.values)
    text = f"{parameter.low:g}..{parameter.high:g}"
    if parameter.step:
        text += f" step {parameter.step:g}"
    if parameter.count:
        text += f" ({parameter.count} points)"
    return text + (" log" if parameter.log else "")
