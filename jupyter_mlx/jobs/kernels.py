"""Kernels of job runs: fresh for every attempt, and started ahead for the kernelspecs in use.

A kernel start costs most of a small run (0.8 s here, against 5 ms to execute a trivial cell),
and so does the client's readiness wait. :class:`KernelPool` keeps kernels started ahead, their
client connected and ready, for the most used kernelspecs (``MLXApp.warm_kernels`` of them), so
a run takes one at once. A kernel serves one attempt and is shut down after it: a job never
sees a variable another job set. Each kernel runs in a process group of its own (Jupyter's
launcher starts a new session), which is what stop and timeout kill.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, Unavailable
from ..processes import create_time_of, terminate_group
from .schemas import KernelSpecSummary

log = logging.getLogger("jupyter_mlx")

#: Seconds a kernel may take to start and answer.
STARTUP_TIMEOUT_S = 60.0
#: Seconds a kernel gets to exit after a shutdown request before its group is killed.
SHUTDOWN_GRACE_S = 2.0
#: How long the list of installed kernelspecs is reused.
KERNELSPECS_TTL_S = 10.0


def kernelspec_manager(kernel_dirs: Sequence[Path] = ()) -> Any:
    """A ``KernelSpecManager`` that finds Jupyter's kernelspecs and those in ``kernel_dirs``.

    Args:
        kernel_dirs: Folders of kernelspecs looked in before Jupyter's own (the workspace's
            ``kernels/``, where its environments' kernelspecs are written).
    """
    from jupyter_client.kernelspec import KernelSpecManager

    manager = KernelSpecManager()
    extra = [str(folder) for folder in kernel_dirs]
    manager.kernel_dirs = [*extra, *(d for d in manager.kernel_dirs if d not in extra)]
    return manager


def installed_kernelspecs(kernel_dirs: Sequence[Path] = ()) -> dict[str, KernelSpecSummary]:
    """Every kernelspec Jupyter finds, and those in ``kernel_dirs``, by name."""
    found: dict[str, KernelSpecSummary] = {}
    for name, entry in sorted(kernelspec_manager(kernel_dirs).get_all_specs().items()):
        spec = entry.get("spec", {})
        found[name] = KernelSpecSummary(
            name=name,
            display_name=str(spec.get("display_name") or name),
            language=str(spec.get("language") or ""),
        )
    return found


class KernelSpecs:
    """The installed kernelspecs, read again at most every :data:`KERNELSPECS_TTL_S`.

    Args:
        kernel_dirs: Folders of kernelspecs looked in besides Jupyter's (the workspace's
            ``kernels/``).
    """

    def __init__(self, kernel_dirs: Sequence[Path] = ()) -> None:
        self.kernel_dirs = tuple(kernel_dirs)
        self._read_at = -KERNELSPECS_TTL_S
        self._specs: dict[str, KernelSpecSummary] = {}

    def all(self) -> dict[str, KernelSpecSummary]:
        """Every kernelspec by name (blocking: reads the kernelspec folders)."""
        if time.monotonic() - self._read_at >= KERNELSPECS_TTL_S:
            self._specs = installed_kernelspecs(self.kernel_dirs)
            self._read_at = time.monotonic()
        return self._specs

    def forget(self) -> None:
        """Read the kernelspecs again next time (an environment's kernelspec was written)."""
        self._read_at = -KERNELSPECS_TTL_S

    def check(self, name: str) -> str:
        """``name`` if it is installed.

        Raises:
            InvalidInput: It is not (``field`` ``kernel``); the message lists those that are.
        """
        specs = self.all()
        if name not in specs:
            names = ", ".join(specs) or "none"
            raise InvalidInput(
                f"No kernel named {name!r} is installed; installed kernels: {names}.",
                field="kernel",
            )
        return name


@dataclass
class JobKernel:
    """A started kernel with a connected, ready client, for one attempt.

    Attributes:
        name: Its kernelspec.
        manager: Its ``AsyncKernelManager``.
        client: Its ``AsyncKernelClient``, channels started.
        language_info: What the kernel said of its language (for the output notebook).
        pid: Its process id, also its process group's.
        create_time: Its start time as ``psutil`` reports it.
        warm: Whether it was started ahead of the run.
    """

    name: str
    manager: Any
    client: Any
    language_info: dict[str, Any]
    pid: int
    create_time: float
    warm: bool = False
    _closed: bool = field(default=False, repr=False)

    async def exit_code(self) -> int | None:
        """The kernel's exit status once it has exited, else None."""
        with contextlib.suppress(Exception):
            return await self.manager.provisioner.poll()
        return None

    async def kill(self) -> None:
        """Kill the kernel's whole process group now (stop, timeout)."""
        await terminate_group(self.pid, self.create_time, 0.2)

    async def shutdown(self) -> None:
        """Ask the kernel to exit, stop whatever is left of its process group, then reap the
        process and release the manager's sockets, context and connection file (a shutdown
        cut short by its timeout, or a kernel killed by a stop, leaves them otherwise)."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            self.client.stop_channels()
        try:
            await asyncio.wait_for(self.manager.shutdown_kernel(now=False), SHUTDOWN_GRACE_S * 2)
        except Exception:  # the group is stopped below whatever happened
            log.debug("Kernel %d did not shut down cleanly", self.pid, exc_info=True)
        await terminate_group(self.pid, self.create_time, SHUTDOWN_GRACE_S)
        with contextlib.suppress(Exception):
            await self.manager.provisioner.poll()  # reaps the exited process
        with contextlib.suppress(Exception):
            await self.manager.cleanup_resources()  # async on AsyncKernelManager


async def start_kernel(
    name: str,
    *,
    cwd: Path,
    env: Mapping[str, str],
    output: Path | None = None,
    kernel_dirs: Sequence[Path] = (),
) -> JobKernel:
    """Start a kernel of kernelspec ``name`` and wait until it answers.

    Args:
        name: The kernelspec.
        cwd: The folder it starts in.
        env: Its whole environment.
        output: A file its own stdout and stderr are appended to (what it prints outside
            cells: warnings of the kernel process, a crash); default: this process's.
        kernel_dirs: Folders of kernelspecs looked in besides Jupyter's.

    Raises:
        Unavailable: The kernel did not start or answer within :data:`STARTUP_TIMEOUT_S`.
    """
    from jupyter_client.manager import AsyncKernelManager

    manager = AsyncKernelManager(
        kernel_name=name, kernel_spec_manager=kernelspec_manager(kernel_dirs)
    )
    started = time.monotonic()
    client = None
    try:
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("ab") as file:  # the kernel keeps its own copy of the descriptor
                await manager.start_kernel(cwd=str(cwd), env=dict(env), stdout=file, stderr=file)
        else:
            await manager.start_kernel(cwd=str(cwd), env=dict(env))
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=STARTUP_TIMEOUT_S)
        reply = await client.kernel_info(reply=True, timeout=STARTUP_TIMEOUT_S)
    except BaseException as exc:  # a cancelled start leaves no kernel behind either
        if client is not None:
            client.stop_channels()
        with contextlib.suppress(Exception):
            await asyncio.shield(manager.shutdown_kernel(now=True))
        if isinstance(exc, Exception):
            raise Unavailable(
                f"Kernel {name!r} did not start: {type(exc).__name__}: {exc}"
            ) from exc
        raise
    pid = int(manager.provisioner.pid)  # type: ignore[union-attr]
    log.debug("Kernel %s (pid %d) ready in %.2f s", name, pid, time.monotonic() - started)
    return JobKernel(
        name=name,
        manager=manager,
        client=client,
        language_info=dict(reply["content"].get("language_info", {})),
        pid=pid,
        create_time=create_time_of(pid),
    )


class KernelPool:
    """Fresh kernels for attempts, some started ahead for the most used kernelspecs.

    Args:
        cwd: Folder kernels start in (each run then moves to its notebook's folder).
        env: Returns the variables every kernel gets on top of this process's environment
            (read at each start: the server's address is known only once it listens).
        warm: Kernels kept started ahead, for the most used kernelspecs; 0 for none.
        output: The file the kernels' own stdout and stderr are appended to.
        kernel_dirs: Folders of kernelspecs looked in besides Jupyter's (the workspace's
            ``kernels/``).
    """

    def __init__(
        self,
        *,
        cwd: Path,
        env: Callable[[], Mapping[str, str]],
        warm: int,
        output: Path | None = None,
        kernel_dirs: Sequence[Path] = (),
    ) -> None:
        self.cwd = cwd
        self.env = env
        self.output = output
        self.kernel_dirs = tuple(kernel_dirs)
        self.warm = max(0, warm)
        self._ready: dict[str, list[JobKernel]] = {}
        self._starting: Counter[str] = Counter()
        self._uses: Counter[str] = Counter()
        self._expected: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def prepare(self, name: str) -> None:
        """Say a run of kernelspec ``name`` is likely soon: keep one started ahead for it."""
        self._uses[name] += 1
        self._refill()

    def expect(self, waiting: Mapping[str, int]) -> None:
        """Keep this many kernels of each kernelspec ahead for runs waiting in the queue (on top
        of ``warm``); a later call replaces the counts."""
        self._expected = {name: count for name, count in waiting.items() if count > 0}
        self._refill()

    async def take(self, name: str) -> JobKernel:
        """A fresh kernel of kernelspec ``name``: one started ahead if ready, else a new one.

        Raises:
            Unavailable: A new kernel did not start.
        """
        self._uses[name] += 1
        kernel = None
        ready = self._ready.get(name, [])
        while ready and kernel is None:
            kernel = ready.pop()
            if not await kernel.manager.is_alive():
                log.warning("A kernel started ahead (pid %d) has exited", kernel.pid)
                self._spawn(kernel.shutdown())
                kernel = None
        if kernel is not None:
            kernel.warm = True
        else:
            kernel = await self._start(name)
        self._refill()
        return kernel

    async def _start(self, name: str) -> JobKernel:
        env = {**os.environ, **self.env()}
        return await start_kernel(
            name, cwd=self.cwd, env=env, output=self.output, kernel_dirs=self.kernel_dirs
        )

    def idle(self) -> dict[str, int]:
        """Kernels started ahead and waiting, by kernelspec."""
        return {name: len(kernels) for name, kernels in self._ready.items() if kernels}

    async def close(self) -> None:
        """Stop starting kernels and shut down those waiting."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        waiting = [kernel for kernels in self._ready.values() for kernel in kernels]
        self._ready.clear()
        await asyncio.gather(*(kernel.shutdown() for kernel in waiting), return_exceptions=True)

    def _wanted(self) -> dict[str, int]:
        """How many kernels to keep ahead per kernelspec: ``warm`` spread over the most used,
        or as many as runs of it wait in the queue."""
        wanted: Counter[str] = Counter()
        names = [name for name, _ in self._uses.most_common()]
        for index in range(self.warm if names else 0):
            wanted[names[index % len(names)]] += 1
        for name, count in self._expected.items():
            wanted[name] = max(wanted[name], count)
        return dict(wanted)

    def _refill(self) -> None:
        if self._closed:
            return
        wanted = self._wanted()
        for name, count in wanted.items():
            missing = count - len(self._ready.get(name, ())) - self._starting[name]
            for _ in range(max(0, missing)):
                self._spawn(self._start_ahead(name))
        for name, kernels in self._ready.items():
            while len(kernels) > wanted.get(name, 0):
                self._spawn(kernels.pop().shutdown())

    def _spawn(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_ahead(self, name: str) -> None:
        self._starting[name] += 1
        try:
            kernel = await self._start(name)
        except Unavailable as exc:
            log.warning("Cannot start a kernel ahead: %s", exc.message)
            return
        finally:
            self._starting[name] -= 1
        if self._closed:
            await kernel.shutdown()
            return
        self._ready.setdefault(name, []).append(kernel)
        log.info("Kernel %s (pid %d) started ahead for the next job run", name, kernel.pid)
