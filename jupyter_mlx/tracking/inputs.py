"""Data inputs of a run: the files and folders it reads, recorded with their content hashes.

A job run (``inputs``, ``jupyter mlx run --input PATH``) or a tracked run (``%mlx_track --input
PATH``) may declare input files or folders inside the server root. When the run starts each is
hashed: a file by the sha256 of its bytes; a folder by the sha256 of its manifest, one line
``<file sha256>  <path relative to the folder>`` per file under it, sorted by path (for ordinary
names the same as ``find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs -d '\\n' sha256sum |
sha256sum`` run in the folder). Each is logged on the MLflow run as a dataset input: name and
source the path relative to the root, digest the first 36 hex digits of the hash (the longest
MLflow stores), and the tags ``mlx.input.sha256`` (the whole hash) and ``mlx.input.kind``.

This module imports MLflow only inside functions.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from . import links
from .schemas import InputKind, RunInput

#: Longest dataset digest MLflow's stores keep.
MAX_DIGEST_LENGTH = 36
#: Source type of the datasets: MLflow's own for local files (its source is ``{"uri": ...}``).
SOURCE_TYPE = "local"
#: Bytes read at a time while hashing.
READ_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class DataInput:
    """A declared input, hashed.

    Attributes:
        path: The file or folder, relative to the server root, with forward slashes.
        sha256: Hex sha256 of the file, or of the folder's manifest.
        kind: ``file`` or ``folder``.
        files: Files hashed (1 for a file).
        size: Bytes hashed.
    """

    path: str
    sha256: str
    kind: InputKind
    files: int
    size: int


def resolve_input(
    root: Path, path: str, *, base: Path | None = None, field: str = "inputs"
) -> tuple[Path, str]:
    """The file or folder ``path`` names, and its path relative to the root.

    Args:
        root: The server root.
        path: Relative to ``base`` (or absolute).
        base: The folder a relative path starts from; default: the root.
        field: The field named in a refusal.

    Raises:
        InvalidInput: It is outside the root, missing, or neither a file nor a folder.
    """
    real_root = root.resolve()
    given = Path(path).expanduser()
    resolved = (given if given.is_absolute() else (base or root) / given).resolve()
    try:
        relative = resolved.relative_to(real_root).as_posix()
    except ValueError:
        raise InvalidInput(
            f"Input {path!r} is outside the server root {root}: declare data inside it.",
            field=field,
        ) from None
    if not resolved.exists():
        raise InvalidInput(f"Input {path!r} does not exist.", field=field)
    if not (resolved.is_file() or resolved.is_dir()):
        raise InvalidInput(f"Input {path!r} is neither a file nor a folder.", field=field)
    return resolved, relative


def check_inputs(root: Path, paths: Iterable[str], *, field: str = "inputs") -> list[str]:
    """Declared inputs as paths relative to the root, each once, in the order given (blocking:
    each must exist).

    Raises:
        InvalidInput: One is outside the root or missing (``field`` names the list).
    """
    relative = [resolve_input(root, path, field=field)[1] for path in paths]
    return list(dict.fromkeys(relative))


def hash_input(
    root: Path, path: str, *, base: Path | None = None, field: str = "inputs"
) -> DataInput:
    """Hash a declared input (blocking: reads every byte of it).

    Args:
        root: The server root.
        path: The file or folder, relative to ``base`` (or absolute).
        base: The folder a relative path starts from; default: the root.
        field: The field named in a refusal.

    Raises:
        InvalidInput: It is outside the root, or missing.
    """
    resolved, relative = resolve_input(root, path, base=base, field=field)
    if resolved.is_file():
        digest, size = file_sha256(resolved)
        return DataInput(relative, digest, "file", 1, size)
    manifest = hashlib.sha256()
    files = size = 0
    for name, file in _files_under(resolved):
        digest, file_size = file_sha256(file)
        manifest.update(f"{digest}  {name}\n".encode())
        files += 1
        size += file_size
    return DataInput(relative, manifest.hexdigest(), "folder", files, size)


def hash_inputs(
    root: Path, paths: Sequence[str], *, base: Path | None = None, field: str = "inputs"
) -> list[DataInput]:
    """Hash each declared input once (see :func:`hash_input`)."""
    hashed: dict[str, DataInput] = {}
    for path in paths:
        data = hash_input(root, path, base=base, field=field)
        hashed.setdefault(data.path, data)
    return list(hashed.values())


def describe_inputs(inputs: Sequence[DataInput]) -> str:
    """``data/ (folder of 3 files, sha256 3dc997e2ca6c), train.csv (file, sha256 2cf24dba5fb0)``."""
    parts = []
    for data in inputs:
        what = "file" if data.kind == "file" else f"folder of {data.files} files"
        parts.append(f"{data.path} ({what}, sha256 {data.sha256[:12]})")
    return ", ".join(parts)


def file_sha256(path: Path) -> tuple[str, int]:
    """The hex sha256 of a file's bytes, and their number."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(READ_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _files_under(folder: Path) -> list[tuple[str, Path]]:
    """The files under a folder (symbolic links to folders not followed), with their paths
    relative to it, sorted by those paths."""
    found = []
    for current, _, names in os.walk(folder):
        for name in names:
            file = Path(current) / name
            if file.is_file():
                found.append((file.relative_to(folder).as_posix(), file))
    return sorted(found)


def log_inputs(client: Any, run_id: str, inputs: Sequence[DataInput]) -> None:
    """Record inputs on an MLflow run as dataset inputs (an input logged before is kept once).

    Args:
        client: An ``mlflow.MlflowClient`` of the run's store.
        run_id: The run.
        inputs: What :func:`hash_inputs` gave.
    """
    if not inputs:
        return
    from mlflow.entities import Dataset, DatasetInput, InputTag

    datasets = [
        DatasetInput(
            Dataset(
                name=data.path,
                digest=data.sha256[:MAX_DIGEST_LENGTH],
                source_type=SOURCE_TYPE,
                source=json.dumps({"uri": data.path}),
                profile=json.dumps({"files": data.files, "bytes": data.size}),
            ),
            tags=[
                InputTag(links.INPUT_SHA256, data.sha256),
                InputTag(links.INPUT_KIND, data.kind),
            ],
        )
        for data in inputs
    ]
    client.log_inputs(run_id, datasets=datasets)


def read_inputs(run: Any) -> list[RunInput]:
    """The inputs declared with jupyter-mlx among an MLflow run's dataset inputs, by path.

    Datasets logged otherwise (``mlflow.log_input`` of a data frame) are left out.
    """
    inputs = getattr(run, "inputs", None)
    found: dict[str, RunInput] = {}
    for dataset_input in getattr(inputs, "dataset_inputs", None) or []:
        tags = {tag.key: tag.value for tag in dataset_input.tags}
        sha256 = tags.get(links.INPUT_SHA256)
        kind = tags.get(links.INPUT_KIND)
        if sha256 and kind in ("file", "folder"):
            path = dataset_input.dataset.name
            found[path] = RunInput(path=path, sha256=sha256, kind=kind)
    return [found[path] for path in sorted(found)]
