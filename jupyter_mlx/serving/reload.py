"""Hot reload: an endpoint serving ``models:/NAME@ALIAS`` follows the alias.

The :class:`Reloader` looks up the alias every ``interval_s`` seconds and when told
(``POST /-/reload``). When it names another version, that version is loaded beside the serving
one (in a thread), smoke-tested on its logged input example (the rows match, no NaN: the checks
of a promotion's smoke test), and only then swapped in: requests already routed finish on the
old model, whose batcher closes once they are answered. A version that fails to load or fails
its smoke test leaves the old model serving and is named in ``reload.error``; the poll does
not retry it until the alias moves again (``POST /-/reload`` does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timezone
from typing import Any

from ..errors import InvalidInput
from .deployment import Deployments, ModelRef, Role, alias_of, iso, load, resolve, smoke_test

log = logging.getLogger("jupyter_mlx.serving")


class Reloader:
    """Follows the aliases an endpoint's URIs name.

    Args:
        deployments: What the endpoint serves.
        interval_s: Seconds between looks at the registry; 0: only when told.
        lock: Held while a model is loaded and swapped (shared with ``PATCH /-/config``).
    """

    def __init__(self, deployments: Deployments, interval_s: float, lock: asyncio.Lock) -> None:
        self.deployments = deployments
        self.interval_s = interval_s
        self.lock = lock
        self.checked_at: datetime | None = None
        self.loading: str | None = None
        self.error: str | None = None
        self.reloaded_at: datetime | None = None
        self._failed: set[str] = set()
        self._wake = asyncio.Event()
        self._forced = False
        self._task: asyncio.Task[None] | None = None

    def describe(self) -> dict[str, Any]:
        """``reload`` of ``/-/state``."""
        return {
            "interval_s": self.interval_s,
            "checked_at": iso(self.checked_at),
            "loading": self.loading,
            "error": self.error,
            "reloaded_at": iso(self.reloaded_at),
        }

    def start(self) -> None:
        """Look at the aliases until :meth:`stop` (on the loop)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    def wake(self) -> None:
        """Look now, trying again a version that failed before."""
        self._forced = True
        self._wake.set()

    async def stop(self) -> None:
        """Stop looking (a load in progress is abandoned; its thread ends on its own)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval_s or None)
            self._wake.clear()
            forced, self._forced = self._forced, False
            try:
                await self.check(forced=forced)
            except Exception:  # the next look tries again
                log.exception("Looking for a new version failed")

    async def check(self, *, forced: bool = False) -> None:
        """Look up the aliases once and swap in the versions they name now."""
        for role in ("primary", "canary"):
            requested = self._requested(role)  # type: ignore[arg-type]
            if requested is None or alias_of(requested) is None:
                continue
            try:
                ref = await asyncio.to_thread(resolve, requested)
            except InvalidInput as exc:
                self.checked_at = datetime.now(timezone.utc)
                self.error = exc.message
                continue
            self.checked_at = datetime.now(timezone.utc)
            serving = self._serving(role)  # type: ignore[arg-type]
            if serving is None or ref.version == serving.version:
                if serving is not None and self.error and ref.model_uri not in self._failed:
                    self.error = None  # the alias moved back to what is served
                continue
            if ref.model_uri in self._failed and not forced:
                continue
            await self._reload(role, ref)  # type: ignore[arg-type]

    def _requested(self, role: Role) -> str | None:
        if role == "primary":
            return self.deployments.primary_uri
        return self.deployments.canary_uri

    def _serving(self, role: Role) -> ModelRef | None:
        deployment = self.deployments.primary if role == "primary" else self.deployments.canary
        return deployment.loaded.ref if deployment is not None else None

    async def _reload(self, role: Role, ref: ModelRef) -> None:
        async with self.lock:
            if self._requested(role) != ref.requested:  # changed by PATCH /-/config meanwhile
                return
            self.loading = ref.model_uri
            try:
                loaded = await asyncio.to_thread(load, ref)
                passed, detail = await asyncio.to_thread(smoke_test, loaded)
            except InvalidInput as exc:
                passed, loaded = False, None
                reason = exc.message.partition(" does not resolve: ")[2] or exc.message
                failure = f"Version {ref.version} failed to load: {reason}"
            else:
                failure = f"Version {ref.version} failed its smoke test: {detail}"
            finally:
                self.loading = None
            if not passed or loaded is None:
                self._failed.add(ref.model_uri)
                self.error = failure
                log.warning("%s; the served version keeps serving", failure)
                return
            self.deployments.replace(role, loaded)
            self._failed.discard(ref.model_uri)
            self.error = None
            self.reloaded_at = datetime.now(timezone.utc)
            log.info("Now serving %s as %s (%s)", ref.model_uri, role, detail)
