"""Process groups, and one-shot commands run in one (:func:`run`).

Every child starts in a process group of its own (a new session), so stopping it reaches its
grandchildren too: SIGTERM to the group, a grace period, then SIGKILL to whatever is left.
Every wait has a timeout. The helpers here also serve supervised children
(:mod:`jupyter_mlx.supervisor`).

Nothing here assumes a parent reaps orphans: in a container, PID 1 often does not, and a
killed orphan then stays a zombie. Zombies count as gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psutil

from .errors import ProcessTimeout

log = logging.getLogger("jupyter_mlx")

#: How often a process group is polled while it is being stopped.
_POLL_S = 0.05
#: How often run() looks whether its command exited while its pipe is still open.
_EXIT_POLL_S = 0.1
#: How long processes get to vanish after SIGKILL (only uninterruptible I/O delays them).
KILL_WAIT_S = 2.0
#: Two reads of one process's start time may differ this much: psutil derives it from the
#: boot time, which the kernel recomputes from a clock that NTP may step.
_CREATE_TIME_TOLERANCE_S = 1.0
#: A line longer than this is passed on in pieces.
_MAX_LINE_BYTES = 1 << 20

#: Cleanups that outlive a cancelled caller (asyncio keeps only weak references to tasks).
_cleanups: set[asyncio.Task[None]] = set()


# --- process groups --------------------------------------------------------------------------


def _is_live(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _same_process(process: psutil.Process, create_time: float) -> bool:
    try:
        return abs(process.create_time() - create_time) <= _CREATE_TIME_TOLERANCE_S
    except psutil.NoSuchProcess:
        return False


def process_alive(pid: int, create_time: float) -> bool:
    """Whether ``pid`` runs and is the process that started at ``create_time``."""
    try:
        process = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return False
    return _same_process(process, create_time) and _is_live(process)


def _group_alive(pgid: int, leader_create_time: float) -> bool:
    """Whether a process of the group led by ``pgid`` (started at that time) still runs.

    The kernel keeps a group's number from being given to a new process while the group has
    members, so a different process at ``pgid`` means the group is gone.
    """
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # the number belongs to another user's processes now
    try:
        leader = psutil.Process(pgid)
    except psutil.NoSuchProcess:
        pass
    else:
        if not _same_process(leader, leader_create_time):
            return False
        if _is_live(leader):
            return True
    for pid in psutil.pids():
        try:
            if os.getpgid(pid) == pgid and _is_live(psutil.Process(pid)):
                return True
        except (OSError, psutil.Error):
            continue
    return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    # The group may have ended since it was last seen alive; then there is nothing to signal.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def _wait_group(pgid: int, create_time: float, seconds: float) -> bool:
    """Wait up to ``seconds`` for the group to end; True if it did."""
    deadline = time.monotonic() + seconds
    while _group_alive(pgid, create_time):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(_POLL_S)
    return True


async def terminate_group(pgid: int, create_time: float, grace: float) -> None:
    """SIGTERM the group, wait ``grace`` seconds, SIGKILL whatever is left, wait for that."""
    if not _group_alive(pgid, create_time):
        return
    _signal_group(pgid, signal.SIGTERM)
    if await _wait_group(pgid, create_time, grace):
        return
    log.warning("Process group %d outlived SIGTERM by %.3g s; sending SIGKILL", pgid, grace)
    _signal_group(pgid, signal.SIGKILL)
    if not await _wait_group(pgid, create_time, KILL_WAIT_S):
        log.error("Process group %d is still running after SIGKILL", pgid)


async def shielded(cleanup: Coroutine[Any, Any, None]) -> None:
    """Run ``cleanup`` to its end even if the caller is cancelled while it runs."""
    task = asyncio.ensure_future(cleanup)
    _cleanups.add(task)
    task.add_done_callback(_cleanups.discard)
    await asyncio.shield(task)


def create_time_of(pid: int) -> float:
    """The start time of ``pid`` as ``psutil`` reports it; now if it has ended already."""
    try:
        return psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        # Exited and reaped already: nothing is left to tell apart from a reused pid.
        return time.time()


# --- one-shot commands -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompletedProcess:
    """A command that ran to its end.

    Attributes:
        argv: The command.
        returncode: Its exit status; negative: killed by that signal.
        output: Its last lines of output (stdout and stderr merged), newline-separated.
        duration_s: Seconds from start to exit.
    """

    argv: tuple[str, ...]
    returncode: int
    output: str
    duration_s: float

    @property
    def ok(self) -> bool:
        """Whether the command exited with status 0."""
        return self.returncode == 0


#: Called with each line a command prints, without its line break; may be a coroutine function.
LineCallback = Callable[[str], Awaitable[None] | None]


async def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    timeout: float,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    on_line: LineCallback | None = None,
    grace: float = 5.0,
    tail_lines: int = 200,
) -> CompletedProcess:
    """Run a command to its end in a process group of its own, streaming its output.

    The command owns its group: processes it leaves behind in it are stopped when it exits.
    A timeout, a cancellation or an error raised by ``on_line`` stops the whole group (SIGTERM,
    ``grace`` seconds, SIGKILL) before this returns or raises.

    Args:
        argv: The program and its arguments (no shell).
        timeout: Seconds the command may take.
        cwd: Its working folder; default: this process's.
        env: Its whole environment (as in :mod:`subprocess`); default: this process's.
        on_line: Called with each line of merged stdout and stderr as it arrives.
        grace: Seconds between SIGTERM and SIGKILL when the command is stopped.
        tail_lines: How many of the last lines :attr:`CompletedProcess.output` keeps.

    Returns:
        The exit status and the tail of the output; a nonzero status is not an error here.

    Raises:
        ProcessTimeout: The command ran longer than ``timeout``.
        OSError: The program cannot be started (e.g. FileNotFoundError).
    """
    args = tuple(os.fspath(arg) for arg in argv)
    tail: deque[str] = deque(maxlen=tail_lines)
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    pgid = proc.pid
    create_time = create_time_of(proc.pid)

    async def emit(raw: bytes) -> None:
        line = raw.decode(errors="replace").rstrip("\r")
        tail.append(line)
        if on_line is not None:
            result = on_line(line)
            if inspect.isawaitable(result):
                await result

    async def pump() -> None:
        assert proc.stdout is not None
        pending = b""
        while chunk := await proc.stdout.read(65536):
            *lines, pending = (pending + chunk).split(b"\n")
            for raw in lines:
                await emit(raw)
            while len(pending) > _MAX_LINE_BYTES:
                await emit(pending[:_MAX_LINE_BYTES])
                pending = pending[_MAX_LINE_BYTES:]
        if pending:
            await emit(pending)

    # proc.wait() also waits for the pipe to close, which a leftover grandchild may keep open;
    # proc.returncode is set as soon as the command itself exits.
    exit_task = asyncio.ensure_future(proc.wait())
    pump_task = asyncio.ensure_future(pump())
    exited = False
    try:
        deadline = started + timeout
        while proc.returncode is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProcessTimeout(argv=args, timeout=timeout, output="\n".join(tail))
            waiting = {exit_task} if pump_task.done() else {exit_task, pump_task}
            await asyncio.wait(
                waiting, timeout=min(remaining, _EXIT_POLL_S), return_when=asyncio.FIRST_COMPLETED
            )
            if pump_task.done():
                pump_task.result()  # an error raised by on_line
        exited = True
        returncode = proc.returncode
        if _group_alive(pgid, create_time):
            log.warning("%s left processes behind; stopping them", args[0])
            await terminate_group(pgid, create_time, grace)
        # Stopping the group closed every writer of the pipe, unless a process that left the
        # group (a daemon) holds it: its output is not waited for.
        await asyncio.wait({pump_task}, timeout=grace)
        if not pump_task.done():
            log.warning("%s passed its output to a process outside its group", args[0])
        else:
            pump_task.result()
    finally:
        if not exited:
            await shielded(_stop_run(proc, create_time, grace, pump_task, exit_task))
        for task in (pump_task, exit_task):
            if not task.done():
                task.cancel()
    return CompletedProcess(args, returncode, "\n".join(tail), time.monotonic() - started)


async def _stop_run(
    proc: asyncio.subprocess.Process,
    create_time: float,
    grace: float,
    pump: asyncio.Future[None],
    exit_task: asyncio.Future[int],
) -> None:
    """Stop a command that is still running and read its pipe to the end, so it closes."""
    await terminate_group(proc.pid, create_time, grace)
    pump.cancel()
    await asyncio.wait({pump})
    assert proc.stdout is not None
    try:
        await asyncio.wait_for(_drain(proc.stdout), timeout=grace)
    except asyncio.TimeoutError:
        log.warning("Process %d passed its output to a process outside its group", proc.pid)
    await asyncio.wait({exit_task}, timeout=KILL_WAIT_S)


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass
