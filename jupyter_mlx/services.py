"""The services of one workspace, built once and shared by handlers, magics and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .blocking import BlockingPool, default_workers
from .config import Settings
from .status import DescribeRunningServer, DescribeServer, describe_server
from .store import Store
from .tracking.service import TrackingService

#: Threads and queue of the pool for cheap work (status, store health).
QUICK_WORKERS = 2
QUICK_QUEUE = 64


@dataclass(frozen=True, slots=True)
class PoolSizes:
    """How much blocking work a server runs and queues at once.

    Attributes:
        workers: Threads for heavy reads (run searches, comparisons, artifacts).
        queue: Heavy reads that may wait for a thread; one more answers 503.
    """

    workers: int = field(default_factory=default_workers)
    queue: int = 64


@dataclass
class Services:
    """Every service of a workspace, and what they share: the store, the blocking pools.

    The server builds one at start (:meth:`from_settings`), calls :meth:`start` once its event
    loop runs and :meth:`stop` when it stops. The CLI and magics build their own from the same
    :class:`~jupyter_mlx.config.Settings` with :meth:`opened`, which closes them after use.
    """

    settings: Settings
    store: Store
    tracking: TrackingService
    blocking: BlockingPool
    quick: BlockingPool
    server: DescribeRunningServer | None = None

    @classmethod
    def from_settings(
        cls, settings: Settings, *, migrate: bool = True, pools: PoolSizes | None = None
    ) -> Services:
        """Build the services of ``settings``.

        Args:
            settings: The resolved workspace configuration.
            migrate: Create the store and apply pending migrations (the server and any
                command that writes state); False leaves the workspace untouched.
            pools: Sizes of the blocking pools; default: sized for this machine.

        Raises:
            Unavailable: ``migrate`` is set and the store cannot be migrated.
        """
        sizes = pools or PoolSizes()
        store = Store(settings.db_url)
        if migrate:
            settings.workspace.mkdir(parents=True, exist_ok=True)
            settings.artifacts_dir.mkdir(exist_ok=True)
            store.upgrade()
        return cls(
            settings=settings,
            store=store,
            tracking=TrackingService(settings.tracking_uri),
            blocking=BlockingPool("blocking", workers=sizes.workers, queue=sizes.queue),
            quick=BlockingPool("quick", workers=QUICK_WORKERS, queue=QUICK_QUEUE),
        )

    @classmethod
    @contextmanager
    def opened(cls, settings: Settings, *, migrate: bool = False) -> Iterator[Services]:
        """The services of ``settings`` for one command, closed when the block ends."""
        services = cls.from_settings(settings, migrate=migrate)
        try:
            yield services
        finally:
            services.close()

    def describe(self) -> DescribeServer:
        """The status of this workspace (see :func:`jupyter_mlx.status.describe_server`)."""
        return describe_server(self.settings, self.store, self.server)

    async def start(self) -> None:
        """Start background work; the server calls it once its event loop runs."""

    async def stop(self) -> None:
        """Stop background work, then release every resource."""
        self.close()

    def close(self) -> None:
        """Release the pools' threads and every pooled connection."""
        self.blocking.shutdown()
        self.quick.shutdown()
        self.tracking.close()
        self.store.dispose()
