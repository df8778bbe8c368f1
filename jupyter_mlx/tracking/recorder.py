"""What a kernel ran: each cell's source and outputs as the kernel sent them to the front-end.

``%load_ext jupyter_mlx`` installs a :class:`CellRecorder` on the kernel's shell. It hears IPython's
``pre_run_cell`` / ``post_run_cell`` events (the source, JupyterLab's cell id, the execution count)
and every output message the kernel publishes (streams, displays and their updates, results,
errors, ``clear_output``), keyed by the request that produced it. A run's notebook snapshot is
then :func:`build_snapshot`: the saved notebook's cells, each code cell with its source and
outputs as this kernel last executed it, so the snapshot is what ran even when the file on disk
holds another run's outputs or none.

Cells are matched to the saved notebook by JupyterLab's cell id; executions without one (nbclient,
papermill, a console) by their source, in order. Executions that match no saved cell (a cell
papermill injected, a cell never saved) follow the cell that ran before them.

This module imports neither IPython nor nbformat at import time.
"""

from __future__ import annotations

import copy
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

OUTPUT_MESSAGES = frozenset({"stream", "display_data", "execute_result", "error"})
"""Kernel messages that become a cell's outputs."""

MAX_CELL_OUTPUT_CHARS = 1_000_000
"""Characters of output kept per execution; later outputs are dropped and the snapshot says so."""

MAX_EXECUTIONS = 1000
"""Executions kept per kernel (the latest of each cell, and the latest without a cell id)."""

MAX_RECORDED_CHARS = 50_000_000
"""Characters of output kept per kernel; the oldest executions go first beyond it."""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

log = logging.getLogger(__name__)

_RECORDERS: weakref.WeakKeyDictionary[Any, CellRecorder] = weakref.WeakKeyDictionary()


@dataclass(slots=True, eq=False)
class Output:
    """One output of an execution: the message type and content the kernel sent."""

    msg_type: str
    content: dict[str, Any]
    display_id: str | None = None

    def size(self) -> int:
        """Characters this output holds (text and mime data)."""
        if self.msg_type == "stream":
            return len(self.content.get("text", ""))
        if self.msg_type == "error":
            return sum(len(line) for line in self.content.get("traceback", []))
        return sum(len(str(value)) for value in self.content.get("data", {}).values())


@dataclass(slots=True, eq=False)
class CellExecution:
    """One execution of a cell, as the kernel saw it.

    Attributes:
        source: The code as sent by the front-end (before IPython's transforms).
        cell_id: JupyterLab's id of the cell, None when the client sent none.
        msg_id: Id of the ``execute_request`` whose outputs these are.
        execution_count: IPython's ``In [n]``, None until the execution ends.
        outputs: What the kernel published for this request, in order.
        recorded: False when the outputs were not heard (the cell ran before the recorder).
        truncated: Whether outputs beyond :data:`MAX_CELL_OUTPUT_CHARS` were dropped.
        chars: Characters of output held.
        seq: Order of the execution in this kernel (from 1), given by the recorder.
    """

    source: str
    cell_id: str | None
    msg_id: str | None
    execution_count: int | None = None
    outputs: list[Output] = field(default_factory=list)
    recorded: bool = True
    truncated: bool = False
    chars: int = 0
    seq: int = 0
    _clear_on_next: bool = False

    def add(self, output: Output) -> None:
        """Append an output, merging consecutive text of the same stream."""
        if self._clear_on_next:
            self.clear()
        size = output.size()
        if self.chars + size > MAX_CELL_OUTPUT_CHARS:
            self.truncated = True
            return
        self.chars += size
        last = self.outputs[-1] if self.outputs else None
        if (
            output.msg_type == "stream"
            and last is not None
            and last.msg_type == "stream"
            and last.content.get("name") == output.content.get("name")
        ):
            last.content = {**last.content, "text": last.content["text"] + output.content["text"]}
            return
        self.outputs.append(output)

    def clear(self, *, wait: bool = False) -> None:
        """``clear_output``: now, or (``wait``) when the next output arrives."""
        if wait:
            self._clear_on_next = True
            return
        self.outputs = []
        self.chars = 0
        self._clear_on_next = False


