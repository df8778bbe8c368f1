"""Wire shapes of the environments API (mirrored in labextension/src/api/types.ts)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ..schemas import LogOffset, LogPiece, MLXSchema

#: Where an environment is in its life.
EnvironmentState = Literal["declared", "locked", "stale", "installing", "ready", "failed"]
#: How an environment is declared: an ``environment.yml`` or a ``requirements.in``.
Flavour = Literal["conda", "pip"]
#: The solver that turns a conda spec into a lock.
SolverName = Literal["rattler", "conda-lock"]

#: An environment name: what its spec's ``name:`` says (a kernelspec and folder name too).
EnvironmentName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
#: One dependency line: a conda match spec or a pip requirement.
Requirement = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class StaleLine(MLXSchema):
    """A line of the spec that changed since the lock was written."""

    change: Literal["added", "removed"]
    line: str

    def as_diff(self) -> str:
        """The line as a diff shows it: ``+ - alpha 2.0`` for an added ``- alpha 2.0``."""
        return f"{'+' if self.change == 'added' else '-'} {self.line}"


class InstallProgress(MLXSchema):
    """How far an install has got."""

    phase: str = Field(description="What it does now: solving, downloading, linking, kernel.")
    done: int = Field(ge=0, description="Steps done.")
    total: int = Field(ge=0, description="Steps in all; 0 while unknown.")


class Environment(MLXSchema):
    """An environment of the workspace: its spec, its lock, its installed prefix, its kernel."""

    name: EnvironmentName
    flavour: Flavour
    state: EnvironmentState
    spec_path: str = Field(description="The spec, relative to the server root.")
    lock_path: str | None = Field(
        description="The lock beside the spec (relative to the server root); null until locked."
    )
    prefix: str | None = Field(description="The installed prefix (absolute); null until installed.")
    kernel: str | None = Field(description="Its kernelspec name once installed with ipykernel.")
    channels: list[str] = Field(description="Channels the conda part is solved against.")
    dependencies: list[str] = Field(description="Conda match specs (pip flavour: requirements).")
    pip: list[str] = Field(description="Pip requirements of a conda spec's pip: section.")
    platforms: list[str] = Field(description="Platforms the lock covers.")
    lock_sha256: str | None = Field(description="Hex sha256 of the lock; null until locked.")
    installed_lock_sha256: str | None = Field(
        description="The lock the prefix was installed from; null until installed."
    )
    locked_at: datetime | None = None
    installed_at: datetime | None = None
    packages: int = Field(0, description="Packages the lock holds for this machine's platform.")
    stale_lines: list[StaleLine] = Field(
        default_factory=list, description="Spec lines changed since the lock (state stale)."
    )
    progress: InstallProgress | None = Field(None, description="While installing.")
    error: str | None = Field(None, description="Why the last lock or install failed.")


class SpecProblem(MLXSchema):
    """A spec found in the environment folders that cannot be read."""

    spec_path: str
    message: str


class EnvironmentList(MLXSchema):
    """Body of ``GET /mlx/api/environments``."""

    environments: list[Environment]
    problems: list[SpecProblem] = Field(
        default_factory=list, description="Specs that cannot be read, each with why."
    )


class CreateEnvironmentRequest(MLXSchema):
    """Body of ``POST /mlx/api/environments``: a new spec, from fields or from its text.

    With ``content`` the spec is that text (an environment.yml, or a requirements.in for the
    pip flavour) and the list fields must be empty; its name is the ``name`` field.
    """

    name: EnvironmentName
    flavour: Flavour = "conda"
    folder: str | None = Field(
        None, description="Folder of the spec, relative to the root; default: envs/<name>."
    )
    channels: list[Annotated[str, StringConstraints(min_length=1, max_length=1000)]] = Field(
        default_factory=list
    )
    dependencies: list[Requirement] = Field(default_factory=list)
    pip: list[Requirement] = Field(default_factory=list)
    content: Annotated[str, StringConstraints(max_length=1 << 20)] | None = Field(
        None, description="The spec's text, instead of the list fields."
    )


class LockRequest(MLXSchema):
    """Body of ``POST /mlx/api/environments/{name}/lock``."""

    solver: SolverName | None = Field(None, description="Default: MLXApp.solver (rattler).")


class ReadEnvironmentLogQuery(MLXSchema):
    """Query of ``GET /mlx/api/environments/{name}/log``."""

    offset: LogOffset = 0


class DeleteEnvironmentQuery(MLXSchema):
    """Query of ``DELETE /mlx/api/environments/{name}``."""

    delete_spec: bool = Field(
        False, description="Delete its spec and lock files too (false keeps them)."
    )


class EnvironmentLog(LogPiece):
    """A piece of an environment's lock and install log."""

    name: str
    complete: bool = Field(description="No lock or install runs: the whole log was read.")


class PackageVersion(MLXSchema):
    """A locked package."""

    name: str
    version: str
    manager: Literal["conda", "pip"] = "conda"


class PackageChange(MLXSchema):
    """A package whose locked version changed."""

    name: str
    old: str
    new: str
    manager: Literal["conda", "pip"] = "conda"


class LockDiff(MLXSchema):
    """Body of ``GET /mlx/api/environments/{name}/lock-diff``: the lock against the previous."""

    name: str
    platform: str
    previous_sha256: str | None = Field(description="Null when the lock has no predecessor.")
    current_sha256: str
    added: list[PackageVersion]
    removed: list[PackageVersion]
    changed: list[PackageChange]
