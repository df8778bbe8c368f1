"""Locks: a spec solved to exact packages, written in conda-lock's format.

The conda part of an environment.yml locks to ``conda-lock.yml`` (conda-lock's version 1 file:
every package of every platform with its URL and hashes, the spec's content hash per
platform), solved by py-rattler (:class:`RattlerSolver`, no executable needed) or by conda-lock
itself (:class:`CondaLockSolver`, when a conda, mamba or micromamba executable exists). Pip
requirements (an environment.yml's ``pip:`` list, or a requirements.in) lock with
``uv pip compile --generate-hashes`` to ``requirements.lock``.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, cast

from ..errors import InvalidInput, Unavailable
from .schemas import LockDiff, PackageChange, PackageVersion, SolverName
from .spec import CONDA_LOCK_FILE, EnvironmentSpec

#: Seconds a solve may wait for its channels.
CHANNEL_TIMEOUT_S = 60.0
#: Seconds ``uv pip compile`` may take.
PIP_COMPILE_TIMEOUT_S = 300.0
#: conda-lock's executables, in the order they are looked for.
CONDA_EXECUTABLES = ("micromamba", "mamba", "conda")
LOCKED_BY = "jupyter-mlx"

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def current_platform() -> str:
    """This machine's conda platform, such as ``linux-64``."""
    from rattler import Subdir

    return str(Subdir.current())


@dataclass(frozen=True)
class LockedPackage:
    """One package of a lock."""

    name: str
    version: str
    manager: str
    platform: str
    url: str = ""
    sha256: str = ""
    md5: str = ""
    dependencies: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Lock:
    """A lock as read from disk.

    Attributes:
        sha256: Hex sha256 of the lock file (with its requirements.lock, when it has one).
        content_hash: The spec's content hash per platform when it was locked.
        platforms: The platforms it covers.
        channels: The channels it was solved against.
        packages: Every package of every platform; pip packages have platform ``pip``.
        solver: The solver that wrote it, when jupyter-mlx did.
        locked_at: When it was written, when jupyter-mlx did.
    """

    sha256: str
    content_hash: dict[str, str]
    platforms: tuple[str, ...]
    channels: tuple[str, ...]
    packages: tuple[LockedPackage, ...]
    solver: str | None = None
    locked_at: datetime | None = None

    def packages_for(self, platform: str) -> list[LockedPackage]:
        """The packages installed on ``platform``: its conda packages and every pip package."""
        return [p for p in self.packages if p.platform in (platform, "pip")]

    def fresh_for(self, spec: EnvironmentSpec) -> bool:
        """Whether the lock was made from the spec as it reads now."""
        return bool(self.platforms) and all(
            self.content_hash.get(platform) == spec.content_hash(platform)
            for platform in self.platforms
        )


