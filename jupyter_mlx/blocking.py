"""Bounded pools for blocking work (database, MLflow, files), owned by ``Services``.

The event loop's default executor is shared by everything in the server and has no queue
limit: 200 run searches in flight once made ``GET /mlx/api/config`` wait seconds behind them.
jupyter-mlx runs its blocking work in pools of its own, each with a fixed number of threads
and a bounded queue; beyond the queue a caller gets :class:`~jupyter_mlx.errors.Busy` (HTTP
503 with ``Retry-After``) at once instead of stalling everyone. Cheap work (status, store
health) has a pool of its own, so it never queues behind heavy reads.
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import Busy

ResultT = TypeVar("ResultT")


def default_workers() -> int:
    """Threads for heavy reads: the cores this process may use, between 2 and 8.

    More threads than cores only adds contention for the interpreter lock, which is also what
    the event loop needs to answer anyone.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 2
    return max(2, min(8, cores))


@dataclass(frozen=True, slots=True)
class PoolLoad:
    """How loaded a pool is.

    Attributes:
        name: The pool's name.
        workers: Its threads.
        capacity: Calls it takes at once, running and queued.
        pending: Calls running or queued now.
    """

    name: str
    workers: int
    capacity: int
    pending: int


class BlockingPool:
    """A fixed set of threads with a bounded queue for blocking calls.

    Only the event loop calls :meth:`run`, so the count of pending calls needs no lock.

    Args:
        name: Shown in thread names and in the busy message.
        workers: Threads running calls.
        queue: Calls that may wait for a thread; one more is refused with :class:`Busy`.
    """

    def __init__(self, name: str, *, workers: int, queue: int) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("a pool needs at least one worker and a queue of zero or more")
        self.name = name
        self.workers = workers
        self.capacity = workers + queue
        self._pending = 0
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"mlx-{name}")

    async def run(self, func: Callable[..., ResultT], *args: Any, **kwargs: Any) -> ResultT:
        """Run ``func(*args, **kwargs)`` in a thread of this pool and return its result.

        A call cancelled while it waits for a thread never starts.

        Raises:
            Busy: The pool is running and queuing as many calls as it takes.
        """
        if self._pending >= self.capacity:
            # Refused callers are told 1 to 3 s at random, so they do not all come back at once.
            raise Busy(
                f"The server is busy ({self._pending} {self.name} requests in progress); "
                "try again in a moment.",
                retry_after=random.randint(1, 3),
            )
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor, functools.partial(func, *args, **kwargs)
            )
        finally:
            self._pending -= 1

    def load(self) -> PoolLoad:
        """The pool's size and the calls pending now."""
        return PoolLoad(self.name, self.workers, self.capacity, self._pending)

    def shutdown(self) -> None:
        """Drop queued calls and let running ones finish in the background."""
        self._executor.shutdown(wait=False, cancel_futures=True)
