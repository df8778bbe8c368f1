"""The environments of a workspace: declared, locked, installed, given a kernel.

:class:`EnvironmentService` is the one writer of environments. Its methods block (solving,
linking, running uv): the server calls them off the event loop, and an install started by
:meth:`EnvironmentService.start_install` runs on the service's own thread while its state,
progress and log are read.

Each environment keeps, under ``<workspace>/environments/<name>/``: ``state.json`` (an install
under way or the last failure), ``install.log``, ``locked-spec.txt`` (the spec as last locked,
to show which lines changed), ``locks/<sha256>/`` (every lock it was given, for reproduce and
the lock diff) and ``previous`` (the sha256 of the lock before the current one). Its prefix
is ``<workspace>/envs/<name>``.
"""

from __future__ import annotations

import builtins
import json
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psutil

from ..config import Settings
from ..errors import Conflict, InvalidInput, MLXError, NotFound
from ..jobs.log import append_text, read_chunk, stamp
from . import kernels
from .install import install, read_stamp
from .lock import (
    CondaLockSolver,
    Lock,
    LockedPackage,
    RattlerSolver,
    Solver,
    compile_pip,
    conda_lock_text,
    current_platform,
    lock_diff,
    read_lock,
    write_atomic,
)
from .schemas import (
    CreateEnvironmentRequest,
    Environment,
    EnvironmentList,
    EnvironmentLog,
    EnvironmentState,
    InstallProgress,
    LockDiff,
    SolverName,
)
from .spec import (
    CONDA_LOCK_FILE,
    CONDA_SPEC_FILES,
    DEFAULT_CHANNELS,
    PIP_LOCK_FILE,
    PIP_SPEC_FILE,
    Discovery,
    EnvironmentSpec,
    changed_lines,
    clash,
    discover,
    parse_spec,
    render_conda_spec,
    render_pip_spec,
)

log = logging.getLogger("jupyter_mlx.environments")

#: Most bytes of a log one answer carries.
MAX_LOG_CHUNK = 1 << 20


@dataclass(frozen=True)
class EnvironmentConfig:
    """How environments are found, locked and installed (the ``MLXApp`` traits).

    Attributes:
        dirs: Folders (relative to the root) searched for specs, with their direct subfolders.
        platforms: Platforms a lock covers; default: this machine's.
        channels: Channels used instead of a spec's own; empty: the spec's.
        solver: The default solver.
        conda_exe: The executable conda-lock runs; empty: looked for on PATH.
    """

    dirs: tuple[str, ...] = ("", "envs")
    platforms: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    solver: SolverName = "rattler"
    conda_exe: str = ""


@dataclass(frozen=True)
class EnvironmentKernel:
    """The kernel a run uses to run on an environment, and the lock it records."""

    name: str
    kernel: str
    lock_sha256: str
    prefix: Path


@dataclass
class _Activity:
    """An install under way in this process."""

    lock_sha256: str
    progress: InstallProgress = field(
        default_factory=lambda: InstallProgress(phase="starting", done=0, total=0)
    )
    future: Future[Any] | None = None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _fix(name: str, state: str) -> str:
    lock, install_ = f"`jupyter mlx env lock {name}`", f"`jupyter mlx env install {name}`"
    return {
        "declared": f"Environment {name!r} is not locked: run {lock}, then {install_}.",
        "stale": (
            f"Environment {name!r} is stale (its spec changed since it was locked): run {lock}, "
            f"then {install_}."
        ),
        "locked": f"Environment {name!r} is not installed: run {install_}.",
        "installing": f"Environment {name!r} is being installed: wait until it is ready.",
        "failed": (
            f"Environment {name!r} failed to install: see `jupyter mlx env show {name}`, fix it, "
            f"then run {install_}."
        ),
    }[state]


