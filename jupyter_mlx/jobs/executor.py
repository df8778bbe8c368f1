"""Executors: where the attempts of job runs execute.

The job service decides what runs when and records it; an executor only executes one attempt
it is handed and says how it ended. :class:`LocalExecutor` runs each attempt in a fresh kernel
on this machine, in the kernel's own process group; a distributed executor (Dask) implements
the same :class:`Executor` interface.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import Unavailable
from .execution import AttemptExecution, AttemptOutcome, setup_code
from .kernels import JobKernel, KernelPool
from .log import RunLog
from .schemas import JobRunError


@dataclass
class AttemptTicket:
    """What an executor needs to execute one attempt.

    Attributes:
        run_id: The job run.
        number: The attempt's number (1 for the first).
        notebook: The parameterized notebook; filled in with outputs as cells run.
        kernel: The kernelspec to run it in.
        timeout: Seconds the cells may take; None for no limit.
        env: Variables the notebook's kernel gets (the run's ids, its MLflow run).
        cwd: The folder the notebook runs in (the input notebook's folder).
        log: The run's log.
        stop: Set to stop the attempt.
        on_kernel: Awaited with the kernel once it is taken, while the cells start.
        on_progress: Called with the code cell starting (1-based) and the total.
    """

    run_id: str
    number: int
    notebook: Any
    kernel: str
    timeout: float | None
    env: Mapping[str, str]
    cwd: Path
    log: RunLog
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    on_kernel: Callable[[JobKernel], Awaitable[None]] | None = None
    on_progress: Callable[[int, int], None] = lambda cell, total: None


class Executor(Protocol):
    """Executes attempts of job runs."""

    #: Attempts it executes at once; the service queues the rest, first in first out.
    capacity: int

    def prepare(self, kernel: str) -> None:
        """A run of kernelspec ``kernel`` is likely soon: get ready for it."""

    def expect(self, waiting: Mapping[str, int]) -> None:
        """These many runs of each kernelspec wait in the queue: get ready for the next."""

    async def execute(self, ticket: AttemptTicket) -> tuple[AttemptOutcome, Any]:
        """Execute one attempt to its end, a stop or a timeout.

        Returns:
            How it ended, and the notebook as executed (what ran, when cut short).
        """

    async def close(self) -> None:
        """Release what the executor holds (kernels started ahead)."""


class LocalExecutor:
    """Executes each attempt in a fresh kernel on this machine.

    Args:
        kernels: Where kernels come from (some started ahead).
        capacity: Attempts executed at once.
    """

    def __init__(self, kernels: KernelPool, *, capacity: int) -> None:
        self.kernels = kernels
        self.capacity = max(1, capacity)
        self._closing: set[asyncio.Task[None]] = set()

    def prepare(self, kernel: str) -> None:
        self.kernels.prepare(kernel)

    def expect(self, waiting: Mapping[str, int]) -> None:
        # Kernels for the runs next in line start while the running ones execute, at most as
        # many as run at once.
        self.kernels.expect({name: min(n, self.capacity) for name, n in waiting.items()})

    async def execute(self, ticket: AttemptTicket) -> tuple[AttemptOutcome, Any]:
        kernel = await self._take(ticket)
        if kernel is None:
            return AttemptOutcome("stopped", JobRunError(message="Stopped before it started.")), (
                ticket.notebook
            )
        if isinstance(kernel, JobRunError):
            return AttemptOutcome("failed", kernel), ticket.notebook
        try:
            origin = "started ahead" if kernel.warm else "started for it"
            ticket.log.line(f"kernel {kernel.name} (pid {kernel.pid}, {origin})")
            # Recorded while the cells run: not on the run's path.
            recorded = ticket.on_kernel(kernel) if ticket.on_kernel is not None else None
            recording = asyncio.ensure_future(recorded) if recorded is not None else None
            execution = AttemptExecution(ticket.notebook, kernel, ticket.log, ticket.on_progress)
            setup = setup_code(ticket.env, ticket.cwd)
            outcome = await execution.run(setup, timeout=ticket.timeout, stop=ticket.stop)
            if recording is not None:
                await recording
            return outcome, execution.notebook
        finally:
            # Shutting the used kernel down is not on the run's path: it is never reused.
            task = asyncio.ensure_future(kernel.shutdown())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def _take(self, ticket: AttemptTicket) -> JobKernel | JobRunError | None:
        """A kernel for the attempt; None if it was stopped first, the error if none starts."""
        taking = asyncio.ensure_future(self.kernels.take(ticket.kernel))
        stopped = asyncio.ensure_future(ticket.stop.wait())
        await asyncio.wait({taking, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not taking.done():
            taking.cancel()
            with contextlib.suppress(BaseException):
                await taking
            return None
        try:
            return taking.result()
        except Unavailable as exc:
            ticket.log.line(exc.message)
            return JobRunError(message=exc.message)

    async def close(self) -> None:
        await self.kernels.close()
        await asyncio.gather(*self._closing, return_exceptions=True)
