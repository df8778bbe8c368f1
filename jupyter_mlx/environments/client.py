"""Environments from the command line and the magics: through the server, or in this process.

When a server with jupyter-mlx serves the workspace's root, environments are read, declared,
locked, installed and removed through its API, so the server stays their one writer and its
panel sees every change as it happens. Without one, the same :class:`EnvironmentService`
methods run in this process. Both answer the same calls (:class:`Environments`), so a command
is written once for either.
"""

from __future__ import annotations

import atexit
import functools
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from ..client import RunningServer, ServerClient, find_server, servers_may_run
from ..config import Settings
from .schemas import (
    CreateEnvironmentRequest,
    Environment,
    EnvironmentList,
    EnvironmentLog,
    LockDiff,
    SolverName,
)
from .service import EnvironmentConfig, _fix

if TYPE_CHECKING:
    from .service import EnvironmentService

#: Seconds between two reads of an environment being installed.
WAIT_POLL_S = 0.25
#: Seconds a lock through the server may take: solving against remote channels is slow.
LOCK_TIMEOUT_S = 900.0

#: Seconds a process lets py-rattler's threads finish before it ends (see :func:`_settle_at_exit`).
RATTLER_SETTLE_S = 0.05

#: Called with each whole line of the log while an install is followed.
OnLine = Callable[[str], None]


class Environments(Protocol):
    """What the CLI and the magics call, on the server or in this process (blocking)."""

    def list(self) -> EnvironmentList: ...

    def get(self, name: str) -> Environment: ...

    def create(self, request: CreateEnvironmentRequest) -> Environment: ...

    def lock(self, name: str, solver: SolverName | None = None) -> Environment: ...

    def start_install(self, name: str) -> Environment: ...

    def log(self, name: str, offset: int = 0) -> EnvironmentLog: ...

    def lock_diff(self, name: str) -> LockDiff: ...

    def remove(self, name: str, *, delete_spec: bool = False) -> None: ...


def environment_config(mlx: Mapping[str, Any]) -> EnvironmentConfig:
    """The environments part of a ``c.MLXApp`` configuration section (as the server reads it).

    Args:
        mlx: The ``MLXApp`` section: ``environment_dirs``, ``lock_platforms``, ``channels``,
            ``solver``, ``conda_exe``; a trait not given keeps its default.
    """
    defaults = EnvironmentConfig()
    return EnvironmentConfig(
        dirs=tuple(mlx.get("environment_dirs", defaults.dirs)),
        platforms=tuple(mlx.get("lock_platforms", defaults.platforms)),
        channels=tuple(mlx.get("channels", defaults.channels)),
        solver=mlx.get("solver", defaults.solver),
        conda_exe=str(mlx.get("conda_exe", defaults.conda_exe)),
    )


class ServerEnvironments:
    """The environments of the server that owns the workspace, through its API."""

    def __init__(self, server: RunningServer) -> None:
        self.api = ServerClient(server)
        self._solving = ServerClient(server, timeout=LOCK_TIMEOUT_S)

    @classmethod
    def find(cls, settings: Settings) -> ServerEnvironments | None:
        """The environments of the server serving the workspace's root; None when none runs."""
        if not servers_may_run():
            return None
        server = find_server(settings)
        return None if server is None else cls(server)

    def list(self) -> EnvironmentList:
        return EnvironmentList.model_validate(self.api.get("environments"))

    def get(self, name: str) -> Environment:
        return Environment.model_validate(self.api.get(f"environments/{name}"))

    def create(self, request: CreateEnvironmentRequest) -> Environment:
        body = request.model_dump(exclude_defaults=True)
        return Environment.model_validate(self.api.request("POST", "environments", body))

    def lock(self, name: str, solver: SolverName | None = None) -> Environment:
        body = {"solver": solver} if solver else {}
        answer = self._solving.request("POST", f"environments/{name}/lock", body)
        return Environment.model_validate(answer)

    def start_install(self, name: str) -> Environment:
        answer = self.api.request("POST", f"environments/{name}/install")
        return Environment.model_validate(answer)

    def log(self, name: str, offset: int = 0) -> EnvironmentLog:
        return EnvironmentLog.model_validate(
            self.api.get(f"environments/{name}/log?offset={offset}")
        )

    def lock_diff(self, name: str) -> LockDiff:
        return LockDiff.model_validate(self.api.get(f"environments/{name}/lock-diff"))

    def remove(self, name: str, *, delete_spec: bool = False) -> None:
        flag = "true" if delete_spec else "false"
        self.api.request("DELETE", f"environments/{name}?delete_spec={flag}")


