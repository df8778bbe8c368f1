"""Supervised children: long-running processes a server starts, watches and stops.

Each child (a job runner, an endpoint) runs in a process group of its own, its output appended
to its log file. A child that crashes or fails its health check is started again after a
backoff that grows with each quick failure, until its restart policy gives up. While it runs
it is recorded in the store's ``mlx_processes`` table, so a server started after a killed one
finds what that one left and adopts it or stops its process group (:meth:`Supervisor.recover`).
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import IO, Any

import psutil
from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from .errors import Conflict
from .processes import KILL_WAIT_S, create_time_of, process_alive, shielded, terminate_group
from .store import Store
from .store.tables import ProcessRecord

log = logging.getLogger("jupyter_mlx")


class ProcessState(str, Enum):
    """Where a supervised child is in its life."""

    STARTING = "starting"  # started; its health check has not passed yet
    RUNNING = "running"
    CRASHED = "crashed"  # exited with an error or failed its health check; restart pending
    STOPPED = "stopped"  # stopped on request, or exited with status 0
    FAILED = "failed"  # crashed and will not be restarted


#: States a supervised child does not leave.
FINAL_STATES = frozenset({ProcessState.STOPPED, ProcessState.FAILED})


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """How a supervised child is checked while it runs.

    Attributes:
        check: Returns True when the child serves (e.g. an HTTP ping); raising counts as False.
        interval: Seconds between checks.
        timeout: Seconds one check may take before it counts as failed.
        failures: Failed checks in a row after which the child is restarted.
        startup: Seconds a new child may take to pass its first check; failures before that
            do not count.
    """

    check: Callable[[], Awaitable[bool]]
    interval: float = 5.0
    timeout: float = 5.0
    failures: int = 3
    startup: float = 60.0


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    """When a crashed child is started again.

    Attributes:
        enabled: Restart a child that exits with an error or fails its health check.
        backoff_initial: Seconds before the first restart; doubled for each quick failure.
        backoff_max: The longest wait before a restart.
        quick_failure_s: A child that crashes sooner than this after its start failed quickly.
        max_quick_failures: Quick failures in a row after which the child is given up
            (state ``failed``).
    """

    enabled: bool = True
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    quick_failure_s: float = 10.0
    max_quick_failures: int = 5


#: The policy of children whose crash is final (a job runner reports its failure instead).
NO_RESTART = RestartPolicy(enabled=False)


@dataclass(frozen=True, slots=True)
class ProcessSpec:
    """How to start a supervised child.

    Attributes:
        name: Unique among the children of a supervisor, e.g. ``endpoint:churn``.
        argv: The program and its arguments (no shell).
        log_path: The file its stdout and stderr are appended to.
        kind: What it is, for status and recovery, e.g. ``endpoint`` or ``job``.
        cwd: Its working folder; default: this process's.
        env: Its whole environment (as in :mod:`subprocess`); default: this process's.
        health: How it is checked while it runs; None: only its exit is watched.
        restart: What happens when it crashes.
        stop_grace: Seconds between SIGTERM and SIGKILL when it is stopped.
    """

    name: str
    argv: Sequence[str]
    log_path: Path
    kind: str = "process"
    cwd: Path | None = None
    env: Mapping[str, str] | None = None
    health: HealthCheck | None = None
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    stop_grace: float = 10.0


@dataclass(frozen=True, slots=True)
class ProcessStatus:
    """A supervised child as status reports show it.

    Attributes:
        name: Its name.
        kind: What it is.
        state: Where it is now.
        pid: The pid of its current process (also its process group), or None.
        restarts: How often it was started again.
        exit_code: The exit status of its last process that ended; None before one ended,
            or when that one was stopped for failing its health check or was adopted (not
            our child, so its status cannot be known).
        last_error: Why it last crashed, or None.
        log_path: Where its output goes.
        adopted: Whether it was started by an earlier server and adopted by this one.
    """

    name: str
    kind: str
    state: ProcessState
    pid: int | None
    restarts: int
    exit_code: int | None
    last_error: str | None
    log_path: Path
    adopted: bool


@dataclass(frozen=True, slots=True)
class OrphanProcess:
    """A supervised child recorded by a server (or CLI command) that is no longer running.

    Attributes:
        name: Its name.
        kind: What it is.
        pid: Its pid, also its process group.
        create_time: Its start time as ``psutil`` reports it.
        argv: Its command.
        log_path: Where its output goes.
        started_at: When it was started (UTC).
        owner_pid: The pid of the process that supervised it.
    """

    name: str
    kind: str
    pid: int
    create_time: float
    argv: tuple[str, ...]
    log_path: Path
    started_at: datetime
    owner_pid: int

    @classmethod
    def of(cls, record: ProcessRecord) -> OrphanProcess:
        """The orphan a store record describes."""
        started_at = record.started_at
        if started_at.tzinfo is None:  # SQLite gives back naive datetimes
            started_at = started_at.replace(tzinfo=timezone.utc)
        return cls(
            name=record.name,
            kind=record.kind,
            pid=record.pid,
            create_time=record.create_time,
            argv=tuple(record.argv),
            log_path=Path(record.log_path),
            started_at=started_at,
            owner_pid=record.owner_pid,
        )


@dataclass(frozen=True, slots=True)
class Recovery:
    """What :meth:`Supervisor.recover` found.

    Attributes:
        adopted: Children still running, now supervised here.
        stopped: Children still running that were not adopted: their process groups were
            stopped.
        gone: Children no longer running: their records were removed (and any processes
            left in their groups stopped).
    """

    adopted: tuple[SupervisedProcess, ...]
    stopped: tuple[OrphanProcess, ...]
    gone: tuple[OrphanProcess, ...]


#: Decides the fate of a live orphan: the spec to supervise it under, or None to stop it.
AdoptDecision = Callable[[OrphanProcess], ProcessSpec | None]


@dataclass
class _Child:
    """One process of a supervised child."""

    pid: int
    create_time: float
    record_id: str
    started: float  # time.monotonic() at start or adoption
    process: asyncio.subprocess.Process | None  # None: adopted, so not our child

    async def wait(self) -> int | None:
        """Wait for the process to exit; its status, or None when it is not our child."""
        if self.process is not None:
            return await self.process.wait()
        while process_alive(self.pid, self.create_time):
            await asyncio.sleep(_ADOPTED_POLL_S)
        return None


#: How often an adopted child, which cannot be waited for, is checked for its exit.
_ADOPTED_POLL_S = 0.5


class _Outcome(Enum):
    STOP = "stop"
    EXITED = "exited"
    UNHEALTHY = "unhealthy"


class SupervisedProcess:
    """A child under supervision: started here by :meth:`Supervisor.start`, or adopted.

    Its state moves from ``starting`` to ``running`` (at once without a health check, else
    when the first check passes); a crash (error exit or failed health check) leads to
    ``crashed`` and a restart after a backoff, or to ``failed`` when its restart policy gives
    up; :meth:`stop` or an exit with status 0 leads to ``stopped``.
    """

    def __init__(self, supervisor: Supervisor, spec: ProcessSpec, child: _Child) -> None:
        self.spec = spec
        self.adopted = child.process is None
        self.state = ProcessState.RUNNING if self.adopted else self._started_state()
        self.restarts = 0
        self.exit_code: int | None = None
        self.last_error: str | None = None
        self._supervisor = supervisor
        self._child: _Child | None = child
        self._stop_requested = asyncio.Event()
        self._monitor = asyncio.get_running_loop().create_task(
            self._run(), name=f"jupyter_mlx:process:{spec.name}"
        )

    @property
    def name(self) -> str:
        """The child's name."""
        return self.spec.name

    @property
    def pid(self) -> int | None:
        """The pid (and process group) of its current process, or None between processes."""
        return self._child.pid if self._child is not None else None

    def status(self) -> ProcessStatus:
        """The child as status reports show it."""
        return ProcessStatus(
            name=self.spec.name,
            kind=self.spec.kind,
            state=self.state,
            pid=self.pid,
            restarts=self.restarts,
            exit_code=self.exit_code,
            last_error=self.last_error,
            log_path=self.spec.log_path,
            adopted=self.adopted,
        )

    async def wait(self) -> ProcessState:
        """Wait until the child is stopped or failed (cancelling this wait leaves it running).

        Returns:
            Its final state.
        """
        await asyncio.wait({self._monitor})
        return self.state

    async def stop(self) -> None:
        """Stop the child and its whole process group; returns when they are gone."""
        self._stop_requested.set()
        await asyncio.wait({self._monitor})

    # The monitor: one task per child for its whole life, restarts included.

    async def _run(self) -> None:
        try:
            await self._supervise()
        except (Exception, asyncio.CancelledError) as exc:
            # Whatever ends the monitor (a bug, the event loop shutting down) ends the child too:
            # nothing is left running unwatched.
            child = self._child
            if child is not None:
                await shielded(self._end(child))
            self._child = None
            if isinstance(exc, asyncio.CancelledError):
                self.state = ProcessState.STOPPED
                raise
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.state = ProcessState.FAILED
            log.exception("Supervision of process %r failed", self.spec.name)

    async def _supervise(self) -> None:
        policy = self.spec.restart
        delay = policy.backoff_initial
        quick_failures = 0
        while True:
            child = self._child
            ran = 0.0
            if child is not None:
                outcome = await self._watch(child)
                await self._end(child)
                self._child = None
                ran = time.monotonic() - child.started
                if outcome is _Outcome.STOP:
                    self.state = ProcessState.STOPPED
                    return
                if outcome is _Outcome.EXITED and self.exit_code == 0:
                    log.info("Process %r exited with status 0", self.spec.name)
                    self.state = ProcessState.STOPPED
                    return
                if outcome is _Outcome.EXITED:
                    self.last_error = (
                        "exited"
                        if self.exit_code is None
                        else f"exited with status {self.exit_code}"
                    )
            if ran >= policy.quick_failure_s:
                quick_failures, delay = 0, policy.backoff_initial
            quick_failures += 1
            if not policy.enabled or quick_failures >= policy.max_quick_failures:
                self.state = ProcessState.FAILED
                log.error(
                    "Process %r %s; not restarting it (output: %s)",
                    self.spec.name,
                    self.last_error,
                    self.spec.log_path,
                )
                return
            self.state = ProcessState.CRASHED
            log.warning(
                "Process %r %s; restarting it in %.3g s (output: %s)",
                self.spec.name,
                self.last_error,
                delay,
                self.spec.log_path,
            )
            if await self._sleep(delay):
                self.state = ProcessState.STOPPED
                return
            delay = min(delay * 2, policy.backoff_max)
            self.restarts += 1
            try:
                self._child = await self._supervisor._spawn(self.spec)
            except OSError as exc:
                self.exit_code = None
                self.last_error = f"cannot be started: {exc}"
                continue
            self.adopted = False
            self.state = self._started_state()

    def _started_state(self) -> ProcessState:
        return ProcessState.STARTING if self.spec.health is not None else ProcessState.RUNNING

    async def _watch(self, child: _Child) -> _Outcome:
        """Wait for the child to exit, fail its health check, or be asked to stop."""
        health = self.spec.health
        exit_task = asyncio.ensure_future(child.wait())
        stop_task = asyncio.ensure_future(self._stop_requested.wait())
        check_task: asyncio.Future[str | None] | None = None
        healthy = child.process is None  # an adopted child was serving: failures count now
        failures = 0
        try:
            while True:
                waiting: set[asyncio.Future[Any]] = {exit_task, stop_task}
                if check_task is not None:
                    waiting.add(check_task)
                interval = None if health is None or check_task is not None else health.interval
                await asyncio.wait(waiting, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
                if stop_task.done():
                    return _Outcome.STOP
                if exit_task.done():
                    self.exit_code = exit_task.result()
                    return _Outcome.EXITED
                assert health is not None
                if check_task is None:
                    check_task = asyncio.ensure_future(self._check(health))
                    continue
                if not check_task.done():
                    continue
                problem, check_task = check_task.result(), None
                if problem is None:
                    healthy, failures = True, 0
                    self.state = ProcessState.RUNNING
                    continue
                if not healthy and time.monotonic() - child.started < health.startup:
                    continue
                failures += 1
                if failures >= health.failures:
                    self.exit_code = None
                    self.last_error = f"failed {failures} health checks in a row ({problem})"
                    return _Outcome.UNHEALTHY
        finally:
            for task in (exit_task, stop_task, check_task):
                if task is not None and not task.done():
                    task.cancel()

    async def _check(self, health: HealthCheck) -> str | None:
        """Run the health check once; None if it passed, else what went wrong."""
        try:
            passed = await asyncio.wait_for(health.check(), timeout=health.timeout)
        except asyncio.TimeoutError:
            return f"no answer within {health.timeout:g} s"
        except Exception as exc:
            # A check that cannot reach the child (connection refused, reset) is a failed
            # check; what it raised is shown in last_error and the restart warning.
            return f"{type(exc).__name__}: {exc}"
        return None if passed else "the check returned False"

    async def _end(self, child: _Child) -> None:
        """Stop what is left of the child's process group and drop its record."""
        await terminate_group(child.pid, child.create_time, self.spec.stop_grace)
        if child.process is not None:
            # Reap it; only a process stuck in uninterruptible I/O survives SIGKILL.
            await asyncio.wait({asyncio.ensure_future(child.process.wait())}, timeout=KILL_WAIT_S)
        await self._supervisor._forget(child.record_id)

    async def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` or until a stop is requested; True on a stop request."""
        try:
            await asyncio.wait_for(self._stop_requested.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            return False
        return True


class Supervisor:
    """Starts, watches, restarts and stops the long-running children of a process.

    Each child runs in a process group of its own, its output appended to its log file, and
    is recorded in the store while it runs. Call :meth:`recover` once at start to deal with
    what an earlier, killed server on this host left behind, and :meth:`stop` at shutdown.

    Args:
        store: The store holding the records (migrated).
        host: This machine's name in the records; default: :func:`socket.gethostname`. Records
            of other hosts (a team store shared by several machines) are never touched.
        blocking: Runs the records' database work and log opening off the event loop, e.g.
            ``BlockingPool.run``; default: :func:`asyncio.to_thread`.
    """

    def __init__(
        self,
        store: Store,
        *,
        host: str | None = None,
        blocking: Callable[..., Awaitable[Any]] | None = None,
    ) -> None:
        self.store = store
        self.host = host or socket.gethostname()
        self._blocking = blocking or asyncio.to_thread
        self.owner_id = uuid.uuid4().hex
        me = psutil.Process()
        self._owner_pid = me.pid
        self._owner_create_time = me.create_time()
        self._children: dict[str, SupervisedProcess] = {}
        self._starting: set[str] = set()

    async def start(self, spec: ProcessSpec) -> SupervisedProcess:
        """Start a child and supervise it until it is stopped or fails.

        Args:
            spec: How to start it.

        Returns:
            Its handle, once its process has started and been recorded.

        Raises:
            Conflict: A child of that name is not yet stopped or failed.
            OSError: The program cannot be started (e.g. FileNotFoundError).
        """
        self._check_free(spec.name)
        self._starting.add(spec.name)
        try:
            child = await self._spawn(spec)
        finally:
            self._starting.discard(spec.name)
        handle = SupervisedProcess(self, spec, child)
        self._children[spec.name] = handle
        return handle

    def get(self, name: str) -> SupervisedProcess | None:
        """The child of that name, or None."""
        return self._children.get(name)

    def describe(self) -> list[ProcessStatus]:
        """Every child, in start order."""
        return [child.status() for child in self._children.values()]

    async def stop(self) -> None:
        """Stop every child (all at once) and wait until they are gone."""
        await asyncio.gather(*(child.stop() for child in self._children.values()))

    async def recover(self, adopt: AdoptDecision | None = None, *, grace: float = 10.0) -> Recovery:
        """Adopt or stop the children that dead supervisors on this host left running.

        Only records whose supervising process has ended are looked at; those of a live one
        (another server, a CLI command) are left alone. A record whose process still runs, with
        the start time recorded, is a live orphan: ``adopt`` decides its fate. A record whose
        process is gone (or whose pid now belongs to another process) is removed.

        Args:
            adopt: Given each live orphan, returns the spec to supervise it under from now on
                (restarts use the spec's argv, env and cwd), or None to stop its process
                group. Default: stop every orphan.
            grace: Seconds between SIGTERM and SIGKILL for the orphans stopped.

        Returns:
            The orphans adopted, stopped and found gone.
        """
        records = await self._blocking(self._orphaned_records)
        adopted: list[SupervisedProcess] = []
        stopped: list[OrphanProcess] = []
        gone: list[OrphanProcess] = []
        to_stop: list[tuple[ProcessRecord, OrphanProcess]] = []
        for record in records:
            orphan = OrphanProcess.of(record)
            if not process_alive(record.pid, record.create_time):
                log.info("Supervised process %r (pid %d) has ended", orphan.name, orphan.pid)
                to_stop.append((record, orphan))
                gone.append(orphan)
                continue
            spec = adopt(orphan) if adopt is not None else None
            if spec is not None and (spec.name in self._children or spec.name in self._starting):
                log.warning("Not adopting %r: a process of that name runs already", spec.name)
                spec = None
            if spec is None:
                log.info("Stopping process %r (pid %d) left by pid %d", *_who(orphan))
                to_stop.append((record, orphan))
                stopped.append(orphan)
                continue
            log.info("Adopting process %r (pid %d) left by pid %d", *_who(orphan))
            await self._blocking(self._take_over, record.id)
            child = _Child(record.pid, record.create_time, record.id, time.monotonic(), None)
            handle = SupervisedProcess(self, spec, child)
            self._children[spec.name] = handle
            adopted.append(handle)
        # A gone leader may have left members in its group; they are stopped as well.
        await asyncio.gather(
            *(terminate_group(record.pgid, record.create_time, grace) for record, _ in to_stop)
        )
        await self._blocking(self._delete_records, [record.id for record, _ in to_stop])
        return Recovery(tuple(adopted), tuple(stopped), tuple(gone))

    # Internals used by SupervisedProcess.

    def _check_free(self, name: str) -> None:
        current = self._children.get(name)
        if name in self._starting or (current is not None and current.state not in FINAL_STATES):
            raise Conflict(f"A process named {name!r} is already running.")

    async def _spawn(self, spec: ProcessSpec) -> _Child:
        argv = tuple(spec.argv)
        header = f"--- {datetime.now(timezone.utc).isoformat()} starting {shlex.join(argv)}\n"
        log_file = await self._blocking(_open_log, spec.log_path, header)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv,
                cwd=spec.cwd,
                env=None if spec.env is None else dict(spec.env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log_file.close()
        record = ProcessRecord(
            id=uuid.uuid4().hex,
            name=spec.name,
            kind=spec.kind,
            host=self.host,
            pid=proc.pid,
            pgid=proc.pid,
            create_time=create_time_of(proc.pid),
            argv=list(argv),
            log_path=str(spec.log_path),
            owner_id=self.owner_id,
            owner_pid=self._owner_pid,
            owner_create_time=self._owner_create_time,
            started_at=datetime.now(timezone.utc),
        )
        try:
            await self._blocking(self._insert_record, record)
        except SQLAlchemyError:
            # The child runs and is supervised all the same; only a later recovery misses it.
            log.warning("Cannot record process %r", spec.name, exc_info=True)
        log.info("Started process %r (pid %d): %s", spec.name, proc.pid, shlex.join(argv))
        return _Child(proc.pid, record.create_time, record.id, time.monotonic(), proc)

    async def _forget(self, record_id: str) -> None:
        try:
            await self._blocking(self._delete_records, [record_id])
        except SQLAlchemyError:
            log.warning("Cannot remove the record of process %s", record_id, exc_info=True)

    # Blocking store work, run in a thread.

    def _insert_record(self, record: ProcessRecord) -> None:
        with self.store.session() as session:
            session.add(record)

    def _delete_records(self, record_ids: list[str]) -> None:
        if record_ids:
            with self.store.session() as session:
                session.execute(delete(ProcessRecord).where(ProcessRecord.id.in_(record_ids)))

    def _take_over(self, record_id: str) -> None:
        with self.store.session() as session:
            session.execute(
                update(ProcessRecord)
                .where(ProcessRecord.id == record_id)
                .values(
                    owner_id=self.owner_id,
                    owner_pid=self._owner_pid,
                    owner_create_time=self._owner_create_time,
                )
            )

    def _orphaned_records(self) -> list[ProcessRecord]:
        with self.store.session() as session:
            records = session.scalars(
                select(ProcessRecord)
                .where(ProcessRecord.host == self.host)
                .order_by(ProcessRecord.started_at)
            ).all()
        return [
            record
            for record in records
            if not process_alive(record.owner_pid, record.owner_create_time)
        ]


def _open_log(path: Path, header: str) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    log_file = path.open("ab")
    log_file.write(header.encode())
    log_file.flush()
    return log_file


def _who(orphan: OrphanProcess) -> tuple[str, int, int]:
    return orphan.name, orphan.pid, orphan.owner_pid
