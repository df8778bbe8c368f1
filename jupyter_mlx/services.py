"""The services of one workspace, built once and shared by handlers, magics and the CLI."""

from __future__ import annotations

import functools
import gc
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .blocking import BlockingPool, default_workers
from .config import WORKSPACE_DIRNAME, Settings
from .environments.service import EnvironmentConfig, EnvironmentService
from .errors import NotFound
from .jobs.definitions import JobDefinitionService, ScheduleLimits
from .jobs.executor import LocalExecutor
from .jobs.kernels import KernelPool
from .jobs.reproduce import Reproducer
from .jobs.scheduler import Scheduler
from .jobs.service import JobService
from .jobs.sweeps import SweepService
from .models.promotions import Promotions
from .models.service import ModelService
from .serving.options import DEFAULT_MAX_REQUEST_BYTES
from .serving.service import EndpointService
from .status import DescribeRunningServer, DescribeServer, describe_server
from .store import Store
from .supervisor import Supervisor
from .tasks import TaskGroup
from .tracking.service import TrackingService
from .tracking.workspace import create_tracking_store

log = logging.getLogger("jupyter_mlx")

#: Threads and queue of the pool for cheap work (status, store health).
QUICK_WORKERS = 2
QUICK_QUEUE = 64
#: Threads and queue of the job service's pool (store, files, MLflow of job runs).
JOBS_WORKERS = 4
JOBS_QUEUE = 4096
#: The workspace's file that job kernels' own stdout and stderr go to.
JOB_KERNELS_LOG = "job-kernels.log"


def settle_heap() -> None:
    """Keep the objects alive now out of the garbage collector's full collections.

    Once MLflow has loaded, the server's heap holds about a million long-lived objects
    (modules, ORM mappings, schemas). A full collection walks all of them while holding the
    interpreter lock: under load that stalled the event loop for 150 to 250 ms every few
    seconds (``benchmarks/bench_runtime.py``). ``gc.freeze`` moves them to a generation the
    collector skips; objects created later are collected as before.
    """
    gc.collect()
    gc.freeze()
    log.info("Settled %d long-lived objects out of full garbage collections", gc.get_freeze_count())


def require_tracking_store(settings: Settings) -> None:
    """Refuse to read an embedded tracking store that does not exist.

    Args:
        settings: The workspace.

    Raises:
        NotFound: The workspace the store belongs to does not exist (``field`` is
            ``workspace``), or it exists without a tracking store yet (``tracking_uri``). The
            message names the folder and what creates it: the server's start (JupyterLab)
            or a tracked run (``%mlx_track``).
    """
    db_path = settings.tracking_db_path
    workspace = settings.tracking_workspace
    if db_path is None or workspace is None or db_path.exists():
        return
    if workspace.is_dir():
        raise NotFound(
            f"No MLflow tracking store at {db_path} yet: track a run with %mlx_track, or start "
            "JupyterLab on this workspace, to create it.",
            field="tracking_uri",
        )
    if workspace == settings.root_dir / WORKSPACE_DIRNAME:
        where, start = f"in {settings.root_dir} (no {WORKSPACE_DIRNAME}/ folder)", "there"
    else:
        where, start = f"at {workspace}", "on it"
    raise NotFound(
        f"No jupyter-mlx workspace {where}: start JupyterLab {start}, or track a run with "
        "%mlx_track, to create one.",
        field="workspace",
    )


@dataclass(frozen=True, slots=True)
class PoolSizes:
    """How much blocking work a server runs and queues at once.

    Attributes:
        workers: Threads for heavy reads (run searches, comparisons, artifacts).
        queue: Heavy reads that may wait for a thread; one more answers 503.
    """

    workers: int = field(default_factory=default_workers)
    queue: int = 64


@dataclass(frozen=True, slots=True)
class JobSizes:
    """How job runs execute on this machine.

    Attributes:
        max_concurrent_runs: Attempts executing at once; the rest wait, first in first out.
        warm_kernels: Kernels kept started ahead for the most used kernelspecs; 0 for none.
    """

    max_concurrent_runs: int = field(default_factory=lambda: os.cpu_count() or 1)
    warm_kernels: int = 1


@dataclass(frozen=True, slots=True)
class EndpointSizes:
    """How the server runs endpoints.

    Attributes:
        restart_endpoints: Start the endpoints left wanted running at the server's start.
        max_request_bytes: Larger request bodies are refused (413), by the proxy and by each
            endpoint's process.
    """

    restart_endpoints: bool = True
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES


