"""The environment a job run executes on: its kernel and the lock it was installed from.

A run, a definition or a sweep may name an environment of the workspace instead of a kernel.
The environment service answers with the environment's kernelspec and lock hash when it is
installed from its current lock, and refuses otherwise with the one-line fix; the run records
both, and its MLflow run carries them as the ``mlx.env.*`` tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import InvalidInput, NotFound

FIELD = "environment"
#: States of an environment that an install from its current lock makes ready.
INSTALLABLE = frozenset({"locked", "failed"})


class EnvironmentKernel(Protocol):
    """What the environment service says of a ready environment."""

    @property
    def name(self) -> str: ...

    @property
    def kernel(self) -> str: ...

    @property
    def lock_sha256(self) -> str: ...

    @property
    def prefix(self) -> Path: ...


class DescribedEnvironment(Protocol):
    """What the environment service says of any environment."""

    @property
    def state(self) -> str: ...


class Environments(Protocol):
    """What job runs need of the environment service (blocking methods)."""

    def get(self, name: str) -> DescribedEnvironment:
        """The environment ``name``.

        Raises:
            NotFound: No such environment.
        """
        ...

    def kernel_for(self, name: str) -> EnvironmentKernel:
        """The kernel of a ready environment.

        Raises:
            InvalidInput: It is stale, not locked or not installed (``field`` ``environment``;
                the message says what to run).
            NotFound: No such environment.
        """
        ...

    def install(self, name: str) -> Any:
        """Install the environment from its lock (a no-op when installed from it)."""
        ...


@dataclass(frozen=True, slots=True)
class JobEnvironment:
    """The environment a run executes on.

    Attributes:
        name: The environment.
        kernel: Its kernelspec.
        lock_sha256: Hex sha256 of the lock it is installed from.
    """

    name: str
    kernel: str
    lock_sha256: str


def resolve_environment(environments: Environments | None, name: str) -> JobEnvironment:
    """The kernel and lock of environment ``name``, which must be ready (blocking).

    Raises:
        InvalidInput: No such environment, or it is not ready: stale, not locked, not installed
            or without a kernel (``field`` ``environment``; the message says what to run).
    """
    if environments is None:
        raise InvalidInput(
            f"Environment {name!r} cannot be used here: this workspace's services have no "
            "environments.",
            field=FIELD,
        )
    try:
        ready = environments.kernel_for(name)
    except (InvalidInput, NotFound) as exc:
        if isinstance(exc, InvalidInput) and exc.field == FIELD:
            raise
        raise InvalidInput(exc.message, field=FIELD) from exc
    if not ready.kernel:
        raise InvalidInput(
            f"Environment {name!r} has no kernel: add ipykernel to its dependencies, then run "
            f"`jupyter mlx env lock {name}` and `jupyter mlx env install {name}`.",
            field=FIELD,
        )
    return JobEnvironment(name=ready.name, kernel=ready.kernel, lock_sha256=ready.lock_sha256)


def installable(environments: Environments | None, name: str) -> bool:
    """Whether an install from its current lock would make environment ``name`` ready: it is
    locked (not stale) but not installed, or its last install failed (blocking)."""
    if environments is None:
        return False
    try:
        return environments.get(name).state in INSTALLABLE
    except NotFound:
        return False


def environment_variables(environment: JobEnvironment | None) -> dict[str, str]:
    """The variables naming a run's environment, which :mod:`..tracking.links` maps to tags."""
    if environment is None:
        return {}
    return {"MLX_ENV_NAME": environment.name, "MLX_ENV_LOCK_SHA256": environment.lock_sha256}
