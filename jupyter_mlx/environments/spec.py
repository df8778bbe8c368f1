"""Environment specs: an ``environment.yml`` (conda) or a ``requirements.in`` (pip), read,
validated and found in the workspace's environment folders.

An ``environment.yml`` holds ``name``, ``channels``, ``dependencies`` (conda match specs and an
optional ``pip:`` list) and optional ``variables`` (set in its kernels). A ``requirements.in``
holds pip requirements; its name is given by a ``# name: NAME`` comment, else by its folder.
A folder holds at most one spec.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Conflict, InvalidInput
from .schemas import Flavour, SpecProblem, StaleLine

CONDA_SPEC_FILES = ("environment.yml", "environment.yaml")
PIP_SPEC_FILE = "requirements.in"
CONDA_LOCK_FILE = "conda-lock.yml"
PIP_LOCK_FILE = "requirements.lock"
#: Keys an environment.yml may hold.
CONDA_KEYS = ("name", "channels", "dependencies", "variables")
#: Channels of a spec that names none.
DEFAULT_CHANNELS = ("conda-forge",)
#: Largest spec file read (bytes).
MAX_SPEC_BYTES = 1 << 20

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_NAME_COMMENT = re.compile(r"^#\s*name:\s*(\S+)\s*$")


@dataclass(frozen=True)
class EnvironmentSpec:
    """A validated spec.

    Attributes:
        name: The environment's name (its kernel is ``mlx-<name>``).
        flavour: ``conda`` (environment.yml) or ``pip`` (requirements.in).
        path: The spec file (absolute).
        channels: Conda channels as written (empty for the pip flavour).
        dependencies: Conda match specs, or the pip flavour's requirements.
        pip: Requirements of an environment.yml's ``pip:`` list.
        variables: Environment variables its kernels get.
        text: The spec as read.
    """

    name: str
    flavour: Flavour
    path: Path
    channels: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    pip: tuple[str, ...] = ()
    variables: dict[str, str] = field(default_factory=dict)
    text: str = ""

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def lock_path(self) -> Path:
        """The lock beside the spec: conda-lock.yml, or requirements.lock for the pip flavour."""
        return self.folder / (CONDA_LOCK_FILE if self.flavour == "conda" else PIP_LOCK_FILE)

    @property
    def pip_lock_path(self) -> Path | None:
        """Where the pip requirements are locked: requirements.lock; None when there are none."""
        if self.flavour == "pip" or self.pip:
            return self.folder / PIP_LOCK_FILE
        return None

    def content_hash(self, platform: str) -> str:
        """Hex sha256 of what the spec asks for on ``platform`` (comments and layout aside)."""
        content = {
            "flavour": self.flavour,
            "channels": list(self.channels),
            "dependencies": list(self.dependencies),
            "pip": list(self.pip),
            "platform": platform,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def changed_lines(locked_text: str, text: str) -> list[StaleLine]:
    """The lines of ``text`` added or removed since ``locked_text`` (blank lines aside)."""
    changes: list[StaleLine] = []
    for line in difflib.ndiff(locked_text.splitlines(), text.splitlines()):
        tag, content = line[:2], line[2:]
        if tag in ("+ ", "- ") and content.strip():
            changes.append(StaleLine(change="added" if tag == "+ " else "removed", line=content))
    return changes


def _yaml_error(path: Path, exc: Exception) -> InvalidInput:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return InvalidInput(f"{path.name} is not valid YAML{where}: {problem}", field="content")


def check_name(name: Any, source: str) -> str:
    """``name`` when it is a valid environment name; InvalidInput (field ``name``) otherwise."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InvalidInput(
            f"{source}: the name {name!r} is not valid: use letters, digits, '.', '_' and '-' "
            "(at most 64, starting with a letter or digit).",
            field="name",
        )
    return name


def check_conda_specs(specs: Iterable[str], source: str) -> tuple[str, ...]:
    """The conda match specs, each parsed by rattler; InvalidInput naming the bad one."""
    from rattler import MatchSpec

    checked = []
    for spec in specs:
        if not isinstance(spec, str) or not spec.strip():
            raise InvalidInput(
                f"{source}: every dependency must be a match spec such as 'numpy >=1.26'.",
                field="dependencies",
            )
        try:
            MatchSpec(spec.strip())
        except Exception as exc:
            raise InvalidInput(
                f"{source}: the dependency {spec!r} is not a conda match spec: {exc}",
                field="dependencies",
            ) from exc
        checked.append(spec.strip())
    return tuple(checked)


def check_requirements(lines: Iterable[str], source: str, field_name: str) -> tuple[str, ...]:
    """The pip requirements, each parsed as PEP 508; InvalidInput naming the bad one."""
    from packaging.requirements import InvalidRequirement, Requirement

    checked = []
    for line in lines:
        if not isinstance(line, str) or not line.strip():
            raise InvalidInput(
                f"{source}: every pip requirement must be text such as 'requests>=2'.",
                field=field_name,
            )
        try:
            Requirement(line.strip())
        except InvalidRequirement as exc:
            raise InvalidInput(
                f"{source}: {line.strip()!r} is not a pip requirement: {exc}", field=field_name
            ) from exc
        checked.append(line.strip())
    return tuple(checked)


def parse_conda_spec(path: Path, text: str) -> EnvironmentSpec:
    """Read an environment.yml.

    Raises:
        InvalidInput: Malformed YAML (with line and column), an unknown key, a missing or
            invalid name, an empty dependency list, a dependency that is not a match spec.
    """
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from exc
    source = path.name
    if not isinstance(doc, dict):
        raise InvalidInput(
            f"{source} must be a mapping with name and dependencies.", field="content"
        )
    unknown = sorted(str(key) for key in doc if key not in CONDA_KEYS)
    if unknown:
        raise InvalidInput(
            f"{source}: unknown key {unknown[0]!r} (allowed: {', '.join(CONDA_KEYS)}).",
            field="content",
        )
    if "name" not in doc:
        raise InvalidInput(f"{source} has no name: add 'name: my-env'.", field="name")
    name = check_name(doc["name"], source)
    channels = doc.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
        raise InvalidInput(f"{source}: channels must be a list of names or URLs.", field="channels")
    entries = doc.get("dependencies") or []
    if not isinstance(entries, list):
        raise InvalidInput(f"{source}: dependencies must be a list.", field="dependencies")
    conda: list[str] = []
    pip: list[str] = []
    for entry in entries:
        if isinstance(entry, dict) and set(entry) == {"pip"} and isinstance(entry["pip"], list):
            pip.extend(entry["pip"])
        elif isinstance(entry, dict):
            raise InvalidInput(
                f"{source}: a dependency mapping may only be 'pip:' with a list of requirements.",
                field="dependencies",
            )
        else:
            conda.append(entry)
    if not conda and not pip:
        raise InvalidInput(
            f"{source}: the dependency list is empty: list at least one package.",
            field="dependencies",
        )
    variables = doc.get("variables") or {}
    if not isinstance(variables, dict):
        raise InvalidInput(f"{source}: variables must be a mapping.", field="variables")
    return EnvironmentSpec(
        name=name,
        flavour="conda",
        path=path,
        channels=tuple(channels),
        dependencies=check_conda_specs(conda, source),
        pip=check_requirements(pip, source, "pip"),
        variables={str(key): str(value) for key, value in variables.items()},
        text=text,
    )


def parse_pip_spec(path: Path, text: str) -> EnvironmentSpec:
    """Read a requirements.in (its name: a ``# name: NAME`` comment, else its folder's).

    Raises:
        InvalidInput: An invalid name, no requirement, a line that is not a requirement.
    """
    name: str | None = None
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        match = _NAME_COMMENT.match(line)
        if match and name is None:
            name = match.group(1)
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    source = f"{path.parent.name}/{path.name}"
    name = check_name(name if name is not None else path.parent.name, source)
    if not lines:
        raise InvalidInput(
            f"{source}: the requirement list is empty: list at least one package.",
            field="dependencies",
        )
    return EnvironmentSpec(
        name=name,
        flavour="pip",
        path=path,
        dependencies=check_requirements(lines, source, "dependencies"),
        text=text,
    )