@contextmanager
def environments_here(
    settings: Settings, config: EnvironmentConfig, *, migrate: bool = False
) -> Iterator[EnvironmentService]:
    """The environment service of the workspace in this process, released after the block
    (once an install it started has ended).

    Args:
        settings: The workspace.
        config: Where specs are found and how they are locked.
        migrate: Create and migrate the workspace's store first, for a removal, which asks it
            which job definitions use the environment. Without it the store is not touched
            (a read creates nothing).
    """
    from ..services import Services

    _settle_at_exit()
    services = Services.from_settings(settings, migrate=migrate, environments=config)
    try:
        yield services.environments
    finally:
        services.close()


@functools.cache
def _settle_at_exit() -> None:
    """Make this process wait briefly for py-rattler's threads before it ends.

    py-rattler's runtime threads call into Python once more just after a solve or an install
    has answered. A command that ends right then (``jupyter mlx env lock`` refusing an
    unsatisfiable spec) aborted in the interpreter's finalization, about one run in ten
    (``PyGILState_Release``); exit handlers run before it, so one that sleeps lets them end.
    """
    atexit.register(time.sleep, RATTLER_SETTLE_S)


@contextmanager
def environments_for(
    settings: Settings, config: EnvironmentConfig, *, migrate: bool = False
) -> Iterator[Environments]:
    """The server's environments when one serves the workspace's root, else this process's
    (see :func:`environments_here`)."""
    server = ServerEnvironments.find(settings)
    if server is not None:
        yield server
        return
    with environments_here(settings, config, migrate=migrate) as service:
        yield service


def log_end(environments: Environments, name: str) -> int:
    """The offset just past what the log of ``name`` holds now."""
    offset = 0
    while True:
        chunk = environments.log(name, offset)
        if chunk.next_offset == offset:
            return offset
        offset = chunk.next_offset


def install(
    environments: Environments,
    name: str,
    *,
    wait: bool = True,
    on_line: OnLine | None = None,
) -> Environment:
    """Start installing ``name`` from its lock and, with ``wait``, follow it to its end.

    Args:
        environments: The server's or this process's.
        name: The environment.
        wait: Poll until it is no longer ``installing``; otherwise answer at once.
        on_line: Called with each line the install adds to the log, as it is written.

    Returns:
        The environment: ``ready`` or ``failed`` (with its error) when waited for.

    Raises:
        InvalidInput: It is not locked, or stale (the message holds the fix).
        Conflict: It is already being locked or installed.
    """
    offset = log_end(environments, name) if wait and on_line is not None else 0
    environment = environments.start_install(name)
    if not wait:
        return environment
    partial = ""
    while True:
        # The state first: once it is no longer installing, the log holds every line.
        environment = environments.get(name)
        while on_line is not None:
            chunk = environments.log(name, offset)
            if chunk.next_offset == offset:
                break
            offset = chunk.next_offset
            *lines, partial = (partial + chunk.text).split("\n")
            for line in lines:
                on_line(line)
        if environment.state != "installing":
            if partial and on_line is not None:
                on_line(partial)
            return environment
        time.sleep(WAIT_POLL_S)


def kernel_fix(environment: Environment, kernel_lock: str | None) -> str | None:
    """What to do so that a kernel started on ``environment`` (from the lock ``kernel_lock``)
    runs on its current lock; None when it does.

    A kernel keeps the packages it was started with: once the environment is installed from
    another lock, the kernel needs a restart.
    """
    if environment.state != "ready":
        return _fix(environment.name, environment.state)
    if kernel_lock and kernel_lock != environment.installed_lock_sha256:
        installed = (environment.installed_lock_sha256 or "")[:12]
        return (
            f"This kernel started on lock {kernel_lock[:12]} of {environment.name!r}, which is "
            f"now installed from lock {installed}: restart the kernel to use it."
        )
    return None