class CellRecorder:
    """Records the executions of one IPython shell (see the module docstring).

    Args:
        shell: The shell whose cells are recorded.
    """

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self._lock = threading.Lock()
        self._executions: list[CellExecution] = []
        self._by_msg: dict[str, CellExecution] = {}
        #: Display id -> the outputs showing it, with their execution (some may be cleared).
        self._displays: dict[str, list[tuple[CellExecution, Output]]] = {}
        self._current: CellExecution | None = None
        self._nested = 0
        self._last_seq = 0
        kernel = getattr(shell, "kernel", None)
        self._session = getattr(kernel, "session", None)
        #: Whether outputs are heard (a Jupyter kernel), not only sources (a terminal IPython).
        self.hears_outputs = self._session is not None
        #: Output messages that could not be recorded (an error, logged to the kernel's log).
        self.missed = 0
        #: Executions let go to bound the kernel's memory (:data:`MAX_EXECUTIONS`, ...CHARS).
        self.dropped = 0

    @classmethod
    def install(cls, shell: Any) -> CellRecorder:
        """The shell's recorder, created and hooked in on first call."""
        recorder = _RECORDERS.get(shell)
        if recorder is None:
            recorder = cls(shell)
            recorder._backfill()
            recorder._hook()
            _RECORDERS[shell] = recorder
        return recorder

    @staticmethod
    def of(shell: Any) -> CellRecorder | None:
        """The recorder installed on ``shell``, if any."""
        return _RECORDERS.get(shell) if shell is not None else None

    def uninstall(self) -> None:
        """Stop recording (``%unload_ext jupyter_mlx``)."""
        events = self.shell.events
        for name, callback in (
            ("pre_run_cell", self._pre_run_cell),
            ("post_run_cell", self._post_run_cell),
        ):
            if callback in events.callbacks[name]:
                events.unregister(name, callback)
        if self._session is not None and "send" in vars(self._session):
            del self._session.send
        _RECORDERS.pop(self.shell, None)

    def executions(self) -> list[CellExecution]:
        """The executions kept, in the order they started (copies, safe to read)."""
        with self._lock:
            return [copy.deepcopy(execution) for execution in self._executions]

    # -- hooks -------------------------------------------------------------------------------

    def _hook(self) -> None:
        self.shell.events.register("pre_run_cell", self._pre_run_cell)
        self.shell.events.register("post_run_cell", self._post_run_cell)
        if self._session is not None:
            self._session.send = _Tap(self._session.send, self._heard, self._missed)

    def _backfill(self) -> None:
        """Sources of the cells that ran before the recorder, from IPython's history."""
        history = getattr(self.shell.history_manager, "input_hist_raw", [])
        for count, source in enumerate(history[1:], start=1):
            if source.strip():
                self._keep(
                    CellExecution(
                        source=source,
                        cell_id=None,
                        msg_id=None,
                        execution_count=count,
                        recorded=False,
                    )
                )

    def _request(self) -> dict[str, Any]:
        kernel = getattr(self.shell, "kernel", None)
        if kernel is not None and hasattr(kernel, "get_parent"):
            return kernel.get_parent("shell") or {}
        return {}

    def _execution(self, info: Any) -> CellExecution:
        """A new execution of the cell IPython is running, for the request running it."""
        return CellExecution(
            source=info.raw_cell,
            cell_id=info.cell_id,
            msg_id=self._request().get("header", {}).get("msg_id"),
            recorded=self.hears_outputs,
        )

    def _pre_run_cell(self, info: Any) -> None:
        if info.silent:
            return
        execution = self._execution(info)
        with self._lock:
            if execution.msg_id is not None and execution.msg_id in self._by_msg:
                self._nested += 1  # a cell running code with run_cell(): outputs stay the cell's
                return
            self._keep(execution)
            self._current = execution

    def _post_run_cell(self, result: Any) -> None:
        info = result.info
        if info.silent:
            return
        with self._lock:
            if self._nested:
                self._nested -= 1
                return
            execution, self._current = self._current, None
            if execution is None:
                # The cell that installed the recorder: it started before the recorder did, and
                # history (read by _backfill) already held it.
                for early in [e for e in self._executions if not e.recorded and e.msg_id is None]:
                    if early.execution_count == result.execution_count:
                        self._drop(early)
                execution = self._execution(info)
                self._keep(execution)
            execution.execution_count = result.execution_count

    def position(self) -> int:
        """The :attr:`CellExecution.seq` of the cell running now (or of the next one)."""
        with self._lock:
            return self._current.seq if self._current is not None else self._last_seq + 1

    def _keep(self, execution: CellExecution) -> None:
        """Add an execution, replacing the previous one of the same cell; bounded."""
        self._last_seq += 1
        execution.seq = self._last_seq
        if execution.cell_id is not None:
            for old in [e for e in self._executions if e.cell_id == execution.cell_id]:
                self._drop(old)
        self._executions.append(execution)
        if execution.msg_id is not None:
            self._by_msg[execution.msg_id] = execution
        while len(self._executions) > 1 and (
            len(self._executions) > MAX_EXECUTIONS
            or sum(e.chars for e in self._executions) > MAX_RECORDED_CHARS
        ):
            self._drop(self._executions[0])
            self.dropped += 1

    def _drop(self, execution: CellExecution) -> None:
        self._executions.remove(execution)
        if execution.msg_id is not None and self._by_msg.get(execution.msg_id) is execution:
            del self._by_msg[execution.msg_id]

    def _heard(self, msg_type: str, content: Mapping[str, Any], parent: Mapping[str, Any]) -> None:
        """An output message on its way to the front-end (any thread)."""
        with self._lock:
            execution = self._by_msg.get(parent.get("msg_id", ""))
            if msg_type == "update_display_data":
                self._update_display(content)
                return
            if execution is None:
                return
            if msg_type == "clear_output":
                execution.clear(wait=bool(content.get("wait")))
                return
            transient = content.get("transient") or {}
            kept = {k: v for k, v in content.items() if k != "transient"}
            output = Output(msg_type, kept, transient.get("display_id"))
            execution.add(output)
            if output.display_id is not None:
                self._index_display(execution, output)

    def _missed(self) -> None:
        with self._lock:
            self.missed += 1

    def _index_display(self, execution: CellExecution, output: Output) -> None:
        shown = self._displays.setdefault(output.display_id or "", [])
        shown.append((execution, output))
        if len(shown) >= 16 and len(shown) & (len(shown) - 1) == 0:  # at 16, 32, 64...
            # Forget outputs cleared or let go since, so a display re-shown in a loop stays small.
            alive = set(map(id, self._executions))
            owners = {id(e): e for e, _ in shown if id(e) in alive}
            present = {id(o) for e in owners.values() for o in e.outputs}
            shown[:] = [(e, o) for e, o in shown if id(e) in owners and id(o) in present]

    def _update_display(self, content: Mapping[str, Any]) -> None:
        display_id = (content.get("transient") or {}).get("display_id")
        for _, output in self._displays.get(display_id or "", []):
            output.content = {
                **output.content,
                "data": content.get("data", {}),
                "metadata": content.get("metadata", {}),
            }