def read_spec(path: Path) -> EnvironmentSpec:
    """Read and validate the spec file at ``path``.

    Raises:
        InvalidInput: The file is too large, not UTF-8, or not a valid spec.
    """
    if path.stat().st_size > MAX_SPEC_BYTES:
        raise InvalidInput(
            f"{path.name} is larger than {MAX_SPEC_BYTES >> 20} MB: a spec lists packages.",
            field="content",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path.name} is not UTF-8 text.", field="content") from exc
    return parse_spec(path, text)


def parse_spec(path: Path, text: str) -> EnvironmentSpec:
    """Validate ``text`` as the spec file ``path`` (its flavour from the file name)."""
    if path.name == PIP_SPEC_FILE:
        return parse_pip_spec(path, text)
    return parse_conda_spec(path, text)


def spec_files(folder: Path) -> list[Path]:
    """The spec files directly in ``folder``."""
    names = (*CONDA_SPEC_FILES, PIP_SPEC_FILE)
    return [folder / name for name in names if (folder / name).is_file()]


def _candidate_folders(root: Path, dirs: Sequence[str]) -> list[Path]:
    folders: dict[Path, None] = {}
    for entry in dirs:
        base = (root / entry).resolve()
        if not base.is_dir() or not base.is_relative_to(root):
            continue
        folders[base] = None
        for child in sorted(base.iterdir()):
            if child.is_dir() and not child.name.startswith((".", "_")):
                folders[child] = None
    return list(folders)


@dataclass(frozen=True)
class Discovery:
    """The specs of a workspace, and those that cannot be used (with why)."""

    specs: dict[str, EnvironmentSpec]
    problems: list[SpecProblem]


def discover(root: Path, dirs: Sequence[str]) -> Discovery:
    """Find the specs in ``dirs`` (relative to ``root``) and in their direct subfolders.

    A folder with two specs, and two specs declaring one name, are problems: neither is used.
    """
    found: dict[str, list[EnvironmentSpec]] = {}
    problems: list[SpecProblem] = []
    for folder in _candidate_folders(root, dirs):
        files = spec_files(folder)
        if len(files) > 1:
            names = ", ".join(path.name for path in files)
            where = str(folder.relative_to(root)) if folder != root else "The server root"
            problems.append(
                SpecProblem(
                    spec_path=str(files[0].relative_to(root)),
                    message=f"{where} holds {names}: keep one spec a folder.",
                )
            )
            continue
        for path in files:
            try:
                spec = read_spec(path)
            except (InvalidInput, OSError) as exc:
                problems.append(
                    SpecProblem(spec_path=str(path.relative_to(root)), message=str(exc))
                )
                continue
            found.setdefault(spec.name, []).append(spec)
    specs: dict[str, EnvironmentSpec] = {}
    for name, declared in found.items():
        if len(declared) == 1:
            specs[name] = declared[0]
            continue
        paths = " and ".join(str(spec.path.relative_to(root)) for spec in declared)
        for spec in declared:
            problems.append(
                SpecProblem(
                    spec_path=str(spec.path.relative_to(root)),
                    message=f"The name {name!r} is declared by both {paths}: rename one.",
                )
            )
    return Discovery(specs=dict(sorted(specs.items())), problems=problems)


def render_conda_spec(
    name: str, channels: Sequence[str], dependencies: Sequence[str], pip: Sequence[str]
) -> str:
    """The text of an environment.yml with these fields."""
    import yaml

    deps: list[Any] = list(dependencies)
    if pip:
        deps.append({"pip": list(pip)})
    doc: dict[str, Any] = {"name": name}
    if channels:
        doc["channels"] = list(channels)
    doc["dependencies"] = deps
    return yaml.safe_dump(doc, sort_keys=False)


def render_pip_spec(name: str, requirements: Sequence[str]) -> str:
    """The text of a requirements.in with this name and these requirements."""
    return "\n".join([f"# name: {name}", *requirements]) + "\n"


def clash(specs: dict[str, EnvironmentSpec], name: str) -> None:
    """Refuse a new spec named as an existing one (Conflict naming where it is declared)."""
    if name in specs:
        raise Conflict(
            f"An environment named {name!r} is already declared in {specs[name].path}.",
            field="name",
        )
