"""The files of job runs: notebooks taken from the server root, and each run's folder.

A run's folder is ``<workspace>/runs/<run id>/``: ``input.ipynb`` (the notebook as submitted),
``output.ipynb`` and ``output.html`` (as executed), ``log.txt``. Every file but the log is
written to a temporary name and renamed, so a reader never sees half a notebook.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, MLXError, NotFound
from ..tracking.notebook import read_notebook

RUNS_DIRNAME = "runs"


@dataclass(frozen=True, slots=True)
class RunFiles:
    """Where one run keeps its files."""

    folder: Path

    @classmethod
    def of(cls, workspace: Path, run_id: str) -> RunFiles:
        return cls(workspace / RUNS_DIRNAME / run_id)

    @property
    def input(self) -> Path:
        return self.folder / "input.ipynb"

    @property
    def output(self) -> Path:
        return self.folder / "output.ipynb"

    @property
    def html(self) -> Path:
        return self.folder / "output.html"

    @property
    def log(self) -> Path:
        return self.folder / "log.txt"

    def remove(self) -> None:
        """Delete the folder and everything in it."""
        shutil.rmtree(self.folder, ignore_errors=True)


def resolve_notebook(root: Path, path: str, *, field: str = "notebook") -> tuple[Path, str]:
    """The notebook at ``path`` under the server root, and its path as the server shows it.

    Args:
        root: The server root.
        path: The path given, relative to the root.
        field: The input field the path came in, named by the errors.

    Raises:
        InvalidInput: An absolute path, a path leading out of the root (``..``, or a symbolic
            link out), or a folder.
        NotFound: No file there.
    """
    given = Path(path)
    if given.is_absolute() or path.startswith(("/", "\\")):
        raise InvalidInput(
            f"{path!r} is absolute: give the notebook's path relative to the server root.",
            field=field,
        )
    root = root.resolve()
    resolved = (root / given).resolve()
    if not resolved.is_relative_to(root):
        raise InvalidInput(f"{path!r} leads out of the server root.", field=field)
    if not resolved.exists():
        raise NotFound(f"No notebook {path!r} under the server root.", field=field)
    if not resolved.is_file():
        raise InvalidInput(f"{path!r} is a folder, not a notebook.", field=field)
    return resolved, resolved.relative_to(root).as_posix()


def load_notebook(path: Path, *, field: str = "notebook") -> Any:
    """The notebook file at ``path`` as an ``nbformat`` node of format 4.5 (every cell an id).

    Args:
        path: The file.
        field: The input field its path came in, named by the errors.

    Raises:
        InvalidInput: The file is not a notebook.
        NotFound: It cannot be read.
    """
    import nbformat

    try:
        data = read_notebook(path)
    except MLXError as exc:
        exc.field = field
        raise
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat") != 4:
            raise ValueError(f"format {notebook.get('nbformat')} is not supported")
        notebook = nbformat.v4.upgrade(notebook, from_version=4, from_minor=notebook.nbformat_minor)
    except Exception as exc:
        raise InvalidInput(f"{path.name} is not a readable notebook: {exc}", field=field) from exc
    for cell in notebook.cells:
        if not cell.get("id"):
            cell["id"] = uuid.uuid4().hex[:8]
    return notebook


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_notebook(path: Path, notebook: Any) -> None:
    """Write a notebook node to ``path`` atomically."""
    import nbformat

    write_atomic(path, nbformat.writes(notebook).encode("utf-8"))
