"""The jupyter-mlx server extension: configuration, services and routes."""

from __future__ import annotations

import os
from typing import Any, cast

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Enum, Integer, List, Unicode, default

from . import __version__
from .blocking import default_workers
from .config import Settings, redact_url
from .environments.schemas import SolverName
from .environments.service import EnvironmentConfig
from .handlers import ROUTES
from .jobs.definitions import ScheduleLimits
from .services import EndpointSizes, JobSizes, PoolSizes, Services
from .serving.options import DEFAULT_MAX_REQUEST_BYTES
from .status import DescribeRunningServer


class MLXApp(ExtensionApp):
    """Jupyter Server extension that owns a workspace's ML lifecycle state."""

    name = "jupyter_mlx"
    version = __version__
    description = __doc__
    load_other_extensions = True

    workspace_dir = Unicode(
        "",
        config=True,
        help=(
            "Folder holding this workspace's state (store, MLflow data, environments, job "
            "outputs). Default: $MLX_WORKSPACE_DIR, else <server root>/.mlx. "
            "Example: c.MLXApp.workspace_dir = '/data/ann/.mlx'"
        ),
    )
    db_url = Unicode(
        "",
        config=True,
        help=(
            "SQLAlchemy URL of the jupyter-mlx store. Default: $MLX_DB_URL, else "
            "sqlite:///<workspace>/mlx.db. Teams use PostgreSQL, e.g. "
            "'postgresql+psycopg://mlx@db.internal/mlx'."
        ),
    )
    tracking_uri = Unicode(
        "",
        config=True,
        help=(
            "MLflow tracking URI. Default: $MLFLOW_TRACKING_URI, else the embedded store "
            "sqlite:///<workspace>/mlflow.db. Example: 'http://mlflow.internal:5000'."
        ),
    )
    blocking_workers = Integer(
        config=True,
        help=(
            "Threads for heavy blocking reads (run searches, comparisons, artifacts). "
            "Default: the cores available, between 2 and 8. Example: 4"
        ),
    )
    blocking_queue = Integer(
        64,
        config=True,
        help=(
            "Heavy reads that may wait for a thread; beyond them a request answers 503 with "
            "Retry-After instead of stalling the server. Default: 64. Example: 256"
        ),
    )

    max_concurrent_runs = Integer(
        config=True,
        help=(
            "Job run attempts executing at once; more wait in a first-in, first-out queue. "
            "Default: the number of cores. Example: 4"
        ),
    )
    warm_kernels = Integer(
        1,
        config=True,
        help=(
            "Kernels kept started ahead for the most used kernelspecs, so a small job run "
            "does not wait for a kernel to start (each serves one run and is shut down). "
            "0 turns it off. Default: 1."
        ),
    )

    max_catchup_runs = Integer(
        10,
        config=True,
        help=(
            "Most fires missed while no scheduler ran that a definition with the catch-up "
            "policy 'all' runs after a restart; the rest are counted as skipped. Default: 10."
        ),
    )
    max_sweep_runs = Integer(
        100,
        config=True,
        help=(
            "Most runs one sweep may make (a grid's size, or the trials asked for); a larger "
            "sweep is refused. Default: 100. Example: 500"
        ),
    )

    environment_dirs = List(
        Unicode(),
        default_value=["", "envs"],
        config=True,
        help=(
            "Folders, relative to the server root, searched (with their direct subfolders) for "
            "environment specs: environment.yml or requirements.in. '' is the root itself. "
            "Default: ['', 'envs']."
        ),
    )
    lock_platforms = List(
        Unicode(),
        config=True,
        help=(
            "Conda platforms a lock covers. Default: this machine's platform. "
            "Example: ['linux-64', 'osx-arm64', 'win-64']"
        ),
    )
    channels = List(
        Unicode(),
        config=True,
        help=(
            "Conda channels used instead of each spec's own, such as a company mirror or a "
            "file:// channel. Default: [] (the spec's channels, else conda-forge). "
            "Example: ['https://conda.mirror.example.com/conda-forge']"
        ),
    )
    solver = Enum(
        ["rattler", "conda-lock"],
        "rattler",
        config=True,
        help=(
            "How environments are locked: 'rattler' (py-rattler, no executable needed) or "
            "'conda-lock' (runs conda-lock, which needs conda, mamba or micromamba). "
            "Default: 'rattler'."
        ),
    )
    conda_exe = Unicode(
        "",
        config=True,
        help=(
            "The conda, mamba or micromamba executable the conda-lock solver runs. "
            "Default: the first of micromamba, mamba, conda found on PATH."
        ),
    )

    restart_endpoints = Bool(
        True,
        config=True,
        help=(
            "Start the endpoints that were running when the server stopped again at its next "
            "start (they are stopped with the server either way). Default: True. "
            "Example: c.MLXApp.restart_endpoints = False"
        ),
    )
    max_request_bytes = Integer(
        DEFAULT_MAX_REQUEST_BYTES,
        config=True,
        help=(
            "Largest request body an endpoint takes, through the server's proxy or on its own "
            "port; a larger one is answered 413. Default: 67108864 (64 MiB). "
            "Example: 268435456"
        ),
    )

    @default("max_concurrent_runs")
    def _default_max_concurrent_runs(self) -> int:
        return os.cpu_count() or 1

    @default("blocking_workers")
    def _default_blocking_workers(self) -> int:
        return default_workers()

    def resolve_settings(self) -> Settings:
        """This server's workspace: its root, these traits, the environment, the defaults."""
        assert self.serverapp is not None, "the extension is not linked to a server"
        traits = {
            "workspace_dir": self.workspace_dir,
            "db_url": self.db_url,
            "tracking_uri": self.tracking_uri,
        }
        return Settings.resolve(self.serverapp.root_dir, config=traits)

    def environment_config(self) -> EnvironmentConfig:
        """Where this server finds environment specs and how it locks them."""
        return EnvironmentConfig(
            dirs=tuple(self.environment_dirs),
            platforms=tuple(self.lock_platforms),
            channels=tuple(self.channels),
            solver=cast(SolverName, self.solver),
            conda_exe=self.conda_exe,
        )

    def initialize_settings(self) -> None:
        """Build the workspace services and migrate the store before any request."""
        settings = self.resolve_settings()
        self.services = Services.from_settings(
            settings,
            pools=PoolSizes(workers=self.blocking_workers, queue=self.blocking_queue),
            job_sizes=JobSizes(
                max_concurrent_runs=self.max_concurrent_runs, warm_kernels=self.warm_kernels
            ),
            limits=ScheduleLimits(
                max_catchup_runs=self.max_catchup_runs, max_sweep_runs=self.max_sweep_runs
            ),
            environments=self.environment_config(),
            endpoints=EndpointSizes(
                restart_endpoints=self.restart_endpoints,
                max_request_bytes=self.max_request_bytes,
            ),
        )
        self.settings["mlx"] = self.services
        self._record_address()
        self._pass_workspace_to_kernels(settings)
        self._find_environment_kernels(settings)
        self.log.info(
            "jupyter-mlx %s: workspace %s, tracking %s",
            __version__,
            settings.workspace,
            redact_url(settings.tracking_uri),
        )

    def _pass_workspace_to_kernels(self, settings: Settings) -> None:
        """Give each kernel this server's workspace and address, in that kernel's environment.

        The variables go into the environment the kernel manager launches each kernel with,
        never into this server's ``os.environ``, which every terminal and child would inherit.
        Wrapping the manager instance's ``start_kernel`` works with any kernel manager class a
        deployment configures. The address is read at each start: the port is bound only after
        extensions load.
        """
        serverapp = self.serverapp
        assert serverapp is not None
        manager = serverapp.kernel_manager
        start_kernel = manager.start_kernel

        def kernel_env() -> dict[str, str]:
            token = getattr(serverapp.identity_provider, "token", "") or ""
            return settings.process_env(server_url=serverapp.connection_url, token=token)

        async def start_kernel_in_workspace(*args: Any, **kwargs: Any) -> Any:
            kwargs["env"] = {**(kwargs.get("env") or os.environ), **kernel_env()}
            return await start_kernel(*args, **kwargs)

        manager.start_kernel = start_kernel_in_workspace  # type: ignore[method-assign]
        self.services.kernel_env = kernel_env  # job kernels get the same

    def _find_environment_kernels(self, settings: Settings) -> None:
        """Make the server's kernel spec manager look in the workspace's ``kernels/`` folder,
        where environments' kernelspecs are written, so JupyterLab's launcher and kernel picker
        show them (a deployment's manager without ``kernel_dirs`` is left as it is)."""
        assert self.serverapp is not None
        manager = self.serverapp.kernel_spec_manager
        kernel_dirs = getattr(manager, "kernel_dirs", None)
        folder = str(settings.kernels_dir)
        if manager is not None and isinstance(kernel_dirs, list) and folder not in kernel_dirs:
            manager.kernel_dirs = [folder, *kernel_dirs]

    def initialize_handlers(self) -> None:
        """Register every route; ExtensionApp puts them under the server's base URL."""
        self.handlers.extend(ROUTES)

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        """Start the services' background work once the server's event loop runs."""
        self._record_address()  # again: the port may have moved while binding
        await self.services.start()

    def _record_address(self) -> None:
        assert self.serverapp is not None
        self.services.server = DescribeRunningServer(
            url=self.serverapp.connection_url, pid=os.getpid()
        )

    async def stop_extension(self) -> None:
        """Stop background work and release the store."""
        await self.services.stop()
