"""Promotions running in the server, so that a client can poll each one's gates."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..errors import MLXError, NotFound
from .schemas import Promotion

if TYPE_CHECKING:
    from .service import ModelService, PromotionPlan

log = logging.getLogger("jupyter_mlx")

#: Seconds a finished promotion stays readable.
KEEP_FINISHED_S = 3600.0
#: Most finished promotions kept; the oldest go first.
MAX_FINISHED = 200
#: Promotions executing at once; more wait their turn (each may run a smoke test).
WORKERS = 2


class Promotions:
    """In-memory registry of the promotions of one server (thread-safe), executed by threads
    of its own: a promotion once accepted is never refused for want of a thread.

    Args:
        workers: Promotions executing at once.
    """

    def __init__(self, workers: int = WORKERS) -> None:
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="mlx-promotions")
        self._lock = threading.Lock()
        self._promotions: dict[str, Promotion] = {}
        self._finished: dict[str, float] = {}  # promotion id -> when it finished (monotonic)

    def start(
        self,
        service: ModelService,
        plan: PromotionPlan,
        user: str | None,
    ) -> Promotion:
        """Execute ``plan`` in a thread of this registry and answer its first state at once.

        Args:
            service: The service executing it.
            plan: A prepared promotion or alias move.
            user: Who asked.

        Returns:
            The promotion as it starts: state ``running``, every gate ``pending``.
        """
        first = plan.promotion
        self._update(first)

        def execute() -> None:
            try:
                self._update(service.execute(plan, user=user, on_progress=self._update))
            except MLXError as exc:  # the tracking store went away during the gates
                log.warning("Promotion %s failed: %s", first.promotion_id, exc.message)
                self._fail(first, exc.message)
            except Exception as exc:  # a failure to report, never to lose in the pool
                log.exception("Promotion %s failed", first.promotion_id)
                self._fail(first, f"{type(exc).__name__}: {exc}")

        self._threads.submit(execute)
        return first

    def close(self) -> None:
        """Let the promotions executing end; the ones still waiting never start."""
        self._threads.shutdown(wait=True, cancel_futures=True)

    def get(self, promotion_id: str) -> Promotion:
        """One promotion as it is now.

        Raises:
            NotFound: (field ``promotion_id``) no such promotion, or it finished over an hour
                ago.
        """
        with self._lock:
            self._forget_old()
            promotion = self._promotions.get(promotion_id)
        if promotion is None:
            raise NotFound(f"No promotion {promotion_id!r} is known.", field="promotion_id")
        return promotion

    def _fail(self, first: Promotion, error: str) -> None:
        with self._lock:
            latest = self._promotions.get(first.promotion_id, first)
        finished = datetime.now(timezone.utc)
        self._update(
            latest.model_copy(update={"state": "failed", "error": error, "finished_at": finished})
        )

    def _update(self, promotion: Promotion) -> None:
        with self._lock:
            self._promotions[promotion.promotion_id] = promotion
            if promotion.state != "running":
                self._finished.setdefault(promotion.promotion_id, time.monotonic())
            self._forget_old()

    def _forget_old(self) -> None:
        now = time.monotonic()
        expired = [key for key, at in self._finished.items() if now - at > KEEP_FINISHED_S] + list(
            self._finished
        )[: max(0, len(self._finished) - MAX_FINISHED)]
        for key in expired:
            self._finished.pop(key, None)
            self._promotions.pop(key, None)
