"""The background loops of a process (scheduler, endpoint health, reload watchers).

A :class:`TaskGroup` runs each loop as a named asyncio task. A loop that raises is logged with
its traceback and started again after a backoff; a loop that returns is done. At stop the
loops are cancelled in reverse start order, so shutdown never waits out a loop's sleep.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

log = logging.getLogger("jupyter_mlx")

#: What :meth:`TaskGroup.start` runs: a coroutine function taking no arguments.
TaskFactory = Callable[[], Awaitable[None]]


class TaskState(str, Enum):
    """Where a background task is in its life."""

    RUNNING = "running"
    BACKOFF = "backoff"  # crashed; waiting to be started again
    DONE = "done"  # returned on its own
    STOPPED = "stopped"  # cancelled by TaskGroup.stop


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """A background task as status reports show it.

    Attributes:
        name: The name it was started under.
        state: Where it is now.
        restarts: How often it was started again after a crash.
        last_error: ``Type: message`` of its last crash, or None.
    """

    name: str
    state: TaskState
    restarts: int
    last_error: str | None


@dataclass
class _Entry:
    name: str
    factory: TaskFactory
    task: asyncio.Task[None] | None = None
    state: TaskState = TaskState.RUNNING
    restarts: int = 0
    last_error: str | None = None


class TaskGroup:
    """Named background loops that are restarted when they crash and cancelled at stop.

    Start and stop the group from the event loop that runs it.

    Args:
        backoff_initial: Seconds before the first restart of a crashed task; each further
            crash in a row doubles it.
        backoff_max: The longest wait before a restart. A task that ran at least this long
            before crashing restarts after ``backoff_initial`` again.
        stop_timeout: Seconds :meth:`stop` waits for each cancelled task.
    """

    def __init__(
        self,
        *,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        stop_timeout: float = 5.0,
    ) -> None:
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.stop_timeout = stop_timeout
        self._entries: dict[str, _Entry] = {}
        self._stopping = False

    @property
    def stopping(self) -> bool:
        """Whether :meth:`stop` has been called."""
        return self._stopping

    def start(self, name: str, factory: TaskFactory) -> None:
        """Run ``factory()`` as the background task ``name``.

        Args:
            name: Unique among the running tasks of this group; shown in logs and status.
            factory: A coroutine function; it is called again for each restart.

        Raises:
            RuntimeError: The group is stopping or stopped.
            ValueError: A task of that name is still running.
        """
        if self.stopping:
            raise RuntimeError(f"Cannot start {name!r}: the task group is stopped.")
        previous = self._entries.get(name)
        if previous is not None and previous.task is not None and not previous.task.done():
            raise ValueError(f"A background task named {name!r} is already running.")
        self._entries.pop(name, None)  # a finished task of that name: its successor goes last
        entry = _Entry(name, factory)
        entry.task = asyncio.get_running_loop().create_task(
            self._supervise(entry), name=f"jupyter_mlx:{name}"
        )
        entry.task.add_done_callback(self._log_unexpected_end)
        self._entries[name] = entry

    async def sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` between two rounds of a loop: ``while not await group.sleep(5):``.

        A stop cancels the waiting loop at once; a loop that caught that cancellation and
        sleeps again returns True without waiting.

        Returns:
            True when the group is stopping (the loop should return), else False.
        """
        if self._stopping:
            return True
        await asyncio.sleep(seconds)
        return self._stopping

    async def stop(self) -> None:
        """Cancel every task, the last started first, waiting up to ``stop_timeout`` for each.

        No task is started or restarted once this is called; calling it again does nothing.
        """
        self._stopping = True
        for entry in reversed(list(self._entries.values())):
            task = entry.task
            if task is None or task.done():
                continue
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=self.stop_timeout)
            if not done:
                log.warning(
                    "Background task %r did not stop within %.3g s", entry.name, self.stop_timeout
                )
            entry.state = TaskState.STOPPED

    def describe(self) -> list[TaskStatus]:
        """Every task started, in start order."""
        return [
            TaskStatus(entry.name, entry.state, entry.restarts, entry.last_error)
            for entry in self._entries.values()
        ]

    async def _supervise(self, entry: _Entry) -> None:
        delay = self.backoff_initial
        while True:
            entry.state = TaskState.RUNNING
            started = time.monotonic()
            try:
                await entry.factory()
            except Exception as exc:
                entry.last_error = f"{type(exc).__name__}: {exc}"
                if time.monotonic() - started >= self.backoff_max:
                    delay = self.backoff_initial
                log.exception(
                    "Background task %r crashed; restarting it in %.3g s", entry.name, delay
                )
                entry.state = TaskState.BACKOFF
                if await self.sleep(delay):
                    entry.state = TaskState.STOPPED
                    return
                delay = min(delay * 2, self.backoff_max)
                entry.restarts += 1
            else:
                entry.state = TaskState.DONE
                return

    @staticmethod
    def _log_unexpected_end(task: asyncio.Task[None]) -> None:
        # _supervise lets only cancellation and BaseExceptions such as SystemExit through;
        # those must not vanish with the task either.
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("Background task %s ended abnormally", task.get_name(), exc_info=exc)
