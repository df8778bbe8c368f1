"""The scheduler: the loop that fires job definitions when their schedule comes due.

It sleeps until the earliest next fire time of the active definitions (never longer than
:data:`POLL_INTERVAL_S`, so definitions another process created are seen), or until a
definition changes here; then it fires what is due (:meth:`JobDefinitionService.fire_due`).
At start, the first look handles the fires missed while no scheduler ran, per each
definition's catch-up policy. The same loop runs in the Jupyter server and in
``jupyter mlx scheduler``; several may share a store, each instant still firing once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from .definitions import JobDefinitionService
from .records import now

log = logging.getLogger("jupyter_mlx")

#: Longest sleep between two looks at the store.
POLL_INTERVAL_S = 30.0
#: Shortest sleep: a fire time reached by the clock is looked at after this much.
MIN_SLEEP_S = 0.05


class Scheduler:
    """Fires due job definitions, waking at the next fire time.

    Args:
        definitions: The definition service that fires.
        clock: The current time (tests move it).
    """

    def __init__(
        self, definitions: JobDefinitionService, clock: Callable[[], datetime] = now
    ) -> None:
        self.definitions = definitions
        self.clock = clock
        self._wake = asyncio.Event()
        definitions.on_change = self.wake

    def wake(self) -> None:
        """Look at the store again now (a definition changed)."""
        self._wake.set()

    async def tick(self, moment: datetime | None = None) -> int:
        """Fire what is due at ``moment`` (default: now).

        Returns:
            How many fires were handed on.
        """
        return await self.definitions.fire_due(moment or self.clock())

    async def run(self) -> None:
        """Fire due definitions until cancelled (the background task ``scheduler``)."""
        while True:
            self._wake.clear()
            fired = await self.tick()
            if fired:
                log.info("Scheduler fired %d job runs or sweeps", fired)
            due = await self.definitions.next_due()
            wait = POLL_INTERVAL_S
            if due is not None:
                wait = min(wait, max(MIN_SLEEP_S, (due - self.clock()).total_seconds()))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