def file_sha256(*paths: Path) -> str:
    """Hex sha256 of the files' bytes, in order (a lock and its requirements.lock)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never half-written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _split_dependency(spec: str) -> tuple[str, str]:
    name, _, constraint = spec.strip().partition(" ")
    return name, constraint.strip() or "*"


def read_pip_lock(path: Path) -> tuple[dict[str, str], list[LockedPackage]]:
    """The header values (``# key: value``) and pinned packages of a requirements.lock."""
    header: dict[str, str] = {}
    packages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# mlx-"):
            key, _, value = line[len("# mlx-") :].partition(":")
            header[key.strip()] = value.strip()
            continue
        pin = _PIN.match(line.strip())
        if pin:
            packages.append(
                LockedPackage(
                    name=pin.group(1).lower(), version=pin.group(2), manager="pip", platform="pip"
                )
            )
    return header, packages


def read_lock(spec: EnvironmentSpec) -> Lock | None:
    """The lock beside ``spec``; None when it has none.

    Raises:
        InvalidInput: The lock file is not a lock (field ``lock``).
    """
    path = spec.lock_path
    if not path.is_file():
        return None
    if spec.flavour == "pip":
        header, packages = read_pip_lock(path)
        return Lock(
            sha256=file_sha256(path),
            content_hash={"pip": header.get("content-hash", "")},
            platforms=("pip",),
            channels=(),
            packages=tuple(packages),
            solver="uv",
            locked_at=_timestamp(header.get("locked-at")),
        )
    return _read_conda_lock(spec, path)


def _read_conda_lock(spec: EnvironmentSpec, path: Path) -> Lock:
    import yaml

    try:
        # libyaml's loader, where PyYAML has it, reads a lock about 9x faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        metadata = doc["metadata"]
        entries = doc.get("package") or []
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{path} is not a conda-lock file: {exc}", field="lock") from exc
    packages = [
        LockedPackage(
            name=entry["name"],
            version=str(entry["version"]),
            manager=entry.get("manager", "conda"),
            platform=entry["platform"] if entry.get("manager", "conda") == "conda" else "pip",
            url=entry.get("url", ""),
            sha256=(entry.get("hash") or {}).get("sha256", ""),
            md5=(entry.get("hash") or {}).get("md5", ""),
            dependencies=dict(entry.get("dependencies") or {}),
        )
        for entry in entries
    ]
    lock_files = [path]
    pip_lock = spec.pip_lock_path
    if pip_lock is not None and pip_lock.is_file():
        packages.extend(read_pip_lock(pip_lock)[1])
        lock_files.append(pip_lock)
    custom = metadata.get("custom_metadata") or {}
    return Lock(
        sha256=file_sha256(*lock_files),
        content_hash=dict(metadata.get("content_hash") or {}),
        platforms=tuple(metadata.get("platforms") or ()),
        channels=tuple(channel["url"] for channel in metadata.get("channels") or ()),
        packages=tuple(packages),
        solver=custom.get("solver"),
        locked_at=_timestamp(custom.get("locked_at")),
    )


def _timestamp(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def conda_lock_text(
    spec: EnvironmentSpec,
    channels: Sequence[str],
    solved: dict[str, list[LockedPackage]],
    solver: str,
) -> str:
    """A conda-lock.yml (conda-lock's version 1 format) of the packages ``solved`` per platform."""
    import yaml

    platforms = list(solved)
    packages = [
        {
            "name": package.name,
            "version": package.version,
            "manager": "conda",
            "platform": platform,
            "dependencies": package.dependencies,
            "url": package.url,
            "hash": {"md5": package.md5, "sha256": package.sha256},
            "category": "main",
            "optional": False,
        }
        for platform, records in solved.items()
        for package in sorted(records, key=lambda record: record.name)
    ]
    doc = {
        "version": 1,
        "metadata": {
            "content_hash": {platform: spec.content_hash(platform) for platform in platforms},
            "channels": [{"url": channel, "used_env_vars": []} for channel in channels],
            "platforms": platforms,
            "sources": [spec.path.name],
            "custom_metadata": {
                "locked_by": LOCKED_BY,
                "solver": solver,
                "locked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            },
        },
        "package": packages,
    }
    header = (
        "# Locked by jupyter-mlx from "
        f"{spec.path.name} ({solver}); install with `jupyter mlx env install {spec.name}`\n"
        "# or `conda-lock install -n NAME conda-lock.yml`.\n"
    )
    return header + yaml.safe_dump(doc, sort_keys=False)


class Solver(Protocol):
    """Solves a spec's conda part for each platform."""

    name: SolverName

    def solve(
        self, spec: EnvironmentSpec, channels: Sequence[str], platforms: Sequence[str]
    ) -> dict[str, list[LockedPackage]]:
        """The packages of each platform.

        Raises:
            InvalidInput: The spec cannot be satisfied (field ``dependencies``; the solver's
                explanation, naming the conflicting packages).
            Unavailable: A channel cannot be reached (field ``channels``).
        """
        ...


def _one_line(text: str) -> str:
    """A solver's explanation on one line: its lines joined, the tree drawn before each
    (``└─``, ``├─``, ``│``) dropped, so an error stays one line wherever it is shown."""
    parts = (line.strip(" \u2502\u251c\u2514\u2500") for line in text.splitlines())
    return " ".join(part for part in parts if part)


def _unreachable(channels: Sequence[str], waited: float, detail: str) -> Unavailable:
    named = next((c for c in channels if c.rstrip("/") in detail), ", ".join(channels))
    first = detail.strip().splitlines()[0] if detail.strip() else "no answer"
    return Unavailable(
        f"The channel {named} cannot be reached (waited {waited:.1f} s): {first}",
        field="channels",
    )


class RattlerSolver:
    """Solves with py-rattler, the conda engine behind pixi: no executable needed."""

    name: SolverName = "rattler"

    def __init__(self, timeout: float = CHANNEL_TIMEOUT_S) -> None:
        self.timeout = timeout

    def solve(
        self, spec: EnvironmentSpec, channels: Sequence[str], platforms: Sequence[str]
    ) -> dict[str, list[LockedPackage]]:
        return asyncio.run(self._solve_all(spec, channels, platforms))

    async def _solve_all(
        self, spec: EnvironmentSpec, channels: Sequence[str], platforms: Sequence[str]
    ) -> dict[str, list[LockedPackage]]:
        from rattler import MatchSpec, VirtualPackage, solve
        from rattler.exceptions import GatewayError, SolverError

        here = current_platform()
        solved: dict[str, list[LockedPackage]] = {}
        for platform in platforms:
            started = time.monotonic()
            virtual = VirtualPackage.detect() if platform == here else []
            try:
                records = await asyncio.wait_for(
                    solve(
                        sources=list(channels),
                        # Parsed as conda reads environment.yml: 'numpy 1.26' is 1.26.*.
                        specs=[MatchSpec(dependency) for dependency in spec.dependencies],
                        platforms=cast(Any, [platform, "noarch"]),
                        virtual_packages=virtual,
                    ),
                    timeout=self.timeout,
                )
            except SolverError as exc:
                raise InvalidInput(
                    f"The dependencies of {spec.name!r} cannot be satisfied on {platform}: "
                    + _one_line(str(exc)),
                    field="dependencies",
                ) from exc
            except asyncio.TimeoutError as exc:
                raise _unreachable(channels, time.monotonic() - started, "timed out") from exc
            except GatewayError as exc:
                raise _unreachable(channels, time.monotonic() - started, str(exc)) from exc
            solved[platform] = [_locked(record, platform) for record in records]
        return solved


def _locked(record: Any, platform: str) -> LockedPackage:
    return LockedPackage(
        name=record.name.normalized,
        version=str(record.version),
        manager="conda",
        platform=platform,
        url=record.url,
        sha256=record.sha256.hex() if record.sha256 else "",
        md5=record.md5.hex() if record.md5 else "",
        dependencies=dict(_split_dependency(dep) for dep in record.depends),
    )


def find_conda_executable(configured: str = "") -> str | None:
    """The conda, mamba or micromamba that conda-lock can run: ``configured``, else on PATH."""
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return next((found for exe in CONDA_EXECUTABLES if (found := shutil.which(exe))), None)


class CondaLockSolver:
    """Solves by running conda-lock, which needs a conda, mamba or micromamba executable."""

    name: SolverName = "conda-lock"

    def __init__(self, conda_exe: str = "", timeout: float = CHANNEL_TIMEOUT_S * 5) -> None:
        self.conda_exe = conda_exe
        self.timeout = timeout

    def solve(
        self, spec: EnvironmentSpec, channels: Sequence[str], platforms: Sequence[str]
    ) -> dict[str, list[LockedPackage]]:
        exe = find_conda_executable(self.conda_exe)
        if exe is None:
            raise InvalidInput(
                "The conda-lock solver needs a conda, mamba or micromamba executable and none "
                "was found: set MLXApp.conda_exe, or use the rattler solver.",
                field="solver",
            )
        import yaml

        work = spec.folder / f".conda-lock-{os.getpid()}"
        work.mkdir(exist_ok=True)
        try:
            source = work / "environment.yml"
            doc = {
                "name": spec.name,
                "channels": list(channels),
                "dependencies": list(spec.dependencies),
            }
            source.write_text(yaml.safe_dump(doc))
            out = work / CONDA_LOCK_FILE
            argv = [sys.executable, "-m", "conda_lock", "lock", "--conda", exe, "-f", str(source)]
            argv += [arg for platform in platforms for arg in ("-p", platform)]
            argv += ["--lockfile", str(out)]
            started = time.monotonic()
            try:
                done = subprocess.run(argv, capture_output=True, text=True, timeout=self.timeout)
            except subprocess.TimeoutExpired as exc:
                raise _unreachable(channels, time.monotonic() - started, "timed out") from exc
            if done.returncode != 0:
                raise InvalidInput(
                    f"conda-lock could not lock {spec.name!r}: "
                    + _one_line(done.stderr.strip()[-2000:]),
                    field="dependencies",
                )
            entries = yaml.safe_load(out.read_text())["package"]
        finally:
            shutil.rmtree(work, ignore_errors=True)
        solved: dict[str, list[LockedPackage]] = {platform: [] for platform in platforms}
        for entry in entries:
            if entry.get("manager") == "conda":
                solved[entry["platform"]].append(
                    LockedPackage(
                        name=entry["name"],
                        version=str(entry["version"]),
                        manager="conda",
                        platform=entry["platform"],
                        url=entry["url"],
                        sha256=entry["hash"].get("sha256", ""),
                        md5=entry["hash"].get("md5", ""),
                        dependencies=dict(entry.get("dependencies") or {}),
                    )
                )
        return solved


def uv_executable() -> str:
    """The uv executable installed with jupyter-mlx."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise Unavailable("uv is not installed: pip install uv.", field="uv") from None
        return found


def compile_pip(
    requirements: Sequence[str], content_hash: str, python_version: str | None = None
) -> str:
    """The text of a requirements.lock: ``requirements`` pinned with hashes by uv.

    Raises:
        InvalidInput: uv cannot resolve them (its explanation; field ``pip``).
    """
    # Never coloured: FORCE_COLOR in the server's environment (CI, Playwright's web server)
    # would otherwise put escape codes into the lock and into uv's explanation.
    argv = [uv_executable(), "pip", "compile", "-", "--generate-hashes", "--quiet"]
    argv += ["--color", "never"]
    argv += ["--no-header", "--python-version", python_version or _python_version()]
    try:
        done = subprocess.run(
            argv,
            input="\n".join(requirements) + "\n",
            capture_output=True,
            text=True,
            timeout=PIP_COMPILE_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise Unavailable(
            f"uv pip compile took more than {PIP_COMPILE_TIMEOUT_S:.0f} s: is the package index "
            "reachable?",
            field="pip",
        ) from exc
    if done.returncode != 0:
        raise InvalidInput(
            f"The pip requirements cannot be locked: {done.stderr.strip()[-2000:]}", field="pip"
        )
    header = (
        "# Locked by jupyter-mlx with uv pip compile --generate-hashes.\n"
        f"# mlx-content-hash: {content_hash}\n"
        f"# mlx-locked-at: {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n"
    )
    return header + done.stdout


def _python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def lock_diff(name: str, platform: str, previous: Lock | None, current: Lock) -> LockDiff:
    """Packages added, removed and changed in version from ``previous`` to ``current``."""

    def versions(lock: Lock | None) -> dict[tuple[str, str], str]:
        if lock is None:
            return {}
        return {(p.manager, p.name): p.version for p in lock.packages_for(platform)}

    old, new = versions(previous), versions(current)
    return LockDiff(
        name=name,
        platform=platform,
        previous_sha256=previous.sha256 if previous else None,
        current_sha256=current.sha256,
        added=[
            PackageVersion(name=n, version=v, manager=m)  # type: ignore[arg-type]
            for (m, n), v in sorted(new.items())
            if (m, n) not in old
        ],
        removed=[
            PackageVersion(name=n, version=v, manager=m)  # type: ignore[arg-type]
            for (m, n), v in sorted(old.items())
            if (m, n) not in new
        ],
        changed=[
            PackageChange(name=n, old=old[(m, n)], new=v, manager=m)  # type: ignore[arg-type]
            for (m, n), v in sorted(new.items())
            if (m, n) in old and old[(m, n)] != v
        ],
    )
