"""Which notebook a kernel runs: its path under the server root, its parameters, its snapshot.

A kernel learns its notebook from, in order: an explicit path (``%mlx_track --notebook``),
``$MLX_NOTEBOOK_PATH`` (set for job runs) or ``$JPY_SESSION_NAME`` (set by Jupyter Server to the
notebook's absolute path for kernels started from a notebook). Paths are stored relative to the
server root of the kernel's workspace (:meth:`jupyter_mlx.config.Settings.for_process`).

This module imports neither IPython nor MLflow.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import InvalidInput, NotFound
from .links import SNAPSHOT_DIR

NOTEBOOK_PATH_ENV = "MLX_NOTEBOOK_PATH"
"""Notebook path of a kernel started for a job run (absolute, or relative to the server root)."""

NOTEBOOK_FILE_ENV = "MLX_NOTEBOOK_FILE"
"""Set for job runs to the copy of the notebook the run executes (absolute)."""

SESSION_NAME_ENV = "JPY_SESSION_NAME"
"""Set by Jupyter Server to the notebook's absolute path for kernels started from a notebook."""

PARAMETERS_TAG = "parameters"
"""The cell tag papermill (and jupyter-mlx jobs) read the parameters from."""

MAX_PARAM_LENGTH = 500
"""Longest parameter value logged; longer values are cut and end with an ellipsis."""

ParamValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class NotebookRef:
    """A notebook file and the server root its path is relative to.

    Attributes:
        path: Absolute path of the ``.ipynb`` file.
        root: Absolute path of the server root.
        file: The file to read instead of ``path``, when the kernel runs a copy of it (a job
            run's input, taken when it was submitted); None to read ``path``.
    """

    path: Path
    root: Path
    file: Path | None = None

    @property
    def source(self) -> Path:
        """The file the kernel runs: the copy of a job run, else the notebook itself."""
        return self.file or self.path

    @property
    def relative(self) -> str:
        """Path relative to the server root with forward slashes (absolute if outside it)."""
        if self.path.is_relative_to(self.root):
            return self.path.relative_to(self.root).as_posix()
        return self.path.as_posix()

    @property
    def name(self) -> str:
        """File name of the notebook, e.g. ``train.ipynb``."""
        return self.path.name


@dataclass(frozen=True, slots=True)
class NotebookSnapshot:
    """The bytes of a notebook: as saved at one moment, or as it ran (:func:`run_snapshot`).

    Attributes:
        name: File name of the notebook.
        data: The notebook's bytes.
        sha256: Hex sha256 of ``data``.
        warning: Why the snapshot cannot be fully trusted, in one sentence; None if it can.
    """

    name: str
    data: bytes
    sha256: str
    warning: str | None = None

    @property
    def artifact_path(self) -> str:
        """Where the snapshot goes among a run's artifacts: ``notebook/<name>``."""
        return f"{SNAPSHOT_DIR}/{self.name}"


def server_root(environ: Mapping[str, str] | None = None) -> Path:
    """The server root notebook paths are relative to.

    Args:
        environ: Environment to read; defaults to ``os.environ``.

    Returns:
        The root of :meth:`jupyter_mlx.config.Settings.for_process` (absolute).
    """
    return Settings.for_process(environ).root_dir


def locate_notebook(
    override: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    must_exist: bool = True,
) -> NotebookRef:
    """Find the notebook this kernel runs.

    Args:
        override: An explicit path (``--notebook``). Relative paths are taken from the server
            root when the file is there (as JupyterLab shows paths), else from ``cwd``.
        environ: Environment to read; defaults to ``os.environ``.
        cwd: Folder for relative overrides; defaults to the current working directory.
        must_exist: Whether the file must exist (listing the runs of a deleted notebook needs
            only its path).

    Returns:
        The notebook, from ``override``, else ``$MLX_NOTEBOOK_PATH``, else ``$JPY_SESSION_NAME``
        (relative values of the variables are taken from the server root).

    Raises:
        InvalidInput: If no path is known.
        NotFound: If ``must_exist`` and the file does not exist.
    """
    env = os.environ if environ is None else environ
    root = server_root(env)
    if override:
        given = Path(override).expanduser()
        path = given
        if not given.is_absolute():
            path = root / given
            if not path.is_file():
                path = (cwd if cwd is not None else Path.cwd()) / given
    else:
        raw = env.get(NOTEBOOK_PATH_ENV) or env.get(SESSION_NAME_ENV)
        if not raw:
            raise InvalidInput(
                "This kernel does not know its notebook: pass `--notebook PATH` "
                f"(or set ${NOTEBOOK_PATH_ENV}).",
                field="notebook",
            )
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = root / path
        copy = env.get(NOTEBOOK_FILE_ENV)
        if copy and Path(copy).is_file():
            return NotebookRef(path=path.resolve(), root=root, file=Path(copy))
    path = path.resolve()
    if must_exist and not path.is_file():
        raise NotFound(
            f"Notebook {path} does not exist: pass `--notebook PATH` with the notebook's path.",
            field="notebook",
        )
    return NotebookRef(path=path, root=root)


@dataclass(frozen=True, slots=True)
class NotebookParameter:
    """One name of a notebook's ``parameters`` cell, as papermill reads it.

    Attributes:
        name: The variable name.
        type_name: The type papermill infers from an annotation (``int``, ``float``, ...),
            None when the cell gives none.
        default: The default value's source text, e.g. ``0.01``.
        help: The comment after the assignment, or ``""``.
    """

    name: str
    type_name: str | None
    default: str
    help: str


