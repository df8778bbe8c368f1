"""Installs: a lock made into a prefix, atomically.

The packages go into a temporary prefix beside the target, which replaces the target only once
every step succeeded: a failed install leaves the previous environment as it was. Conda
packages are linked by py-rattler with the final prefix patched into their files; a pip
flavour is a relocatable venv filled by ``uv pip sync``. The prefix is stamped with the lock's
hash, so installing the same lock again does nothing.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from .lock import Lock, current_platform, uv_executable
from .spec import EnvironmentSpec

STAMP_FILE = ".mlx-env.json"
#: Seconds one uv command of an install may take.
UV_TIMEOUT_S = 900.0

#: Told of each step: (phase, done, total).
Progress = Callable[[str, int, int], None]
#: Told each line of the install's log.
LogLine = Callable[[str], None]


@dataclass(frozen=True)
class Stamp:
    """What a prefix was installed from."""

    name: str
    lock_sha256: str
    installed_at: datetime


def read_stamp(prefix: Path) -> Stamp | None:
    """The stamp of an installed prefix; None when it has none (not installed, or torn)."""
    try:
        data = json.loads((prefix / STAMP_FILE).read_text())
        return Stamp(
            name=data["name"],
            lock_sha256=data["lock_sha256"],
            installed_at=datetime.fromisoformat(data["installed_at"]),
        )
    except (OSError, ValueError, KeyError):
        return None


def python_of(prefix: Path) -> Path:
    """The Python interpreter of a prefix (conda or venv)."""
    return prefix / ("python.exe" if sys.platform == "win32" else "bin/python")


def _run(argv: list[str], log: LogLine, what: str) -> None:
    log("$ " + " ".join(argv))
    tail: list[str] = []
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            log(line.rstrip("\n"))
            tail = [*tail[-19:], line.rstrip("\n")]
        try:
            code = process.wait(timeout=UV_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            raise InvalidInput(
                f"{what} took more than {UV_TIMEOUT_S:.0f} s.", field="install"
            ) from None
    if code != 0:
        detail = next((line for line in reversed(tail) if line.strip()), f"exit code {code}")
        raise InvalidInput(f"{what} failed: {detail}", field="install")


class _Reporter:
    """Turns py-rattler's install callbacks into progress and log lines."""

    def __init__(self, progress: Progress, log: LogLine) -> None:
        self.progress = progress
        self.log = log
        self.total = 0
        self.done = 0

    def make(self) -> Any:
        from rattler import InstallerReporter

        outer = self

        class Reporter(InstallerReporter):  # type: ignore[misc]
            def on_transaction_start(self, total_operations: int) -> None:
                outer.total = total_operations
                outer.progress("linking", 0, total_operations)

            def on_link_start(self, operation: int, package_name: str) -> int:
                outer.log(f"linking {package_name}")
                return operation

            def on_transaction_operation_complete(self, operation: int) -> None:
                outer.done += 1
                outer.progress("linking", outer.done, outer.total)

        return Reporter()  # type: ignore[abstract]


def install_conda_packages(
    lock_path: Path, target: Path, final: Path, cache_dir: Path, progress: Progress, log: LogLine
) -> None:
    """Link the conda packages that ``lock_path`` holds for this platform into ``target``."""
    from rattler import LockFile, install

    platform = current_platform()
    environment = LockFile.from_path(lock_path).default_environment()
    records = environment.conda_repodata_records() if environment is not None else {}
    if platform not in records:
        raise InvalidInput(
            f"The lock has no packages for this machine's platform {platform}: add it to "
            "MLXApp.lock_platforms and lock again.",
            field="lock_platforms",
        )
    log(f"installing {len(records[platform])} conda packages for {platform}")
    reporter = _Reporter(progress, log).make()
    asyncio.run(
        install(
            records[platform],
            target_prefix=target,
            alternative_target_prefix=final,
            cache_dir=cache_dir,
            show_progress=False,
            reporter=reporter,
        )
    )


def install_pip_packages(python: Path, lock_path: Path, log: LogLine) -> None:
    """Make the environment of ``python`` hold exactly the packages of ``lock_path``."""
    # Uncoloured, as the log is shown as text (see compile_pip).
    argv = [uv_executable(), "pip", "sync", "--color", "never", "--require-hashes"]
    argv += ["--python", str(python)]
    _run([*argv, str(lock_path)], log, "uv pip sync")


def create_venv(target: Path, log: LogLine) -> None:
    """A relocatable venv at ``target`` on this server's Python."""
    argv = [uv_executable(), "venv", "--color", "never", "--relocatable"]
    argv += ["--python", sys.executable, str(target)]
    _run(argv, log, "uv venv")


def swap(target: Path, prefix: Path) -> None:
    """Put the fully installed ``target`` in place of ``prefix`` (the old one is removed)."""
    old = prefix.with_name(f".{prefix.name}.old-{os.getpid()}")
    if prefix.exists():
        os.replace(prefix, old)
    os.replace(target, prefix)
    shutil.rmtree(old, ignore_errors=True)


def install(
    spec: EnvironmentSpec,
    lock: Lock,
    prefix: Path,
    cache_dir: Path,
    progress: Progress,
    log: LogLine,
) -> bool:
    """Install ``lock`` at ``prefix``; False when the prefix already holds it (nothing done).

    Raises:
        InvalidInput: A step failed (field ``install``); the prefix is left as it was.
    """
    stamp = read_stamp(prefix)
    if stamp is not None and stamp.lock_sha256 == lock.sha256:
        log(f"{prefix} already holds lock {lock.sha256[:12]}: nothing to do")
        return False
    target = prefix.with_name(f".{prefix.name}.installing-{os.getpid()}")
    shutil.rmtree(target, ignore_errors=True)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    try:
        if spec.flavour == "conda":
            progress("linking", 0, 0)
            install_conda_packages(spec.lock_path, target, prefix, cache_dir, progress, log)
        else:
            progress("venv", 0, 0)
            create_venv(target, log)
        pip_lock = spec.pip_lock_path
        if pip_lock is not None:
            python = python_of(target)
            if not python.exists():
                raise InvalidInput(
                    f"{spec.name!r} has pip requirements but no Python: add python to its "
                    "dependencies.",
                    field="pip",
                )
            progress("pip", 0, 0)
            install_pip_packages(python, pip_lock, log)
        stamp_text = json.dumps(
            {
                "name": spec.name,
                "lock_sha256": lock.sha256,
                "installed_at": datetime.now(timezone.utc).isoformat(),
            }
        )
        (target / STAMP_FILE).write_text(stamp_text)
        swap(target, prefix)
    finally:
        shutil.rmtree(target, ignore_errors=True)
    log(f"installed lock {lock.sha256[:12]} at {prefix}")
    return True