@dataclass
class Services:
    """Every service of a workspace, and what they share.

    Attributes:
        settings: The resolved workspace.
        store: The jupyter-mlx database.
        tracking: Experiments and runs, read through MLflow.
        blocking: The bounded pool for heavy blocking reads.
        quick: The pool for cheap blocking work (status), never behind heavy reads.
        tasks: Background loops (scheduler, health checks), restarted when they crash.
        processes: Supervised children (job runners, endpoints) in their own process groups.
        jobs: Job runs: notebooks executed with parameters, in kernels of their own.
        sweeps: Sweeps: trials of a notebook over a parameter space.
        definitions: Job definitions: notebooks run on demand or on a cron schedule.
        scheduler: The loop firing definitions when due (started by :meth:`start`).
        environments: Environments: specs locked, installed and given a kernel.
        reproducer: Runs recorded MLflow runs again, on their recorded environment lock.
        models: Registered models: promotion behind gates, aliases and their history.
        promotions: The promotions running in the server, polled by clients.
        endpoints: Endpoints: registered models served by supervised scoring processes.
        server: The Jupyter server these services run in, when they do.
        kernel_env: Returns the variables a kernel started for this workspace gets (the
            server sets one that adds its address and token).

    The server builds one at start (:meth:`from_settings`), calls :meth:`start` once its event
    loop runs and :meth:`stop` when it stops. The CLI and magics build their own from the same
    :class:`~jupyter_mlx.config.Settings` with :meth:`opened`, which closes them after use and,
    for a read, refuses a workspace that does not exist instead of creating it.
    """

    settings: Settings
    store: Store
    tracking: TrackingService
    blocking: BlockingPool
    quick: BlockingPool
    tasks: TaskGroup
    processes: Supervisor
    jobs: JobService
    sweeps: SweepService
    definitions: JobDefinitionService
    scheduler: Scheduler
    environments: EnvironmentService
    reproducer: Reproducer
    models: ModelService
    promotions: Promotions
    endpoints: EndpointService
    restart_endpoints: bool = True
    server: DescribeRunningServer | None = None
    kernel_env: Callable[[], dict[str, str]] | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        migrate: bool = True,
        pools: PoolSizes | None = None,
        job_sizes: JobSizes | None = None,
        limits: ScheduleLimits | None = None,
        environments: EnvironmentConfig | None = None,
        endpoints: EndpointSizes | None = None,
    ) -> Services:
        """Build the services of ``settings``.

        Args:
            settings: The resolved workspace configuration.
            migrate: Create the workspace and apply the store's pending migrations (the server
                and any command that writes state); an embedded MLflow store is then created
                with the workspace's artifact root before its first use. False leaves the
                workspace untouched.
            pools: Sizes of the blocking pools; default: sized for this machine.
            job_sizes: Concurrency and kernels started ahead of job runs; default: one run
                per core, one kernel ahead.
            limits: Bounds of catch-up and sweeps; default: 10 missed fires, 100 trials.
            environments: Where environment specs are found and how they are locked;
                default: the root and envs/, this machine's platform, the rattler solver.
            endpoints: Whether endpoints start again with the server, and the largest
                request body; default: they do, 64 MiB.

        Raises:
            Unavailable: ``migrate`` is set and the store cannot be migrated, or the MLflow
                store cannot be created.
        """
        sizes = pools or PoolSizes()
        store = Store(settings.db_url)
        if migrate:
            settings.workspace.mkdir(parents=True, exist_ok=True)
            settings.artifacts_dir.mkdir(exist_ok=True)
            store.upgrade()
        quick = BlockingPool("quick", workers=QUICK_WORKERS, queue=QUICK_QUEUE)
        tracking = TrackingService(settings.tracking_uri)
        if migrate:
            # Created by jupyter-mlx before MLflow's first use (off the event loop, in the
            # first read), which would give the Default experiment <cwd>/mlruns.
            tracking.connection.prepare = functools.partial(create_tracking_store, settings)
        jobs = job_sizes or JobSizes()
        services: Services

        def kernel_env() -> dict[str, str]:
            return services.kernel_env() if services.kernel_env else settings.process_env()

        kernels = KernelPool(
            cwd=settings.root_dir,
            env=kernel_env,
            warm=jobs.warm_kernels,
            output=settings.workspace / JOB_KERNELS_LOG,
            kernel_dirs=(settings.kernels_dir,),
        )
        job_pool = BlockingPool("jobs", workers=JOBS_WORKERS, queue=JOBS_QUEUE)
        environment_service = EnvironmentService(settings, environments)
        job_service = JobService(
            settings,
            store,
            tracking.connection,
            LocalExecutor(kernels, capacity=jobs.max_concurrent_runs),
            job_pool,
            environment_service,
        )
        bounds = limits or ScheduleLimits()
        sweeps = SweepService(
            settings, store, job_service, tracking.connection, job_pool, bounds.max_sweep_runs
        )
        definitions = JobDefinitionService(settings, store, job_service, sweeps, job_pool, bounds)
        environment_service.in_use = definitions.names_using
        serving = endpoints or EndpointSizes()
        processes = Supervisor(store, blocking=quick.run)
        models = ModelService(settings, store, tracking.connection, environment_service)
        endpoint_service = EndpointService(
            settings,
            store,
            processes,
            tracking.connection,
            models,
            max_request_bytes=serving.max_request_bytes,
        )
        # An alias move (made in a thread of the Models service) reloads the endpoints
        # serving that alias at once.
        models.on_alias_moved = endpoint_service.notify_alias_moved
        services = cls(
            settings=settings,
            store=store,
            tracking=tracking,
            blocking=BlockingPool("blocking", workers=sizes.workers, queue=sizes.queue),
            quick=quick,
            tasks=TaskGroup(),
            processes=processes,
            jobs=job_service,
            sweeps=sweeps,
            definitions=definitions,
            scheduler=Scheduler(definitions),
            environments=environment_service,
            reproducer=Reproducer(settings, tracking.connection, job_service, environment_service),
            models=models,
            promotions=Promotions(),
            endpoints=endpoint_service,
            restart_endpoints=serving.restart_endpoints,
        )
        return services

    @classmethod
    @contextmanager
    def opened(
        cls, settings: Settings, *, migrate: bool = False, allow_missing: bool = False
    ) -> Iterator[Services]:
        """The services of ``settings`` for one command, closed when the block ends.

        A read (``migrate`` unset) creates nothing. Where the tracking store is an embedded
        SQLite file that does not exist, MLflow would create it (and a workspace around it)
        on the first query, so a read refuses it instead (:func:`require_tracking_store`). A
        remote tracking store needs no local workspace.

        Args:
            settings: The resolved workspace configuration.
            migrate: Create and migrate the workspace first (see :meth:`from_settings`).
            allow_missing: Build read services even where the tracking store does not exist,
                for a caller that reads no runs (``status`` reports what is missing).

        Raises:
            NotFound: A read, without ``allow_missing``, of a workspace or embedded tracking
                store that does not exist (``field`` is ``workspace`` or ``tracking_uri``).
            Unavailable: ``migrate`` is set and the workspace cannot be migrated.
        """
        if not migrate and not allow_missing:
            require_tracking_store(settings)
        services = cls.from_settings(settings, migrate=migrate)
        try:
            yield services
        finally:
            services.close()

    def describe(self) -> DescribeServer:
        """The status of this workspace (see :func:`jupyter_mlx.status.describe_server`)."""
        return describe_server(self.settings, self.store, self.server)

    async def start(self) -> None:
        """Take over what a previous server left, then start background work.

        The server calls it once its event loop runs and the store is migrated. Children that
        a killed server left running are stopped: no capability adopts any yet. Job runs it
        left running are settled (interrupted, or queued again for a retry), then the job
        dispatcher starts, the scheduler (whose first look handles the fires missed while no
        scheduler ran) and the watch over running sweeps. Last, the endpoints recorded as
        wanted running start again (when ``restart_endpoints`` is set).
        """
        self.tracking.connection.after_first_call = settle_heap
        await self.jobs.start(self.tasks)
        self.tasks.start("scheduler", self.scheduler.run)
        self.tasks.start("sweeps", lambda: self.sweeps.watch(self.tasks.sleep))
        recovery = await self.processes.recover()
        for orphan in recovery.stopped:
            log.warning(
                "Stopped %s %r (pid %d), left running by a server that is gone",
                orphan.kind,
                orphan.name,
                orphan.pid,
            )
        await self.endpoints.start(restart=self.restart_endpoints)

    async def stop(self) -> None:
        """Stop background loops first (they may start children), then the children, then
        release every resource."""
        await self.tasks.stop()
        await self.jobs.close()
        await self.endpoints.stop()
        await self.processes.stop()
        self.close()

    def close(self) -> None:
        """Release the pools' threads (after installs under way) and every pooled connection."""
        self.environments.close()
        self.promotions.close()
        self.blocking.shutdown()
        self.quick.shutdown()
        self.jobs.pool.shutdown()
        self.tracking.close()
        self.store.dispose()
