"""Job definitions: a notebook copied with the settings of its runs, run on demand or on cron.

A definition keeps its own copy of the notebook, taken at creation, so editing the notebook
changes no scheduled run until the user takes the new version ("Update from notebook").
Each fire of its schedule, and each trigger, queues a run of that copy through the job
service (or starts a sweep, when the definition's payload is one); the run carries the
definition's id as ``job_id`` and, for a scheduled fire, the instant as ``scheduled_for``.
When a run of a definition ends, its webhook (if any) is told.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..blocking import BlockingPool
from ..config import Settings
from ..errors import Conflict, InvalidInput
from ..store import Store
from ..store.tables import JobDefinitionRecord
from .definition_records import DefinitionRecords
from .files import resolve_notebook, write_notebook
from .records import aware, now
from .schedule import check_cron, describe, next_fire, plan_fires, preview, zone
from .schemas import (
    ACTIVE_STATUSES,
    JOB_SETTINGS,
    CreateJobRequest,
    JobDefinition,
    JobRun,
    JobSettings,
    ListJobRunsQuery,
    ListJobRunsResponse,
    ListJobsResponse,
    SchedulePreview,
    SchedulePreviewQuery,
    SweepSpec,
    TriggerJobResponse,
    UpdateJobRequest,
    stored_values,
)
from .service import JobService, RunOrigin, accept_request
from .space import check_space
from .sweeps import SweepService, check_sweep_names
from .webhooks import check_url, deliver, event_of

log = logging.getLogger("jupyter_mlx")

#: Folder of the workspace holding each definition's copy of its notebook.
DEFINITIONS_DIRNAME = "jobs"
#: Fields a definition checks when any of them changes: its runs' settings (re-checked
#: against its notebook), its schedule, sweep and webhook.
CHECKED = (*JOB_SETTINGS, "cron", "timezone", "sweep", "webhook_url")
#: Fields a PATCH may set to null: no kernel (the notebook's), no environment, no timeout,
#: schedule, sweep or webhook.
CLEARABLE = frozenset({"kernel", "environment", "timeout", "cron", "sweep", "webhook_url"})


@dataclass(frozen=True, slots=True)
class ScheduleLimits:
    """Bounds of schedules and sweeps (``MLXApp.max_catchup_runs``, ``max_sweep_runs``)."""

    max_catchup_runs: int = 10
    max_sweep_runs: int = 100


def snapshot_path(workspace: Path, job_id: str) -> Path:
    """The copy of the notebook a definition runs."""
    return workspace / DEFINITIONS_DIRNAME / job_id / "notebook.ipynb"


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class JobDefinitionService:
    """Job definitions of one workspace: create, change, pause, trigger, fire, delete.

    Args:
        settings: The workspace.
        store: The jupyter-mlx store.
        jobs: The job service that queues and executes the runs.
        sweeps: The sweep service, for definitions whose payload is a sweep.
        pool: Threads for blocking work (store, files).
        limits: Bounds of catch-up and sweeps.
        clock: The current time (tests move it).
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        jobs: JobService,
        sweeps: SweepService,
        pool: BlockingPool,
        limits: ScheduleLimits,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.settings = settings
        self.records = DefinitionRecords(store)
        self.jobs = jobs
        self.sweeps = sweeps
        self.pool = pool
        self.limits = limits
        self.clock = clock
        #: Called when a schedule changed, so the scheduler looks again now.
        self.on_change: Callable[[], None] = lambda: None
        jobs.end_hooks.append(self._tell_webhook)

    # --- reads ---------------------------------------------------------------------------

    async def list_jobs(self, notebook: str | None = None) -> ListJobsResponse:
        return ListJobsResponse(jobs=await self.pool.run(self._list, notebook))

    async def get(self, job_id: str) -> JobDefinition:
        """One definition with its runs' counts and strip.

        Raises:
            NotFound: No such definition.
        """
        return await self.pool.run(self._describe_id, job_id)

    def preview(self, query: SchedulePreviewQuery) -> SchedulePreview:
        """A cron expression in words and its next fire times in a zone.

        Raises:
            InvalidInput: A bad expression (``field`` ``cron``) or zone (``tz``).
        """
        cron = check_cron(query.cron)
        tz = zone(query.tz, field="tz")
        return SchedulePreview(
            cron=cron,
            tz=query.tz,
            description=describe(cron),
            next_fire_times=preview(cron, tz, self.clock(), query.count),
        )

    async def runs(self, job_id: str, query: ListJobRunsQuery) -> ListJobRunsResponse:
        """A page of a definition's runs, newest first.

        Raises:
            NotFound: No such definition.
            InvalidInput: The query names a job (``field`` ``job_id``): the path does.
        """
        if query.job_id is not None:
            raise InvalidInput(
                "The runs of a job take their job from the path: drop job_id.", field="job_id"
            )
        await self.pool.run(self.records.get, job_id)
        return await self.jobs.list_runs(query.model_copy(update={"job_id": job_id}))

    # --- changes -------------------------------------------------------------------------

    async def create(self, request: CreateJobRequest) -> JobDefinition:
        """Check and store a definition with its copy of the notebook.

        Raises:
            InvalidInput: A bad notebook, parameter, kernel, cron, time zone, sweep or webhook
                URL (``field`` names it); nothing is stored.
            NotFound: No such notebook.
        """
        definition = await self.pool.run(self._create, request)
        self.on_change()
        return definition

    async def update(self, job_id: str, request: UpdateJobRequest) -> JobDefinition:
        """Change a definition; a changed schedule fires next from now on.

        Raises:
            InvalidInput: A bad value (``field`` names it); nothing is changed.
            NotFound: No such definition.
        """
        definition = await self.pool.run(self._update, job_id, request)
        self.on_change()
        return definition

    async def update_from_notebook(self, job_id: str) -> JobDefinition:
        """Take a new copy of the notebook, checking the definition's values against it.

        Raises:
            InvalidInput: The notebook no longer takes the definition's values.
            NotFound: No such definition, or its notebook is gone.
        """
        return await self.pool.run(self._take_snapshot, job_id)

    async def pause(self, job_id: str) -> JobDefinition:
        """Stop firing; the definition and its runs stay."""
        await self.pool.run(self.records.update, job_id, active=False, next_fire_at=None)
        self.on_change()
        return await self.get(job_id)

    async def resume(self, job_id: str) -> JobDefinition:
        """Fire again from now on: the fires missed while paused run only under ``all``."""
        record = await self.pool.run(self.records.get, job_id)
        moment = self.clock()
        values: dict[str, Any] = {"active": True, "next_fire_at": None}
        if record.catchup != "all":
            values["last_fire_at"] = moment
        if record.cron:
            cursor = moment if record.catchup != "all" else aware(record.last_fire_at) or moment
            values["next_fire_at"] = next_fire(record.cron, zone(record.timezone), cursor)
        await self.pool.run(self.records.update, job_id, **values)
        self.on_change()
        return await self.get(job_id)

    async def trigger(
        self, job_id: str, parameters: dict[str, Any] | None = None
    ) -> TriggerJobResponse:
        """Run a definition now (its sweep, when its payload is one).

        Raises:
            NotFound: No such definition.
            InvalidInput: A value the notebook does not take.
        """
        record = await self.pool.run(self.records.get, job_id)
        return await self.fire(record, None, "manual", parameters or {})

    async def fire(
        self,
        record: JobDefinitionRecord,
        instant: datetime | None,
        trigger: str,
        overrides: dict[str, Any] | None = None,
    ) -> TriggerJobResponse:
        """Queue the run (or start the sweep) of one fire; an instant that has fired already
        gives what it made then."""
        snapshot = snapshot_path(self.settings.workspace, record.id)
        if record.sweep is not None:
            sweep = await self.sweeps.start_for_definition(record, snapshot, instant, trigger)
            return TriggerJobResponse(run=None, sweep=sweep)
        request = JobSettings.of(record).run_request(
            record.notebook, parameters={**record.parameters, **(overrides or {})}
        )
        origin = RunOrigin(
            job_id=record.id,
            snapshot=snapshot,
            trigger=trigger,
            scheduled_for=instant,
            max_concurrent=record.max_concurrent_runs,
        )
        run, _ = await self.jobs.create(request, origin)
        return TriggerJobResponse(run=run, sweep=None)

    async def fire_due(self, moment: datetime) -> int:
        """Fire every definition that is due at ``moment``, per its catch-up policy.

        Returns:
            How many fires were handed on (runs or sweeps; one made before counts too).
        """
        fired = 0
        for record in await self.pool.run(self.records.due, moment):
            assert record.cron is not None
            cursor = aware(record.last_fire_at) or aware(record.created_at) or moment
            plan = plan_fires(
                record.cron,
                zone(record.timezone),
                cursor=cursor,
                now=moment,
                policy=record.catchup,
                cap=self.limits.max_catchup_runs,
            )
            for instant, trigger in plan.fires:
                try:
                    await self.fire(record, instant, trigger)
                    fired += 1
                except (InvalidInput, Conflict) as exc:
                    log.error(
                        "Job %r (%s) could not fire for %s: %s",
                        record.name,
                        record.id,
                        instant.isoformat(),
                        exc.message,
                    )
            if plan.skipped:
                log.warning(
                    "Job %r skipped %d missed fires (catch-up %s)",
                    record.name,
                    plan.skipped,
                    record.catchup,
                )
            await self.pool.run(self.records.advance, record, plan)
        return fired

    async def next_due(self) -> datetime | None:
        return await self.pool.run(self.records.next_due)

    def names_using(self, environment: str) -> list[str]:
        """The names of the definitions that run on ``environment``, by name (blocking)."""
        return [record.name for record in self.records.using(environment)]

    async def delete(self, job_id: str, *, keep_runs: bool, stop_runs: bool) -> None:
        """Delete a definition and its copy of the notebook; its runs stay unless told.

        Raises:
            NotFound: No such definition.
            Conflict: Runs of it are active and ``stop_runs`` is false.
        """
        await self.pool.run(self.records.get, job_id)
        page = await self.jobs.list_runs(
            ListJobRunsQuery(job_id=job_id, status=sorted(ACTIVE_STATUSES), max_results=1000)
        )
        if page.runs and not stop_runs:
            raise Conflict(
                f"Job {job_id} has {page.total} active runs: stop them first, or delete with "
                "stop_runs=true.",
                field="stop_runs",
            )
        await self.sweeps.stop_all(job_id=job_id)
        for run in page.runs:
            await self.jobs.stop_quietly(run.id)
        if not keep_runs:
            await self.sweeps.delete_all(job_id=job_id)
            for run_id in await self.pool.run(lambda: self.jobs.records.ids_of(job_id=job_id)):
                await self.jobs.delete(run_id)
        await self.pool.run(self._delete, job_id)
        self.on_change()

    # --- blocking work -------------------------------------------------------------------

    def _list(self, notebook: str | None) -> list[JobDefinition]:
        return [self._describe(record) for record in self.records.all(notebook)]

    def _describe_id(self, job_id: str) -> JobDefinition:
        return self._describe(self.records.get(job_id))

    def _describe(self, record: JobDefinitionRecord) -> JobDefinition:
        stats = self.records.stats(record.id)
        source = self.settings.root_dir / record.notebook
        current = _sha256(source)
        return JobDefinition(
            id=record.id,
            name=record.name,
            notebook=record.notebook,
            snapshot_path=str(snapshot_path(self.settings.workspace, record.id)),
            snapshot_sha256=record.snapshot_sha256,
            snapshot_taken_at=aware(record.snapshot_taken_at),  # type: ignore[arg-type]
            notebook_changed=current is not None and current != record.snapshot_sha256,
            parameters=record.parameters,
            kernel=record.kernel,
            environment=record.environment,
            install_environment=bool(record.install_environment),
            inputs=record.inputs or [],
            timeout=record.timeout,
            retries=record.retries,
            retry_backoff=record.retry_backoff,
            output_formats=record.output_formats,  # type: ignore[arg-type]
            experiment=record.experiment,
            cron=record.cron,
            timezone=record.timezone,
            schedule_description=describe(record.cron) if record.cron else None,
            catchup=record.catchup,  # type: ignore[arg-type]
            max_concurrent_runs=record.max_concurrent_runs,
            active=record.active,
            next_fire_at=aware(record.next_fire_at) if record.active else None,
            last_fire_at=aware(record.last_fire_at),
            skipped_fires=record.skipped_fires,
            sweep=None if record.sweep is None else SweepSpec.model_validate(record.sweep),
            notify=record.notify,
            webhook_url=record.webhook_url,
            webhook_events=record.webhook_events,  # type: ignore[arg-type]
            created_at=aware(record.created_at),  # type: ignore[arg-type]
            updated_at=aware(record.updated_at),  # type: ignore[arg-type]
            run_count=stats.run_count,
            active_runs=stats.active_runs,
            last_run=stats.last,
            previous_status=stats.previous_status,  # type: ignore[arg-type]
            recent_runs=stats.recent,
        )

    def _check(self, notebook_file: Path | None, request: Any, values: dict[str, Any]) -> Any:
        """Check a definition's values against its notebook; returns what the job service
        accepted (the notebook, its path, values and kernel)."""
        if values.get("cron") is not None:
            values["cron"] = check_cron(values["cron"])
        if "timezone" in values:
            zone(values["timezone"])
        if values.get("webhook_url") is not None:
            check_url(values["webhook_url"])
        run_request = JobSettings.model_validate(
            {name: values[name] for name in JOB_SETTINGS}
        ).run_request(values["notebook"], allow_extra=request.allow_extra)
        accepted = accept_request(
            self.settings,
            self.jobs.kernelspecs,
            run_request,
            notebook_file,
            environments=self.jobs.environments,
        )
        if values.get("sweep") is not None:
            spec = SweepSpec.model_validate(values["sweep"])
            check_space(spec, self.limits.max_sweep_runs, field="sweep.parameters")
            check_sweep_names(accepted.notebook, spec, field="sweep.parameters")
        return accepted

    def _create(self, request: CreateJobRequest) -> JobDefinition:
        values = request.model_dump(exclude={"allow_extra"})
        if request.sweep is not None:
            values["sweep"] = request.sweep.model_dump()
        accepted = self._check(None, request, values)
        job_id = uuid.uuid4().hex
        source, _ = resolve_notebook(self.settings.root_dir, accepted.path)
        moment = self.clock()
        cron = values["cron"]
        record = JobDefinitionRecord(
            id=job_id,
            name=request.name or Path(accepted.path).stem,
            notebook=accepted.path,
            snapshot_sha256=_sha256(source) or "",
            snapshot_taken_at=moment,
            parameters=accepted.parameters,
            kernel=accepted.kernel,
            environment=request.environment,
            install_environment=request.install_environment,
            inputs=accepted.inputs,
            timeout=request.timeout,
            retries=request.retries,
            retry_backoff=request.retry_backoff,
            output_formats=list(request.output_formats),
            experiment=request.experiment or accepted.path,
            cron=cron,
            timezone=request.timezone,
            catchup=request.catchup,
            max_concurrent_runs=request.max_concurrent_runs,
            active=request.active,
            next_fire_at=(
                next_fire(cron, zone(request.timezone), moment) if cron and request.active else None
            ),
            last_fire_at=moment,
            skipped_fires=0,
            sweep=values["sweep"],
            notify=request.notify,
            webhook_url=request.webhook_url,
            webhook_events=list(request.webhook_events),
            created_at=moment,
            updated_at=moment,
        )
        path = snapshot_path(self.settings.workspace, job_id)
        write_notebook(path, accepted.notebook)
        try:
            self.records.insert(record)
        except BaseException:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        return self._describe(record)

    def _update(self, job_id: str, request: UpdateJobRequest) -> JobDefinition:
        record = self.records.get(job_id)
        given = request.model_dump(exclude={"allow_extra"}, exclude_unset=True)
        # null clears what may be empty; for the other fields it changes nothing.
        changes = {k: v for k, v in given.items() if v is not None or k in CLEARABLE}
        rescheduled = bool({"cron", "timezone"} & changes.keys())
        if request.sweep is not None:
            changes["sweep"] = request.sweep.model_dump()
        # A kernel replaces the environment, and an environment the kernel (both: refused).
        if changes.get("kernel") is not None and "environment" not in changes:
            changes["environment"] = None
        if changes.get("environment") is not None and "kernel" not in changes:
            changes["kernel"] = None
        values = {**stored_values(record, CHECKED), **changes, "notebook": record.notebook}
        accepted = self._check(snapshot_path(self.settings.workspace, job_id), request, values)
        changes.update(parameters=accepted.parameters, kernel=accepted.kernel)
        changes.update(inputs=accepted.inputs, environment=values["environment"])
        changes.update(cron=values["cron"], output_formats=list(values["output_formats"]))
        moment = self.clock()
        if rescheduled:
            cron, tz = values["cron"], values["timezone"]
            changes["last_fire_at"] = moment
            changes["next_fire_at"] = (
                next_fire(cron, zone(tz), moment) if cron and record.active else None
            )
        changes["updated_at"] = moment
        return self._describe(self.records.update(job_id, **changes))

    def _take_snapshot(self, job_id: str) -> JobDefinition:
        record = self.records.get(job_id)
        source, _ = resolve_notebook(self.settings.root_dir, record.notebook)
        values = stored_values(record, (*JOB_SETTINGS, "sweep"))
        values["notebook"] = record.notebook
        accepted = self._check(None, UpdateJobRequest(), values)
        write_notebook(snapshot_path(self.settings.workspace, job_id), accepted.notebook)
        moment = self.clock()
        updated = self.records.update(
            job_id,
            snapshot_sha256=_sha256(source) or "",
            snapshot_taken_at=moment,
            parameters=accepted.parameters,
            updated_at=moment,
        )
        return self._describe(updated)

    def _delete(self, job_id: str) -> None:
        self.records.delete(job_id)
        shutil.rmtree(snapshot_path(self.settings.workspace, job_id).parent, ignore_errors=True)

    # --- webhooks ------------------------------------------------------------------------

    async def _tell_webhook(self, run: JobRun) -> None:
        if run.sweep_id is not None:
            return
        record = await self.pool.run(self.records.find, run.job_id)
        if record is None or not record.webhook_url:
            return
        event = event_of(run)
        if event is None or event not in record.webhook_events:
            return
        body = {
            "event": event,
            "job": {"id": record.id, "name": record.name, "notebook": record.notebook},
            "run": run.model_dump(mode="json"),
        }
        delivery = await self.pool.run(deliver, record.webhook_url, event, body)
        await self.pool.run(self.jobs.records.set_webhook, run.id, delivery)