class EnvironmentService:
    """Declares, locks, installs and removes the environments of one workspace.

    Args:
        settings: The workspace.
        config: Where specs are found and how they are locked.
        in_use: Returns the job definitions that name an environment (removal is refused
            while there are any).
    """

    def __init__(
        self,
        settings: Settings,
        config: EnvironmentConfig | None = None,
        in_use: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.config = config or EnvironmentConfig()
        self.in_use = in_use or (lambda name: [])
        self._guard = threading.Lock()
        self._busy: set[str] = set()
        self._active: dict[str, _Activity] = {}
        self._executor: ThreadPoolExecutor | None = None

    # --- where things are -------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.settings.root_dir

    @property
    def kernels_dir(self) -> Path:
        return self.settings.kernels_dir

    @property
    def platforms(self) -> tuple[str, ...]:
        return self.config.platforms or (current_platform(),)

    def prefix_of(self, name: str) -> Path:
        return self.settings.workspace / "envs" / name

    def state_dir(self, name: str) -> Path:
        return self.settings.workspace / "environments" / name

    def _relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    # --- reads ------------------------------------------------------------------------

    def discover(self) -> Discovery:
        return discover(self.root, self.config.dirs)

    def spec(self, name: str) -> EnvironmentSpec:
        """The spec of ``name``; NotFound (field ``name``) when none declares it."""
        specs = self.discover().specs
        if name not in specs:
            raise NotFound(
                f"No environment named {name!r}: declare it in an environment.yml or "
                f"requirements.in under {', '.join(d or '.' for d in self.config.dirs)}.",
                field="name",
            )
        return specs[name]

    def list(self) -> EnvironmentList:
        """Every environment of the workspace, and the specs that cannot be read."""
        found = self.discover()
        return EnvironmentList(
            environments=[self._describe(spec) for spec in found.specs.values()],
            problems=found.problems,
        )

    def get(self, name: str) -> Environment:
        """One environment, as it is now."""
        return self._describe(self.spec(name))

    def _read_state(self, name: str) -> dict[str, Any]:
        try:
            data = json.loads((self.state_dir(name) / "state.json").read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write_state(self, name: str, **values: Any) -> None:
        folder = self.state_dir(name)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / "state.json", json.dumps(values, default=str))

    def _installing_elsewhere(self, state: dict[str, Any]) -> bool:
        """Whether the state file records an install by a live process (another server or CLI)."""
        if state.get("state") != "installing" or state.get("host") != socket.gethostname():
            return False
        try:
            return psutil.Process(state["pid"]).create_time() == state["create_time"]
        except (psutil.Error, KeyError, TypeError):
            return False

    def _describe(self, spec: EnvironmentSpec) -> Environment:
        name = spec.name
        lock = read_lock(spec)
        prefix = self.prefix_of(name)
        stamp = read_stamp(prefix)
        saved = self._read_state(name)
        activity = self._active.get(name)
        stale = []
        error = saved.get("error")
        state: EnvironmentState
        if activity is not None or self._installing_elsewhere(saved):
            state = "installing"
        elif saved.get("state") == "installing":
            state, error = "failed", "The install was interrupted: the process running it ended."
        elif lock is None:
            state = "declared"
        elif not lock.fresh_for(spec):
            state = "stale"
            locked_spec = self.state_dir(name) / "locked-spec.txt"
            if locked_spec.is_file():
                stale = changed_lines(locked_spec.read_text(encoding="utf-8"), spec.text)
        elif saved.get("state") == "failed" and saved.get("lock_sha256") == lock.sha256:
            state = "failed"
        elif stamp is not None and stamp.lock_sha256 == lock.sha256:
            state, error = "ready", None
        else:
            state = "locked"
        progress = activity.progress if activity is not None else None
        if progress is None and state == "installing" and saved.get("progress"):
            progress = InstallProgress.model_validate(saved["progress"])
        here = current_platform() if spec.flavour == "conda" else "pip"
        return Environment(
            name=name,
            flavour=spec.flavour,
            state=state,
            spec_path=self._relative(spec.path),
            lock_path=self._relative(spec.lock_path) if lock is not None else None,
            prefix=str(prefix) if stamp is not None else None,
            kernel=kernels.installed_kernel(self.kernels_dir, name) if stamp is not None else None,
            channels=list(lock.channels if lock else self._channels(spec)),
            dependencies=list(spec.dependencies),
            pip=list(spec.pip),
            platforms=list(lock.platforms if lock else self._lock_platforms(spec)),
            lock_sha256=lock.sha256 if lock else None,
            installed_lock_sha256=stamp.lock_sha256 if stamp else None,
            locked_at=lock.locked_at if lock else None,
            installed_at=stamp.installed_at if stamp else None,
            packages=len(lock.packages_for(here)) if lock else 0,
            stale_lines=stale,
            progress=progress if state == "installing" else None,
            error=error if state in ("failed", "declared", "stale", "locked") else None,
        )

    def _channels(self, spec: EnvironmentSpec) -> builtins.list[str]:
        if spec.flavour == "pip":
            return []
        return list(self.config.channels or spec.channels or DEFAULT_CHANNELS)

    def _lock_platforms(self, spec: EnvironmentSpec) -> builtins.list[str]:
        return ["pip"] if spec.flavour == "pip" else list(self.platforms)

    def log(self, name: str, offset: int = 0) -> EnvironmentLog:
        """The lock and install log of ``name`` from byte ``offset``."""
        self.spec(name)
        path = self.state_dir(name) / "install.log"
        text, next_offset = read_chunk(path, offset, MAX_LOG_CHUNK)
        complete = name not in self._active and not self._installing_elsewhere(
            self._read_state(name)
        )
        if complete and path.is_file() and next_offset < path.stat().st_size:
            complete = False
        return EnvironmentLog(
            name=name, offset=offset, next_offset=next_offset, text=text, complete=complete
        )

    def lock_diff(self, name: str) -> LockDiff:
        """The current lock against the one before it."""
        spec = self.spec(name)
        current = read_lock(spec)
        if current is None:
            raise NotFound(f"Environment {name!r} is not locked yet.", field="name")
        previous_sha = self._read_text(self.state_dir(name) / "previous")
        previous = self._archived_lock(spec, previous_sha) if previous_sha else None
        platform = current_platform() if spec.flavour == "conda" else "pip"
        return lock_diff(name, platform, previous, current)

    @staticmethod
    def _read_text(path: Path) -> str | None:
        try:
            return path.read_text().strip() or None
        except OSError:
            return None

    # --- writes -----------------------------------------------------------------------

    def _claim(self, name: str) -> None:
        with self._guard:
            if name in self._busy:
                raise Conflict(
                    f"Environment {name!r} is being locked or installed: wait for it.",
                    field="name",
                )
            self._busy.add(name)

    def _release(self, name: str) -> None:
        with self._guard:
            self._busy.discard(name)

    def _logger(self, name: str) -> Callable[[str], None]:
        folder = self.state_dir(name)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "install.log"

        def write(line: str) -> None:
            append_text(path, f"[{stamp()}] {line}\n")

        return write

    def create(self, request: CreateEnvironmentRequest) -> Environment:
        """Write a new spec (from its fields or its text) and return its environment.

        Raises:
            InvalidInput: The spec is not valid, or its folder is outside the environment
                folders (field names what is wrong).
            Conflict: The name is taken, or the folder already holds a spec.
        """
        folder_name = request.folder if request.folder is not None else f"envs/{request.name}"
        folder = (self.root / folder_name).resolve()
        if not folder.is_relative_to(self.root):
            raise InvalidInput(
                f"The folder {folder_name!r} is outside the server root.", field="folder"
            )
        searched = [(self.root / d).resolve() for d in self.config.dirs]
        if not any(folder == base or folder.parent == base for base in searched):
            raise InvalidInput(
                f"The folder {folder_name!r} is not searched for environments: use one of "
                f"{', '.join(d or '.' for d in self.config.dirs)} or a folder directly in one.",
                field="folder",
            )
        file_name = PIP_SPEC_FILE if request.flavour == "pip" else CONDA_SPEC_FILES[0]
        path = folder / file_name
        if request.content is not None:
            if request.dependencies or request.pip or request.channels:
                raise InvalidInput(
                    "Give the spec either as content or as fields, not both.", field="content"
                )
            text = request.content
            if request.flavour == "pip" and "# name:" not in text:
                text = render_pip_spec(request.name, []) + text
        elif request.flavour == "pip":
            text = render_pip_spec(request.name, request.dependencies)
        else:
            text = render_conda_spec(
                request.name, request.channels, request.dependencies, request.pip
            )
        spec = parse_spec(path, text)
        if spec.name != request.name:
            raise InvalidInput(
                f"The spec's name is {spec.name!r} but the request names {request.name!r}.",
                field="name",
            )
        clash(self.discover().specs, spec.name)
        existing = [
            p.name for p in (folder / n for n in (*CONDA_SPEC_FILES, PIP_SPEC_FILE)) if p.exists()
        ]
        if existing:
            raise Conflict(
                f"{self._relative(folder)} already holds {existing[0]}: one spec a folder.",
                field="folder",
            )
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        return self._describe(spec)

    def solver(self, name: SolverName | None = None) -> Solver:
        chosen = name or self.config.solver
        if chosen == "conda-lock":
            return CondaLockSolver(self.config.conda_exe)
        return RattlerSolver()

    def lock(self, name: str, solver: SolverName | None = None) -> Environment:
        """Solve the spec of ``name`` and write its lock beside it.

        Nothing is written when the solve fails.

        Raises:
            InvalidInput: The spec cannot be satisfied (the solver's explanation).
            Unavailable: A channel cannot be reached.
            Conflict: The environment is being installed.
        """
        spec = self.spec(name)
        self._claim(name)
        write_log = self._logger(name)
        try:
            started = time.monotonic()
            write_log(
                f"locking {name} ({spec.path.name}) for {', '.join(self._lock_platforms(spec))}"
            )
            try:
                self._write_lock(spec, solver, write_log)
            except Exception as exc:
                message = str(exc) if isinstance(exc, MLXError) else f"{type(exc).__name__}: {exc}"
                write_log(f"lock failed: {message}")
                self._write_state(name, state="lock_failed", error=message)
                raise
            write_log(f"locked in {time.monotonic() - started:.2f} s")
            self._write_state(name)
        finally:
            self._release(name)
        return self._describe(spec)

    def _write_lock(
        self,
        spec: EnvironmentSpec,
        solver_name: SolverName | None,
        write_log: Callable[[str], None],
    ) -> None:
        previous = read_lock(spec)
        if previous is not None:
            self._archive(spec, previous.sha256)  # before the new lock replaces its files
        pip_text = None
        if spec.flavour == "pip":
            pip_text = compile_pip(spec.dependencies, spec.content_hash("pip"))
        else:
            solver = self.solver(solver_name)
            channels = self._channels(spec)
            solved = solver.solve(spec, channels, self.platforms)
            for platform, packages in solved.items():
                write_log(f"{platform}: {len(packages)} packages")
            if spec.pip:
                python = _python_version(solved.get(current_platform(), []))
                pip_text = compile_pip(spec.pip, spec.content_hash("pip"), python)
            conda_text = conda_lock_text(spec, channels, solved, solver.name)
        if pip_text is not None:
            write_atomic(spec.folder / PIP_LOCK_FILE, pip_text)
        if spec.flavour == "conda":
            write_atomic(spec.folder / CONDA_LOCK_FILE, conda_text)
        current = read_lock(spec)
        assert current is not None
        state = self.state_dir(spec.name)
        write_atomic(state / "locked-spec.txt", spec.text)
        self._archive(spec, current.sha256)
        if previous is not None and previous.sha256 != current.sha256:
            write_atomic(state / "previous", previous.sha256)

    def _archive(self, spec: EnvironmentSpec, sha256: str) -> None:
        """Keep the lock files of ``spec`` (as they are on disk) under locks/<sha256>/, with
        the spec they were made from."""
        folder = self.state_dir(spec.name) / "locks" / sha256
        if folder.exists():
            return
        locked_spec = self.state_dir(spec.name) / "locked-spec.txt"
        text = locked_spec.read_text(encoding="utf-8") if locked_spec.is_file() else spec.text
        tmp = folder.with_name(f".{sha256}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for path in (spec.lock_path, spec.pip_lock_path):
            if path is not None and path.is_file():
                shutil.copy2(path, tmp / path.name)
        (tmp / spec.path.name).write_text(text, encoding="utf-8")
        os.replace(tmp, folder)

    def _archived_lock(self, spec: EnvironmentSpec, sha256: str) -> Lock | None:
        folder = self.state_dir(spec.name) / "locks" / sha256
        if not folder.is_dir():
            return None
        return read_lock(replace(spec, path=folder / spec.path.name))

    def lock_folder(self, name: str, sha256: str) -> Path | None:
        """Where the lock ``sha256`` of ``name`` is kept; None when this workspace never had it."""
        folder = self.state_dir(name) / "locks" / sha256
        return folder if folder.is_dir() else None

    def start_install(self, name: str) -> Environment:
        """Start installing ``name`` from its lock on the service's thread; answer at once.

        Raises:
            InvalidInput: It is not locked, or stale (the fix in the message).
            Conflict: It is already being locked or installed.
        """
        spec, lock = self._installable(name)
        self._claim(name)
        activity = _Activity(lock_sha256=lock.sha256)
        self._active[name] = activity
        try:
            self._begin(name, lock)
            # Described before the install starts: a quick one (an unchanged lock) could end
            # before a description made after, which would answer ready instead of installing.
            started = self._describe(spec)
            activity.future = self._pool().submit(self._install_now, spec, lock, activity)
        except BaseException:
            self._active.pop(name, None)
            self._release(name)
            raise
        return started

    def install(self, name: str) -> Environment:
        """Install ``name`` from its lock and wait (the CLI without a server, and tests).

        Raises:
            InvalidInput: It is not locked or stale, or a step failed (the environment is
                ``failed``, its previous prefix kept).
            Conflict: It is already being installed.
        """
        spec, lock = self._installable(name)
        self._claim(name)
        activity = _Activity(lock_sha256=lock.sha256)
        self._active[name] = activity
        self._begin(name, lock)
        self._install_now(spec, lock, activity, raise_errors=True)
        return self._describe(spec)

    def wait(self, name: str, timeout: float | None = None) -> Environment:
        """Wait for an install started here to end, then describe the environment."""
        activity = self._active.get(name)
        if activity is not None and activity.future is not None:
            activity.future.result(timeout)
        return self.get(name)

    def _installable(self, name: str) -> tuple[EnvironmentSpec, Lock]:
        spec = self.spec(name)
        lock = read_lock(spec)
        if lock is None:
            raise InvalidInput(_fix(name, "declared"), field="name")
        if not lock.fresh_for(spec):
            raise InvalidInput(_fix(name, "stale"), field="name")
        return spec, lock

    def _begin(self, name: str, lock: Lock) -> None:
        process = psutil.Process()
        self._write_state(
            name,
            state="installing",
            lock_sha256=lock.sha256,
            host=socket.gethostname(),
            pid=process.pid,
            create_time=process.create_time(),
            started_at=_now().isoformat(),
        )

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(2, thread_name_prefix="mlx-environments")
        return self._executor

    def _install_now(
        self, spec: EnvironmentSpec, lock: Lock, activity: _Activity, raise_errors: bool = False
    ) -> None:
        name = spec.name
        write_log = self._logger(name)

        def progress(phase: str, done: int, total: int) -> None:
            activity.progress = InstallProgress(phase=phase, done=done, total=total)

        started = time.monotonic()
        prefix = self.prefix_of(name)
        try:
            write_log(f"installing {name} from lock {lock.sha256[:12]} into {prefix}")
            install(spec, lock, prefix, self.settings.workspace / "pkgs", progress, write_log)
            self._write_kernel(spec, lock.sha256, prefix, write_log)
            write_log(f"ready in {time.monotonic() - started:.2f} s")
            self._write_state(name)
        except Exception as exc:
            message = str(exc) if isinstance(exc, MLXError) else f"{type(exc).__name__}: {exc}"
            write_log(f"install failed: {message}")
            self._write_state(name, state="failed", lock_sha256=lock.sha256, error=message)
            if raise_errors:
                if isinstance(exc, MLXError):
                    raise
                raise InvalidInput(
                    f"Installing {name!r} failed: {message}", field="install"
                ) from exc
            log.warning("Installing environment %r failed: %s", name, message)
        finally:
            self._active.pop(name, None)
            self._release(name)

    def _write_kernel(
        self,
        spec: EnvironmentSpec,
        lock_sha256: str,
        prefix: Path,
        write_log: Callable[[str], None],
        kernel: str | None = None,
    ) -> None:
        if kernels.has_ipykernel(prefix):
            written = kernels.write_kernelspec(
                self.kernels_dir, spec.name, prefix, lock_sha256, spec.variables, kernel
            )
            write_log(f"kernel {written} ready")
        else:
            kernels.remove_kernelspec(self.kernels_dir, spec.name, kernel)
            write_log("no ipykernel in the environment: no kernel (add ipykernel to have one)")

    def remove(self, name: str, *, delete_spec: bool = False) -> None:
        """Remove the installed prefix, kernel and state of ``name``; its spec and lock too
        when ``delete_spec``.

        Raises:
            Conflict: A job definition uses it (named), or it is being installed.
        """
        spec = self.spec(name)
        users = self.in_use(name)
        if users:
            raise Conflict(
                f"Environment {name!r} is used by the job {users[0]!r}"
                + (f" and {len(users) - 1} more" if len(users) > 1 else "")
                + ": change or delete those jobs first.",
                field="name",
            )
        self._claim(name)
        try:
            kernels.remove_kernelspec(self.kernels_dir, name)
            shutil.rmtree(self.prefix_of(name), ignore_errors=True)
            shutil.rmtree(self.state_dir(name), ignore_errors=True)
            if delete_spec:
                for path in (spec.path, spec.lock_path, spec.pip_lock_path):
                    if path is not None:
                        path.unlink(missing_ok=True)
                if spec.folder != self.root and not any(spec.folder.iterdir()):
                    spec.folder.rmdir()  # the folder held only the spec
        finally:
            self._release(name)

    # --- runs on environments -----------------------------------------------------------

    def kernel_for(self, name: str) -> EnvironmentKernel:
        """The kernel a run on ``name`` uses, and the lock it records.

        Raises:
            InvalidInput: (field ``environment``) no such environment, or it is not ready;
                the message holds the one-line fix.
        """
        try:
            environment = self.get(name)
        except NotFound as exc:
            raise InvalidInput(str(exc), field="environment") from exc
        if environment.state != "ready":
            raise InvalidInput(_fix(name, environment.state), field="environment")
        if environment.kernel is None:
            raise InvalidInput(
                f"Environment {name!r} has no kernel: add ipykernel to its dependencies, then "
                "lock and install it.",
                field="environment",
            )
        assert environment.lock_sha256 is not None
        return EnvironmentKernel(
            name=name,
            kernel=environment.kernel,
            lock_sha256=environment.lock_sha256,
            prefix=self.prefix_of(name),
        )

    def recreate(self, name: str, lock_sha256: str) -> EnvironmentKernel:
        """The kernel of ``name`` as locked by ``lock_sha256``, installed again when needed.

        The current environment when its lock is that one (installed first if it is not);
        else the kept lock is installed beside it, at ``envs/<name>-<sha[:8]>`` with the
        kernel ``mlx-<name>-<sha[:8]>``.

        Raises:
            NotFound: This workspace never had that lock (field ``environment``).
            InvalidInput: The install failed.
        """
        spec = self.spec(name)
        current = read_lock(spec)
        if current is not None and current.sha256 == lock_sha256 and current.fresh_for(spec):
            if self.get(name).state != "ready":
                self.install(name)
            return self.kernel_for(name)
        folder = self.lock_folder(name, lock_sha256)
        if folder is None:
            raise NotFound(
                f"The lock {lock_sha256[:12]} of environment {name!r} is not kept in this "
                "workspace: it cannot be installed again.",
                field="environment",
            )
        kept = replace(spec, path=folder / spec.path.name)
        lock = read_lock(kept)
        assert lock is not None
        alias = f"{name}-{lock_sha256[:8]}"
        prefix = self.prefix_of(alias)
        write_log = self._logger(name)
        self._claim(alias)
        try:
            install(
                kept, lock, prefix, self.settings.workspace / "pkgs", lambda *_: None, write_log
            )
            kernel = kernels.kernel_name(alias)
            self._write_kernel(kept, lock.sha256, prefix, write_log, kernel)
        finally:
            self._release(alias)
        if kernels.installed_kernel(self.kernels_dir, name, kernel) is None:
            raise InvalidInput(
                f"The lock {lock_sha256[:12]} of {name!r} has no ipykernel: it has no kernel.",
                field="environment",
            )
        return EnvironmentKernel(name=name, kernel=kernel, lock_sha256=lock.sha256, prefix=prefix)

    def close(self) -> None:
        """Wait for installs under way, then release the service's thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


def _python_version(packages: Sequence[LockedPackage]) -> str | None:
    """``major.minor`` of the python a conda solution holds, if it holds one."""
    for package in packages:
        if package.name == "python":
            return ".".join(package.version.split(".")[:2])
    return None