class _Tap:
    """``Session.send`` of the kernel, telling the recorder of each output message first."""

    def __init__(
        self,
        send: Callable[..., Any],
        heard: Callable[[str, Mapping[str, Any], Mapping[str, Any]], None],
        missed: Callable[[], None],
    ) -> None:
        self._send = send
        self._heard = heard
        self._missed = missed

    def __call__(self, stream: Any, msg_or_type: Any, content: Any = None, parent: Any = None,
                 *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        try:
            self._tell(msg_or_type, content, parent)
        except Exception:
            # Recording never breaks the kernel's output; the snapshot says it missed some.
            log.exception("Recording an output message failed")
            self._missed()
        return self._send(stream, msg_or_type, content, parent, *args, **kwargs)

    def _tell(self, msg_or_type: Any, content: Any, parent: Any) -> None:
        if isinstance(msg_or_type, dict):
            msg_type = msg_or_type.get("msg_type") or msg_or_type.get("header", {}).get("msg_type")
            content = msg_or_type.get("content")
            header = msg_or_type.get("parent_header") or {}
        else:
            msg_type = msg_or_type
            header = (parent or {}).get("header", parent) or {}
        if msg_type in OUTPUT_MESSAGES | {"clear_output", "update_display_data"}:
            self._heard(msg_type, content or {}, header)


# -- the snapshot ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuiltSnapshot:
    """A notebook snapshot and why it cannot be fully trusted, if it cannot.

    Attributes:
        notebook: The notebook (an ``nbformat`` node).
        warning: One sentence for the run's ``mlx.notebook.snapshot_warning`` tag, or None.
    """

    notebook: Any
    warning: str | None


def build_snapshot(
    saved: Mapping[str, Any] | None,
    executions: Iterable[CellExecution],
    *,
    hears_outputs: bool = True,
    missed: int = 0,
    dropped: int = 0,
    since: int | None = None,
    language_info: Mapping[str, Any] | None = None,
    render_widget: Callable[[str], Mapping[str, str] | None] | None = None,
) -> BuiltSnapshot:
    """The notebook as it ran: ``saved``'s cells with each code cell's last execution.

    Code cells that did not run in this kernel keep their saved source, without outputs.

    Args:
        saved: The notebook file's JSON; None when it cannot be read (only executed cells).
        executions: What the kernel ran, in order (:meth:`CellRecorder.executions`).
        hears_outputs: Whether the shell publishes outputs (:attr:`CellRecorder.hears_outputs`).
        missed: Output messages the recorder failed to record (:attr:`CellRecorder.missed`).
        dropped: Executions the recorder let go (:attr:`CellRecorder.dropped`).
        since: :attr:`CellExecution.seq` of the run's first execution
            (:meth:`CellRecorder.position` when it started); earlier executions of cells below
            the one that started the run are left out. None keeps every execution.
        language_info: The kernel's, for a notebook built without a saved file.
        render_widget: Model id -> a static mime bundle of that widget (the snapshot cannot
            hold live widgets); None keeps the widget's text form.
    """
    import nbformat

    if saved is not None:
        notebook = nbformat.from_dict(copy.deepcopy(dict(saved)))
        notebook = nbformat.v4.upgrade(notebook) if notebook.get("nbformat", 4) < 4 else notebook
    else:
        notebook = nbformat.v4.new_notebook()
        if language_info:
            notebook.metadata["language_info"] = dict(language_info)
    cells = list(notebook.cells)
    for cell in cells:
        if isinstance(cell.get("source"), list):  # as stored on disk: a list of lines
            cell.source = "".join(cell.source)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    placed, following = _place(cells, list(executions), since)
    unrecorded: list[CellExecution] = []
    truncated = 0

    def code_cell(execution: CellExecution, cell: Any = None) -> Any:
        nonlocal truncated
        cell = cell if cell is not None else nbformat.v4.new_code_cell()
        if cell.get("source", "").rstrip() != execution.source.rstrip():
            cell.source = execution.source
        cell.execution_count = execution.execution_count
        cell.outputs = [_node(output, render_widget) for output in execution.outputs]
        if not execution.recorded:
            unrecorded.append(execution)
        truncated += execution.truncated
        return cell

    result = [code_cell(e) for e in following.get(-1, [])]
    for index, cell in enumerate(cells):
        result.append(code_cell(placed[index], cell) if index in placed else cell)
        result.extend(code_cell(e) for e in following.get(index, []))
    notebook.cells = result
    _give_ids(notebook)
    return BuiltSnapshot(notebook, _warning(unrecorded, truncated, hears_outputs, missed, dropped))


def _place(
    cells: list[Any], executions: list[CellExecution], since: int | None
) -> tuple[dict[int, CellExecution], dict[int, list[CellExecution]]]:
    """Which saved cell each execution ran as, and where the others go.

    Executions from before ``since`` (the run's first execution) are kept only for cells above
    the cell that started the run: the set-up the run stands on (parameters, imports, data),
    not the cells below it that ran for an earlier run.

    Returns:
        Cell index -> its last execution; and cell index (-1: the top) -> executions that match
        no saved cell and ran after that cell's.
    """
    by_id = {cell.get("id"): i for i, cell in enumerate(cells) if cell.cell_type == "code"}
    placed: dict[int, CellExecution] = {}
    following: dict[int, list[CellExecution]] = {}
    #: Where each execution went, as a position in the notebook (unplaced: after the anchor).
    positions: list[tuple[CellExecution, float]] = []
    anchor = -1
    for execution in executions:
        if execution.cell_id is not None and execution.cell_id in by_id:
            index: int | None = by_id[execution.cell_id]
        else:
            index = _same_source(cells, execution.source, anchor, placed)
        if index is None:
            following.setdefault(anchor, []).append(execution)
            positions.append((execution, anchor + 0.5))
            continue
        placed[index] = execution
        positions.append((execution, index))
        anchor = index
    if since is not None:
        # Where the run started; when its cells match nothing saved, only they belong to it.
        start = next((at for e, at in positions if e.seq >= since), -1.0)
        for execution, at in positions:
            if execution.seq >= since or at < start:
                continue
            if placed.get(int(at)) is execution:
                del placed[int(at)]
            for kept in following.values():
                kept[:] = [other for other in kept if other is not execution]
    return placed, following


def _same_source(
    cells: list[Any], source: str, anchor: int, placed: Mapping[int, CellExecution]
) -> int | None:
    """The saved code cell an execution without cell id ran as: same source, next in order."""
    # IPython's history (cells run before the recorder) keeps sources without trailing newlines.
    source = source.rstrip()
    same = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.rstrip() == source]
    free = [i for i in same if i not in placed]
    after = [i for i in free if i > anchor]
    if after:
        return after[0]
    if free:
        return free[0]
    return None


