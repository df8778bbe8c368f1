"""The job service: the one writer of job run state.

A create validates the notebook and its parameters, copies the notebook into the run's folder
and queues the run; nothing is written for a refused request. A dispatcher starts queued runs
first in, first out, as many at once as the executor takes, and records how each attempt ends:
succeeded, failed (the cell pinpointed), stopped, timed_out, or interrupted when the server
stopped under it. A failed, timed-out or interrupted attempt with retries left queues the run
again after a backoff that doubles with each attempt.

When a server starts, runs another server left ``running`` whose process is gone are settled
(:meth:`JobService.recover`): a kernel still alive is killed with its process group, and the run
is queued again if it has retries left, else ends ``interrupted``. No run stays ``running``
without a process executing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..blocking import BlockingPool
from ..config import Settings
from ..environments.kernels import kernel_name
from ..errors import Conflict, InvalidInput, MLXError, NotFound
from ..processes import create_time_of, process_alive, terminate_group
from ..store import Store
from ..store.tables import JobRunRecord
from ..tasks import TaskGroup
from ..tracking import links
from ..tracking.client import TrackingConnection
from ..tracking.inputs import check_inputs, hash_inputs
from ..tracking.notebook import PARAMETERS_TAG, notebook_parameters
from .environment import (
    Environments,
    JobEnvironment,
    environment_variables,
    installable,
    resolve_environment,
)
from .execution import AttemptOutcome
from .executor import AttemptTicket, Executor
from .files import RunFiles, load_notebook, resolve_notebook, write_atomic, write_notebook
from .kernels import JobKernel, KernelSpecs
from .log import RunLog, read_chunk
from .parameters import check_parameters, parameter_spec
from .records import JobRecords, Owner, now, to_schema
from .schemas import (
    FINAL_STATUSES,
    CreateJobRunRequest,
    JobRun,
    JobRunError,
    JobRunLog,
    JobRunProgress,
    ListJobRunsQuery,
    ListJobRunsResponse,
    NotebookParameterSpec,
    NotebookParametersResponse,
)
from .tracking import JobExperiments, end_mlflow_run, resume_mlflow_run, start_mlflow_run

log = logging.getLogger("jupyter_mlx")

#: Seconds between looks at the store for runs queued by another process or due retries.
POLL_INTERVAL_S = 2.0
#: Seconds a stop waits for the attempt to record its end.
STOP_WAIT_S = 15.0
#: Statuses whose attempt is retried when retries are left.
RETRIED = frozenset({"failed", "timed_out", "interrupted"})
#: nbconvert template of output notebooks rendered as HTML (in ``jobs/templates``).
JOB_OUTPUT_TEMPLATE = "mlx_job_output"
#: Kernelspec of a notebook that names none.
FALLBACK_KERNEL = "python3"


@dataclass
class _Active:
    """An attempt executing in this process."""

    ticket: AttemptTicket
    task: asyncio.Task[None] | None = None
    progress: JobRunProgress | None = None


@dataclass(frozen=True, slots=True)
class RunOrigin:
    """Where a run comes from when it is not a plain request: a definition or a sweep.

    Attributes:
        job_id: The definition (or a sweep's own job) the run belongs to.
        snapshot: The notebook file the run executes instead of the one at its path.
        trigger: What started it.
        scheduled_for: The cron instant it fires for; unique with ``job_id``.
        max_concurrent: Most runs of its group (sweep, else job) executing at once.
        sweep_id: The sweep it is a trial of.
        trial_number: Its number in that sweep.
        trial_values: The values the sweep gave it.
        mlflow_parent_run_id: The MLflow run its own nests under (the sweep's).
    """

    job_id: str
    snapshot: Path | None = None
    trigger: str = "manual"
    scheduled_for: datetime | None = None
    max_concurrent: int | None = None
    sweep_id: str | None = None
    trial_number: int | None = None
    trial_values: dict[str, Any] | None = None
    mlflow_parent_run_id: str | None = None


#: Called with every run that reaches a final status in this process.
EndHook = Callable[[JobRun], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Prepared:
    notebook: Any
    mlflow_run_id: str | None
    error: JobRunError | None = None


class JobService:
    """Job runs of one workspace: create, list, stop, logs, outputs, and their execution.

    Args:
        settings: The workspace.
        store: The jupyter-mlx store.
        tracking: The workspace's MLflow tracking store.
        executor: Where attempts execute.
        pool: Threads for the service's blocking work (store, files, MLflow).
        environments: The workspace's environments, which runs may execute on.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        tracking: TrackingConnection,
        executor: Executor,
        pool: BlockingPool,
        environments: Environments | None = None,
    ) -> None:
        self.settings = settings
        self.records = JobRecords(store)
        self.tracking = tracking
        self.experiments = JobExperiments(tracking, settings)
        self.executor = executor
        self.pool = pool
        self.environments = environments
        self.kernelspecs = KernelSpecs((settings.kernels_dir,))
        self._installs: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.owner = Owner(socket.gethostname(), os.getpid(), create_time_of(os.getpid()))
        self._active: dict[str, _Active] = {}
        self._wake = asyncio.Event()
        self._closing = False
        self._finished = asyncio.Condition()
        #: Told of every run that ends here (webhooks, sweeps); a failing hook is logged.
        self.end_hooks: list[EndHook] = []

    # --- reads ---------------------------------------------------------------------------

    async def notebook_parameters(self, path: str) -> NotebookParametersResponse:
        """The parameters of a notebook and the kernels it may run in; a kernel of its
        kernelspec is started ahead for the run likely to follow."""
        answer = await self.pool.run(self._read_parameters, path)
        self.executor.prepare(answer.default_kernel)
        return answer

    async def list_runs(self, query: ListJobRunsQuery) -> ListJobRunsResponse:
        records, attempts, token, total = await self.pool.run(self.records.page, query)
        runs = [self._schema(record, attempts[record.id]) for record in records]
        return ListJobRunsResponse(runs=runs, next_page_token=token, total=total)

    async def get(self, run_id: str) -> JobRun:
        record, attempts = await self.pool.run(self.records.get, run_id)
        return self._schema(record, attempts)

    async def read_log(self, run_id: str, offset: int, max_bytes: int) -> JobRunLog:
        record, _ = await self.pool.run(self.records.get, run_id)
        path = RunFiles.of(self.settings.workspace, run_id).log
        text, next_offset = await self.pool.run(read_chunk, path, offset, max_bytes)
        size = await self.pool.run(_size, path)
        complete = record.status in FINAL_STATUSES and next_offset >= size
        return JobRunLog(
            run_id=run_id, offset=offset, next_offset=next_offset, text=text, complete=complete
        )

    async def output(self, run_id: str, fmt: str) -> tuple[bytes, str]:
        """The output notebook as ipynb bytes, or rendered as an HTML page.

        Raises:
            NotFound: No such run, or no output notebook yet.
        """
        record, _ = await self.pool.run(self.records.get, run_id)
        return await self.pool.run(_read_output, record, fmt)

    # --- changes -------------------------------------------------------------------------

    async def create(
        self, request: CreateJobRunRequest, origin: RunOrigin | None = None
    ) -> tuple[JobRun, bool]:
        """Validate and queue a run.

        Args:
            request: What to run.
            origin: The definition or sweep it belongs to, when one made it.

        Returns:
            The run, and whether it was created now (False: the idempotency key's run, or
            the run its definition made for that instant already).

        Raises:
            InvalidInput: A bad path, notebook, parameter, value, kernel, environment or input
                (``field`` names it).
            NotFound: No such notebook or job.
        """
        if request.environment is not None and request.install_environment:
            await self._install_environment(request.environment)
        record, created = await self.pool.run(self._queue, request, origin)
        if not created:
            return await self.get(record.id), False
        self._wake.set()
        return self._schema(record, []), True

    async def stop(self, run_id: str) -> JobRun:
        """Stop a queued or running run; its kernel's process group is killed.

        Raises:
            NotFound: No such run.
            Conflict: It has ended, or another process executes it.
        """
        active = self._active.get(run_id)
        if active is None and await self.pool.run(self.records.stop_queued, run_id):
            await self._ended(await self.get(run_id))
        elif active is None:
            record, _ = await self.pool.run(self.records.get, run_id)
            if record.status in FINAL_STATUSES:
                raise Conflict(f"Job run {run_id} has ended already ({record.status}).")
            if record.status == "running":
                raise Conflict(
                    f"Job run {run_id} runs in another process (pid {record.owner_pid} on "
                    f"{record.host}): stop it through the server that runs it."
                )
            active = self._active.get(run_id)  # claimed here in the meantime
        if active is not None:
            active.ticket.stop.set()
            if active.task is not None:
                await asyncio.wait({active.task}, timeout=STOP_WAIT_S)
        else:
            await self._notify()
        return await self.get(run_id)

    async def stop_quietly(self, run_id: str) -> None:
        """Stop a run unless it has ended meanwhile (or another process executes it)."""
        try:
            await self.stop(run_id)
        except Conflict as exc:
            log.info("Job run %s was not stopped: %s", run_id, exc.message)

    async def delete(self, run_id: str) -> None:
        """Delete a run that has ended, with its folder; its MLflow run is kept.

        Raises:
            NotFound: No such run.
            Conflict: It is queued or running.
        """
        record, _ = await self.pool.run(self.records.get, run_id)
        if record.status not in FINAL_STATUSES:
            raise Conflict(f"Job run {run_id} is {record.status}: stop it before deleting it.")
        await self.pool.run(self._delete, run_id)

    async def wait(self, run_id: str, timeout: float | None = None) -> JobRun:
        """The run once it has ended (or as it is when ``timeout`` seconds have passed)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            run = await self.get(run_id)
            if run.status in FINAL_STATUSES:
                return run
            remaining = POLL_INTERVAL_S
            if deadline is not None:
                remaining = min(remaining, deadline - time.monotonic())
                if remaining <= 0:
                    return run
            async with self._finished:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._finished.wait(), remaining)

    # --- execution -----------------------------------------------------------------------

    async def recover(self) -> list[str]:
        """Settle the runs a process that is gone left ``running`` on this host.

        Returns:
            Their ids.
        """
        settled = []
        for record, attempt in await self.pool.run(self.records.running_on, self.owner.host):
            if record.owner_pid is None or process_alive(
                record.owner_pid, record.owner_create_time or 0.0
            ):
                continue
            kernel_alive = (
                attempt is not None
                and attempt.pid is not None
                and process_alive(attempt.pid, attempt.create_time or 0.0)
            )
            if kernel_alive:
                assert attempt is not None and attempt.pid is not None
                await terminate_group(attempt.pid, attempt.create_time or 0.0, 2.0)
            what = "its kernel was stopped" if kernel_alive else "its kernel had exited"
            error = JobRunError(
                message=f"The server executing this run stopped during attempt "
                f"{record.attempt}; {what}."
            )
            runlog = RunLog(RunFiles.of(self.settings.workspace, record.id).log, self.pool.run)
            runlog.line(f"interrupted: {error.message}")
            await runlog.close()
            final = await self._end_attempt(record, record.attempt, "interrupted", error, None)
            if final.status in FINAL_STATUSES:
                await self._ended(self._schema(final, []))
            log.warning(
                "Job run %s was left running by pid %s: %s",
                record.id,
                record.owner_pid,
                final.status,
            )
            settled.append(record.id)
        return settled

    async def dispatch(self, *, only: set[str] | None = None) -> None:
        """Start queued runs as the executor has room, until cancelled (the server's loop).

        Args:
            only: Start only these runs (a command running its own run in-process).
        """
        while True:
            free = self.executor.capacity - len(self._active)
            if free > 0 and not self._closing:
                claimed = await self.pool.run(self.records.claim_due, self.owner, free, only)
                for record, number in claimed:
                    self._begin(record, number)
            if only is None:
                self.executor.expect(await self.pool.run(self.records.queued_kernels))
            self._wake.clear()
            wait = await self._next_look()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def close(self) -> None:
        """Stop the attempts executing here (each ends ``interrupted``, queued again when it
        has retries left), then release the executor."""
        self._closing = True
        for active in list(self._active.values()):
            active.ticket.stop.set()
        tasks = [a.task for a in self._active.values() if a.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_WAIT_S)
        await self.executor.close()

    async def start(self, tasks: TaskGroup) -> None:
        """Settle what a server that is gone left running, get a kernel ready for the most
        used kernelspec, and start the dispatcher as the background task ``jobs``."""
        await self.recover()
        uses = await self.pool.run(self.records.kernel_uses)
        for kernel, _ in uses.most_common(1):
            self.executor.prepare(kernel)
        tasks.start("jobs", self.dispatch)

    # --- internals -----------------------------------------------------------------------

    async def _install_environment(self, name: str) -> None:
        """Install an environment that is locked but not installed (or failed to install),
        once however many runs ask at the same time; any other state is left for the run's
        check to refuse with its fix."""
        environments = self.environments
        if environments is None:
            return
        async with self._installs[name]:
            if not await self.pool.run(installable, environments, name):
                return
            log.info("Installing environment %s before a job run", name)
            # An install takes seconds to minutes: not on the pool the runs' writes share.
            await asyncio.to_thread(environments.install, name)
            self.kernelspecs.forget()

    async def _next_look(self) -> float:
        due = await self.pool.run(self.records.next_due)
        if due is None:
            return POLL_INTERVAL_S
        return max(0.01, min(POLL_INTERVAL_S, (due - now()).total_seconds()))

    def _schema(self, record: JobRunRecord, attempts: list[Any]) -> JobRun:
        active = self._active.get(record.id)
        progress = active.progress if active is not None else None
        return to_schema(
            record, attempts, RunFiles.of(self.settings.workspace, record.id), progress
        )

    def _begin(self, record: JobRunRecord, number: int) -> None:
        files = RunFiles.of(self.settings.workspace, record.id)
        active = _Active(
            AttemptTicket(
                run_id=record.id,
                number=number,
                notebook=None,
                kernel=record.kernel,
                timeout=record.timeout,
                env={},
                cwd=self.settings.root_dir,
                log=RunLog(files.log, self.pool.run),
            )
        )

        def progress(cell: int, total: int) -> None:
            active.progress = JobRunProgress(cell=cell, total=total)

        async def on_kernel(kernel: JobKernel) -> None:
            await self.pool.run(
                self.records.set_kernel,
                record.id,
                number,
                kernel.pid,
                kernel.create_time,
                kernel.warm,
            )

        active.ticket.on_progress = progress
        active.ticket.on_kernel = on_kernel
        self._active[record.id] = active
        active.task = asyncio.ensure_future(self._attempt(record, number, active))

    async def _attempt(self, record: JobRunRecord, number: int, active: _Active) -> None:
        ticket = active.ticket
        try:
            ticket.log.line(f"attempt {number} of {record.retries + 1}, kernel {record.kernel}")
            prepared = await self.pool.run(self._prepare, record, number)
            notebook = prepared.notebook
            if prepared.error is not None:
                outcome = AttemptOutcome("failed", prepared.error)
            else:
                ticket.notebook = notebook
                ticket.env = self._run_env(record, prepared.mlflow_run_id)
                ticket.cwd = _notebook_folder(self.settings, record.notebook)
                outcome, notebook = await self.executor.execute(ticket)
            if outcome.status == "stopped" and self._closing:
                outcome = AttemptOutcome(
                    "interrupted",
                    JobRunError(message="The server stopped while this attempt ran."),
                )
            ticket.log.line(_summary(outcome))
        except Exception as exc:  # the run must end whatever went wrong
            log.exception("Job run %s: attempt %d failed unexpectedly", record.id, number)
            notebook = ticket.notebook
            outcome = AttemptOutcome(
                "failed", JobRunError(message=f"The attempt failed: {type(exc).__name__}: {exc}")
            )
            ticket.log.line(outcome.error.message if outcome.error else "failed")
        try:
            await ticket.log.close()
            ended = await self._end_attempt(record, number, outcome.status, outcome.error, notebook)
            if ended.status in FINAL_STATUSES:
                await self._ended(self._schema(ended, []))
        finally:
            self._active.pop(record.id, None)
            self._wake.set()
            await self._notify()

    async def _end_attempt(
        self,
        record: JobRunRecord,
        number: int,
        status: str,
        error: JobRunError | None,
        notebook: Any,
    ) -> JobRunRecord:
        retry_at = None
        if status in RETRIED and number < record.retries + 1:
            wait = 0.0 if status == "interrupted" else record.retry_backoff * 2 ** (number - 1)
            retry_at = now() + timedelta(seconds=wait)
        return await self.pool.run(
            self._record_end, record, number, status, error, notebook, retry_at
        )

    async def _ended(self, run: JobRun) -> None:
        for hook in self.end_hooks:
            try:
                await hook(run)
            except Exception:
                log.exception("Job run %s: a hook on its end failed", run.id)

    async def _notify(self) -> None:
        async with self._finished:
            self._finished.notify_all()

    def _run_env(self, record: JobRunRecord, mlflow_run_id: str | None) -> dict[str, str]:
        env = {
            "MLX_JOB_ID": record.job_id,
            "MLX_JOB_RUN_ID": record.id,
            "MLX_NOTEBOOK_PATH": record.notebook,
            # What the kernel reads of its notebook is the copy it runs, not the file as the
            # user may have changed it since.
            "MLX_NOTEBOOK_FILE": str(RunFiles.of(self.settings.workspace, record.id).input),
            "JPY_SESSION_NAME": str(self.settings.root_dir / record.notebook),
        }
        if mlflow_run_id:
            env[links.JOB_MLFLOW_RUN_ENV] = mlflow_run_id
        env.update(environment_variables(_environment_of(record)))
        return env

    # --- blocking work, in the pool's threads --------------------------------------------

    def _read_parameters(self, path: str) -> NotebookParametersResponse:
        resolved, relative = resolve_notebook(self.settings.root_dir, path, field="path")
        notebook = load_notebook(resolved, field="path")
        specs, has_cell = parameter_specs(notebook)
        kernels = self.kernelspecs.all()
        named = notebook.metadata.get("kernelspec", {}).get("name")
        return NotebookParametersResponse(
            path=relative,
            has_parameters_cell=has_cell,
            parameters=specs,
            kernel=named,
            kernels=list(kernels.values()),
            default_kernel=_default_kernel(named, kernels),
        )

    def _queue(
        self, request: CreateJobRunRequest, origin: RunOrigin | None
    ) -> tuple[JobRunRecord, bool]:
        if request.idempotency_key is not None:
            existing = self.records.by_idempotency_key(request.idempotency_key)
            if existing is not None:
                return existing, False
        if origin is not None and origin.scheduled_for is not None:
            existing = self.records.by_fire(origin.job_id, origin.scheduled_for)
            if existing is not None:
                return existing, False
        snapshot = None if origin is None else origin.snapshot
        accepted = accept_request(
            self.settings, self.kernelspecs, request, snapshot, environments=self.environments
        )
        environment = accepted.environment
        if request.environment is not None and environment is None:
            # Accepted to be installed first, which create() did: a run needs it ready now.
            environment = resolve_environment(self.environments, request.environment)
        if request.job_id is not None and not self.records.job_exists(request.job_id):
            raise NotFound(f"No job {request.job_id!r}.", field="job_id")
        origin = origin or RunOrigin(job_id=request.job_id or uuid.uuid4().hex)
        run_id = uuid.uuid4().hex
        files = RunFiles.of(self.settings.workspace, run_id)
        write_notebook(files.input, accepted.notebook)
        record = JobRunRecord(
            id=run_id,
            job_id=origin.job_id,
            notebook=accepted.path,
            status="queued",
            parameters=accepted.parameters,
            kernel=environment.kernel if environment else accepted.kernel,
            environment=environment.name if environment else None,
            environment_lock_sha256=environment.lock_sha256 if environment else None,
            inputs=accepted.inputs,
            timeout=request.timeout,
            retries=request.retries,
            retry_backoff=request.retry_backoff,
            output_formats=list(request.output_formats),
            experiment=request.experiment or accepted.path,
            idempotency_key=request.idempotency_key,
            attempt=0,
            created_at=now(),
            trigger=origin.trigger,
            scheduled_for=origin.scheduled_for,
            max_concurrent=origin.max_concurrent,
            sweep_id=origin.sweep_id,
            trial_number=origin.trial_number,
            trial_values=origin.trial_values,
        )
        try:
            stored, created = self.records.insert(record)
        except BaseException:
            files.remove()
            raise
        if not created:
            files.remove()
        return stored, created

    def _prepare(self, record: JobRunRecord, number: int) -> _Prepared:
        """The parameterized notebook of an attempt, and its MLflow run (made on the first)."""
        import nbformat
        import papermill
        from papermill.parameterize import parameterize_notebook

        files = RunFiles.of(self.settings.workspace, record.id)
        notebook = nbformat.read(files.input, as_version=4)
        for cell in notebook.cells:  # as papermill's loader leaves them
            cell.metadata.setdefault("tags", [])
            cell.metadata.setdefault("papermill", {})
        specs, _ = parameter_specs(notebook)
        notebook.metadata["papermill"] = {
            "default_parameters": {s.name: s.default for s in specs},
            "parameters": {},
            "environment_variables": {},
            "version": papermill.__version__,
            "input_path": record.notebook,
            "output_path": str(files.output),
        }
        if record.parameters:
            language = notebook.metadata.get("kernelspec", {}).get("language")
            notebook = parameterize_notebook(
                notebook, record.parameters, kernel_name=record.kernel, language=language
            )
        mlflow_run_id = record.mlflow_run_id
        try:
            if mlflow_run_id is None:
                values: dict[str, Any] = {s.name: s.default_source for s in specs}
                values.update({s.name: s.default for s in specs if s.default is not None})
                values.update(record.parameters)
                experiment_id, mlflow_run_id = start_mlflow_run(
                    self.experiments,
                    job_id=record.job_id,
                    run_id=record.id,
                    notebook=record.notebook,
                    experiment=record.experiment,
                    input_path=files.input,
                    params=values,
                    sweep=self.records.sweep_run(record.sweep_id) if record.sweep_id else None,
                    environment=_environment_of(record),
                    inputs=hash_inputs(self.settings.root_dir, record.inputs or []),
                )
                self.records.set_mlflow_run(record.id, experiment_id, mlflow_run_id)
                record.mlflow_run_id = mlflow_run_id
            elif number > 1:
                resume_mlflow_run(self.tracking, mlflow_run_id)
        except MLXError as exc:
            return _Prepared(notebook, None, JobRunError(message=exc.message))
        return _Prepared(notebook, mlflow_run_id)

    def _record_end(
        self,
        record: JobRunRecord,
        number: int,
        status: str,
        error: JobRunError | None,
        notebook: Any,
        retry_at: Any,
    ) -> JobRunRecord:
        files = RunFiles.of(self.settings.workspace, record.id)
        output_path = html_path = None
        if notebook is not None:
            write_notebook(files.output, notebook)
            output_path = str(files.output)
            if "html" in record.output_formats:
                write_atomic(files.html, _html(notebook))
                html_path = str(files.html)
        ended = self.records.finish_attempt(
            record.id,
            number,
            status,
            error,
            retry_at=retry_at,
            output_path=output_path,
            html_path=html_path,
        )
        mlflow_run_id = ended.mlflow_run_id
        if ended.status in FINAL_STATUSES and mlflow_run_id:
            try:
                outputs = [files.output] + ([files.html] if html_path else [])
                end_mlflow_run(self.tracking, mlflow_run_id, ended.status, outputs)
            except MLXError as exc:
                log.warning("Cannot end MLflow run %s: %s", mlflow_run_id, exc.message)
        return ended

    def _delete(self, run_id: str) -> None:
        self.records.delete(run_id)
        RunFiles.of(self.settings.workspace, run_id).remove()


@dataclass(frozen=True, slots=True)
class AcceptedRequest:
    """A create request that passed every check.

    Attributes:
        notebook: The notebook.
        path: Its path relative to the server root.
        parameters: The values, typed.
        kernel: The kernelspec (an environment's own when it names one).
        environment: The environment it runs on, when it names a ready one.
        inputs: The data it declares, relative to the root.
    """

    notebook: Any
    path: str
    parameters: dict[str, Any]
    kernel: str
    environment: JobEnvironment | None = None
    inputs: list[str] = field(default_factory=list)


def accept_request(
    settings: Settings,
    kernelspecs: KernelSpecs,
    request: CreateJobRunRequest,
    snapshot: Path | None = None,
    *,
    environments: Environments | None,
) -> AcceptedRequest:
    """Check a create request against the notebook it names, the installed kernels and the
    workspace's environments (blocking; reads no store, so a refused command line creates no
    workspace).

    Args:
        settings: The workspace.
        kernelspecs: The installed kernels.
        request: What to run.
        snapshot: A copy of the notebook to run instead of the file at its path (a job
            definition's); the path then only names it.
        environments: The workspace's environments.

    Raises:
        InvalidInput: A bad path, notebook, parameter, value, kernel, environment or input
            (``field`` names it). An environment must be ready, unless the request installs
            it first and an install would make it ready.
        NotFound: No such notebook.
    """
    if snapshot is None:
        resolved, relative = resolve_notebook(settings.root_dir, request.notebook)
    else:
        resolved, relative = snapshot, request.notebook
    notebook = load_notebook(resolved)
    specs, has_cell = parameter_specs(notebook)
    parameters = check_parameters(
        specs, request.parameters, has_cell=has_cell, allow_extra=request.allow_extra
    )
    inputs = check_inputs(settings.root_dir, request.inputs)
    named = notebook.metadata.get("kernelspec", {}).get("name")
    if request.environment is not None:
        if request.kernel is not None:
            raise InvalidInput(
                "Give a kernel or an environment, not both: an environment runs on its own kernel.",
                field="environment",
            )
        try:
            environment = resolve_environment(environments, request.environment)
        except InvalidInput:
            if not (request.install_environment and installable(environments, request.environment)):
                raise
            # Installed before each run, which then records its kernel and lock.
            kernel = kernel_name(request.environment)
        else:
            return AcceptedRequest(
                notebook, relative, parameters, environment.kernel, environment, inputs
            )
    elif request.kernel is not None:
        kernel = kernelspecs.check(request.kernel)
    elif named and named not in kernelspecs.all():
        raise InvalidInput(
            f"The notebook's kernel {named!r} is not installed: choose a kernel.",
            field="kernel",
        )
    else:
        kernel = kernelspecs.check(_default_kernel(named, kernelspecs.all()))
    return AcceptedRequest(notebook, relative, parameters, kernel, None, inputs)


def parameter_specs(notebook: Any) -> tuple[list[NotebookParameterSpec], bool]:
    """A notebook's parameters, typed, and whether it has a ``parameters`` cell."""
    has_cell = any(
        cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", [])
        for cell in notebook.cells
    )
    return [parameter_spec(p) for p in notebook_parameters(notebook)], has_cell


def _default_kernel(named: str | None, kernels: Mapping[str, Any]) -> str:
    if named and named in kernels:
        return named
    if FALLBACK_KERNEL in kernels or not kernels:
        return FALLBACK_KERNEL
    return next(iter(kernels))


def _environment_of(record: JobRunRecord) -> JobEnvironment | None:
    """The environment a run recorded at its creation."""
    if not record.environment:
        return None
    lock_sha256 = record.environment_lock_sha256 or ""
    return JobEnvironment(name=record.environment, kernel=record.kernel, lock_sha256=lock_sha256)


def _notebook_folder(settings: Settings, notebook: str) -> Path:
    """The folder a run's kernel works in: its notebook's, as in JupyterLab."""
    return (settings.root_dir / notebook).parent


def _summary(outcome: AttemptOutcome) -> str:
    if outcome.error is None:
        return outcome.status
    return f"{outcome.status}: {outcome.error.message}"


def _size(path: Any) -> int:
    try:
        return int(path.stat().st_size)
    except FileNotFoundError:
        return 0


def _html(notebook: Any) -> bytes:
    """An output notebook as a standalone HTML page whose cells' element ids are
    ``cell-<index>`` (the template ``mlx_job_output``)."""
    import copy

    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from ..tracking.render import DISPLAY_PRIORITY, TEMPLATES_DIR

    numbered = copy.deepcopy(notebook)
    for index, cell in enumerate(numbered.cells):
        cell["id"] = str(index)
    exporter = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}}),
        template_name=JOB_OUTPUT_TEMPLATE,
        extra_template_basedirs=[str(Path(__file__).with_name("templates")), str(TEMPLATES_DIR)],
    )
    html, _ = exporter.from_notebook_node(numbered)
    return html.encode("utf-8")


def _read_output(record: JobRunRecord, fmt: str) -> tuple[bytes, str]:
    if record.output_path is None:
        raise NotFound(f"Job run {record.id} has no output notebook yet.", field="format")
    if fmt == "html" and record.html_path is not None:
        try:
            with open(record.html_path, "rb") as file:
                return file.read(), "text/html; charset=utf-8"
        except FileNotFoundError:
            pass
    try:
        with open(record.output_path, "rb") as file:
            data = file.read()
    except FileNotFoundError as exc:
        raise NotFound(f"The output notebook of job run {record.id} is gone.") from exc
    if fmt == "ipynb":
        return data, "application/x-ipynb+json"
    import nbformat

    return _html(nbformat.reads(data.decode("utf-8"), as_version=4)), "text/html; charset=utf-8"