def notebook_parameters(notebook: Mapping[str, Any]) -> list[NotebookParameter]:
    """The parameters of a notebook, read by papermill's inspection of its ``parameters`` cell.

    Papermill injects parameters by these names, so the names logged for a tracked run and the
    names a job accepts are the same. A notebook without such a cell, or in a language papermill
    cannot inspect, has none.

    Args:
        notebook: The notebook's JSON.
    """
    import nbformat
    from papermill.exceptions import PapermillException
    from papermill.translators import papermill_translators

    cell = next(
        (
            c
            for c in notebook.get("cells", [])
            if c.get("cell_type") == "code"
            and PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if cell is None:
        return []
    metadata = notebook.get("metadata", {})
    kernelspec = metadata.get("kernelspec", {})
    language = kernelspec.get("language") or metadata.get("language_info", {}).get("name")
    try:
        translator = papermill_translators.find_translator(
            kernelspec.get("name", "python3"), language or "python"
        )
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        found = translator.inspect(nbformat.from_dict({**cell, "source": text}))
    except (PapermillException, NotImplementedError):
        return []
    return [
        NotebookParameter(
            name=p.name,
            type_name=None if p.inferred_type_name == "None" else p.inferred_type_name,
            default=p.default,
            help=p.help,
        )
        for p in found
    ]


def read_notebook(path: Path) -> dict[str, Any]:
    """Read a notebook file's JSON.

    Raises:
        NotFound: If the file cannot be read.
        InvalidInput: If it is not a notebook.
    """
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise NotFound(f"Cannot read notebook {path}: {exc.strerror}.", field="notebook") from exc
    except ValueError as exc:
        raise InvalidInput(f"{path} is not a notebook (invalid JSON).", field="notebook") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InvalidInput(f"{path} is not a notebook (no cells).", field="notebook")
    return data


def read_parameter_names(path: Path) -> list[str]:
    """The parameter names of the notebook file at ``path`` (see :func:`notebook_parameters`).

    Raises:
        NotFound: If the file cannot be read.
        InvalidInput: If it is not a notebook.
    """
    return [parameter.name for parameter in notebook_parameters(read_notebook(path))]


def _truncate(text: str) -> str:
    if len(text) <= MAX_PARAM_LENGTH:
        return text
    return text[: MAX_PARAM_LENGTH - 1] + "\N{HORIZONTAL ELLIPSIS}"


def param_value(value: Any) -> ParamValue:
    """A value as logged: JSON scalars as they are, anything else as its shortened ``repr``.

    Numbers of other types (numpy scalars) become Python numbers; non-finite floats, which JSON
    cannot hold, and long strings are shortened text.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _truncate(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return float(value)
    return _truncate(repr(value))


def parameter_values(names: Iterable[str], namespace: Mapping[str, Any]) -> dict[str, ParamValue]:
    """The kernel's current values of the parameters (names not defined yet are left out).

    Values come from the namespace, not from the cell, so values papermill injected win.
    """
    return {name: param_value(namespace[name]) for name in names if name in namespace}


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def take_snapshot(notebook: NotebookRef) -> NotebookSnapshot:
    """Read the notebook file as saved now.

    Raises:
        NotFound: If the file cannot be read.
    """
    try:
        data = notebook.source.read_bytes()
    except OSError as exc:
        raise NotFound(
            f"Cannot read notebook {notebook.path}: {exc.strerror}.", field="notebook"
        ) from exc
    return NotebookSnapshot(name=notebook.name, data=data, sha256=sha256_bytes(data))


UNRECORDED_WARNING = (
    "This kernel did not record its cells: the snapshot is the notebook as last saved, whose "
    "outputs may come from another run."
)


def _shell(shell: Any) -> Any:
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    return shell


def recording_position(shell: Any = None) -> int | None:
    """Where the kernel's recorder is now (see :meth:`.recorder.CellRecorder.position`).

    Args:
        shell: The IPython shell; default: the running one.

    Returns:
        The position, or None when nothing records this shell's cells.
    """
    from .recorder import CellRecorder

    recorder = CellRecorder.of(_shell(shell))
    return recorder.position() if recorder is not None else None


def run_snapshot(
    notebook: NotebookRef, *, since: int | None = None, shell: Any = None
) -> NotebookSnapshot:
    """The notebook as it ran in this kernel: saved cells with the sources and outputs that ran.

    See :mod:`.recorder`. Without a recorder on the shell, the saved file, with a warning.

    Args:
        notebook: The tracked notebook.
        since: :func:`recording_position` when the run started: cells below the one that
            started it show only what ran since.
        shell: The IPython shell; default: the running one.

    Raises:
        NotFound: Nothing can be snapshotted: no recorder and no readable file.
    """
    import nbformat

    from .recorder import CellRecorder, build_snapshot, widget_bundle

    shell = _shell(shell)
    recorder = CellRecorder.of(shell)
    if recorder is None:
        saved_file = take_snapshot(notebook)
        return NotebookSnapshot(
            saved_file.name, saved_file.data, saved_file.sha256, UNRECORDED_WARNING
        )
    unreadable = None
    try:
        saved = read_notebook(notebook.source)
    except (NotFound, InvalidInput) as exc:
        saved, unreadable = None, exc.message
    kernel = getattr(shell, "kernel", None)
    built = build_snapshot(
        saved,
        recorder.executions(),
        hears_outputs=recorder.hears_outputs,
        missed=recorder.missed,
        dropped=recorder.dropped,
        since=since,
        language_info=getattr(kernel, "language_info", None),
        render_widget=widget_bundle,
    )
    data = (nbformat.v4.nbjson.writes(built.notebook) + "\n").encode("utf-8")
    warnings = [built.warning] if built.warning else []
    if unreadable:
        warnings.insert(0, f"{unreadable} The snapshot holds only the cells that ran.")
    return NotebookSnapshot(
        name=notebook.name,
        data=data,
        sha256=sha256_bytes(data),
        warning=" ".join(warnings) or None,
    )