def _node(output: Output, render_widget: Callable[[str], Mapping[str, str] | None] | None) -> Any:
    import nbformat

    content = output.content
    if render_widget is not None and WIDGET_VIEW in content.get("data", {}):
        model_id = content["data"][WIDGET_VIEW].get("model_id", "")
        bundle = render_widget(model_id)
        if bundle is not None:
            text = content["data"].get("text/plain", "")
            content = {**content, "data": {"text/plain": text, **bundle}}
    message = {"header": {"msg_type": output.msg_type}, "content": content}
    if output.msg_type == "execute_result":
        message["content"] = {"execution_count": None, "metadata": {}, **content}
    elif output.msg_type == "display_data":
        message["content"] = {"metadata": {}, **content}
    return nbformat.v4.output_from_msg(message)


def _give_ids(notebook: Any) -> None:
    """Cell ids for every cell (nbformat 4.5), as cells added to the snapshot have one."""
    from nbformat.corpus.words import generate_corpus_id

    if (notebook.nbformat, notebook.nbformat_minor) < (4, 5):
        notebook.nbformat_minor = 5
    for cell in notebook.cells:
        if not cell.get("id"):
            cell["id"] = generate_corpus_id()


def _warning(
    unrecorded: list[CellExecution], truncated: int, hears_outputs: bool, missed: int, dropped: int
) -> str | None:
    sentences = []
    if unrecorded and not hears_outputs:
        sentences.append(
            "This shell publishes no outputs to a notebook: the snapshot holds the sources "
            "that ran, without outputs."
        )
    elif unrecorded:
        counts = sorted(e.execution_count for e in unrecorded if e.execution_count)
        cells = f"In [{counts[0]}]" if len(counts) == 1 else f"In [{counts[0]}]-[{counts[-1]}]"
        sentences.append(
            f"{cells if counts else 'Some cells'} ran before `%load_ext jupyter_mlx`: "
            "their sources are as run, their outputs were not recorded."
        )
    if truncated:
        sentences.append(
            f"Outputs of {truncated} cell{'s' if truncated > 1 else ''} passed "
            f"{MAX_CELL_OUTPUT_CHARS:,} characters and were cut."
        )
    if dropped:
        noun = "execution" if dropped == 1 else "executions"
        sentences.append(
            f"The kernel let go of {dropped} earlier {noun} to bound its memory; the cells "
            "concerned show without outputs."
        )
    if missed:
        sentences.append(
            f"{missed} output message{'s' if missed > 1 else ''} could not be recorded "
            "(the kernel's log says why)."
        )
    return " ".join(sentences) or None


def widget_bundle(model_id: str) -> dict[str, str] | None:
    """A static HTML form of a live ipywidget (HTML, labels, boxes, progress bars), or None."""
    import sys

    module = sys.modules.get("ipywidgets.widgets.widget")
    if module is None:
        return None
    widget = getattr(module, "_instances", {}).get(model_id)
    html = _widget_html(widget) if widget is not None else None
    return {"text/html": html} if html is not None else None


def _widget_html(widget: Any) -> str | None:
    from html import escape

    import ipywidgets

    if isinstance(widget, ipywidgets.HTML | ipywidgets.HTMLMath):
        return str(widget.value)
    if isinstance(widget, ipywidgets.Label):
        return f"<span>{escape(str(widget.value))}</span>"
    if isinstance(widget, ipywidgets.FloatProgress | ipywidgets.IntProgress):
        return f'<progress value="{widget.value}" max="{widget.max}"></progress>'
    if isinstance(widget, ipywidgets.Box):
        parts = [html for child in widget.children if (html := _widget_html(child)) is not None]
        direction = "row" if isinstance(widget, ipywidgets.HBox) else "column"
        return (
            f'<div style="display:flex;flex-direction:{direction};gap:0.25em">'
            f"{''.join(parts)}</div>"
        )
    return None
