"""What a kernel ran, as its notebook snapshot shows it: sources, outputs, cell order, warnings.

A real IPython shell runs the cells; the kernel's message session (the wire to the front-end) is
the one stand-in: it hands each message to the recorder's tap and keeps it, as ipykernel's would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_mlx.tracking.recorder import (
    MAX_CELL_OUTPUT_CHARS,
    CellExecution,
    CellRecorder,
    Output,
    build_snapshot,
    widget_bundle,
)

_ids = itertools.count()


class Wire:
    """The kernel's session: ``send`` is what ipykernel's iostream and display hooks call."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, stream: Any, msg_or_type: Any, content: Any = None, parent: Any = None,
             **kwargs: Any) -> None:  # fmt: skip
        self.sent.append((msg_or_type, content))


class Kernel:
    """What the recorder reads of ipykernel's kernel: its session and the current request."""

    def __init__(self) -> None:
        self.session = Wire()
        self.request: dict[str, Any] = {}

    def get_parent(self, channel: str) -> dict[str, Any]:
        return self.request


class Shell:
    """A real IPython shell with a kernel attached: cells run, outputs go over the wire."""

    def __init__(self) -> None:
        self.ip = new_shell()
        self.kernel = Kernel()
        self.ip.kernel = self.kernel  # type: ignore[attr-defined]
        self.recorder = CellRecorder.install(self.ip)

    def run(self, source: str, cell_id: str | None = None, *outputs: tuple[str, dict]) -> None:
        """Run a cell as JupyterLab would, with the outputs the kernel publishes meanwhile."""
        header = {"msg_id": f"request-{next(_ids)}"}
        self.kernel.request = {"header": header}
        tap = self.kernel.session.send

        def publish(info: Any) -> None:  # runs once the cell has started, as its code would
            for msg_type, content in outputs:
                tap(None, msg_type, content, header)

        self.ip.events.register("pre_run_cell", publish)
        try:
            self.ip.run_cell(source, store_history=True, cell_id=cell_id)
        finally:
            self.ip.events.unregister("pre_run_cell", publish)


def new_shell() -> InteractiveShell:
    """A shell of its own (not IPython's process-wide one), with its history in memory."""
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    return InteractiveShell(config=config)


@pytest.fixture
def shell() -> Iterator[Shell]:
    shell = Shell()
    yield shell
    shell.recorder.uninstall()


def stream(text: str, name: str = "stdout") -> tuple[str, dict]:
    return "stream", {"name": name, "text": text}


def display(text: str, display_id: str | None = None) -> tuple[str, dict]:
    content: dict[str, Any] = {"data": {"text/plain": text}, "metadata": {}}
    if display_id:
        content["transient"] = {"display_id": display_id}
    return "display_data", content


def saved_notebook(*cells: Any) -> dict[str, Any]:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def code(source: str, cell_id: str, outputs: list | None = None) -> Any:
    cell = nbformat.v4.new_code_cell(source, id=cell_id)
    cell.outputs = outputs or []
    cell.execution_count = 99 if outputs else None
    return cell


def texts(cell: Any) -> list[str]:
    return [o.get("text") or o.get("data", {}).get("text/plain") for o in cell.outputs]


def test_a_code_cell_holds_the_source_and_outputs_that_ran(shell: Shell):
    # Given a saved notebook whose outputs come from an earlier run, and an edited cell
    saved = saved_notebook(
        code("lr = 0.01", "params", outputs=[nbformat.v4.new_output("stream", text="old\n")]),
        nbformat.v4.new_markdown_cell("# Train", id="title"),
        code("print(lr)", "train", outputs=[nbformat.v4.new_output("stream", text="0.01\n")]),
    )
    # When the kernel runs the edited parameters (unsaved) and the training cell
    shell.run("lr = 0.5", "params")
    shell.run("print(lr)", "train", stream("0.5\n"), stream("done\n"))

    built = build_snapshot(saved, shell.recorder.executions())

    cells = built.notebook.cells
    assert [c.cell_type for c in cells] == ["code", "markdown", "code"]
    assert cells[0].source == "lr = 0.5" and cells[0].outputs == []
    assert cells[2].source == "print(lr)" and texts(cells[2]) == ["0.5\ndone\n"]
    assert cells[0].execution_count == 1 and cells[2].execution_count == 2
    assert built.warning is None
    nbformat.validate(built.notebook)


def test_a_cell_run_again_shows_its_last_execution(shell: Shell):
    saved = saved_notebook(code("x = 1", "a"), code("print(x)", "b"))
    shell.run("x = 1", "a")
    shell.run("print(x)", "b", stream("1\n"))
    shell.run("x = 2", "a")
    shell.run("print(x)", "b", stream("2\n"))

    cells = build_snapshot(saved, shell.recorder.executions()).notebook.cells

    assert [c.source for c in cells] == ["x = 2", "print(x)"]
    assert texts(cells[1]) == ["2\n"]
    assert [c.execution_count for c in cells] == [3, 4]


def test_without_cell_ids_cells_match_by_source_in_order(shell: Shell):
    # As nbclient and papermill run a notebook: no cell ids, one injected cell
    saved = saved_notebook(code("lr = 0.01", "p"), code("print(lr)", "t"), code("print(lr)", "u"))
    shell.run("lr = 0.01")
    shell.run("# Parameters\nlr = 0.5\n")
    shell.run("print(lr)", None, stream("0.5\n"))
    shell.run("print(lr)", None, stream("again\n"))

    cells = build_snapshot(saved, shell.recorder.executions()).notebook.cells

    injected = "# Parameters\nlr = 0.5\n"
    assert [c.source for c in cells] == ["lr = 0.01", injected, "print(lr)", "print(lr)"]
    assert [texts(c) for c in cells] == [[], [], ["0.5\n"], ["again\n"]]


def test_cells_that_did_not_run_keep_their_source_without_outputs(shell: Shell):
    stale = [nbformat.v4.new_output("stream", text="from another run\n")]
    saved = saved_notebook(code("a = 1", "a"), code("print('b')", "b", outputs=stale))
    shell.run("a = 1", "a")

    cells = build_snapshot(saved, shell.recorder.executions()).notebook.cells

    assert cells[1].source == "print('b')"
    assert cells[1].outputs == [] and cells[1].execution_count is None


def test_a_new_unsaved_cell_follows_the_cell_that_ran_before_it(shell: Shell):
    saved = saved_notebook(code("a = 1", "a"), code("b = 2", "b"))
    shell.run("a = 1", "a")
    shell.run("print('new')", "never-saved", stream("new\n"))
    shell.run("b = 2", "b")

    cells = build_snapshot(saved, shell.recorder.executions()).notebook.cells

    assert [c.source for c in cells] == ["a = 1", "print('new')", "b = 2"]
    assert texts(cells[1]) == ["new\n"]


def test_clear_output_and_display_updates_are_applied(shell: Shell):
    saved = saved_notebook(code("progress()", "p"))
    shell.run(
        "progress()",
        "p",
        display("step 1", "bar"),
        stream("noise\n"),
        ("clear_output", {"wait": True}),
        stream("kept\n"),
        ("update_display_data", {"data": {"text/plain": "step 9"}, "metadata": {},
                                 "transient": {"display_id": "bar"}}),
    )  # fmt: skip
    cells = build_snapshot(saved, shell.recorder.executions()).notebook.cells
    assert texts(cells[0]) == ["kept\n"]

    shell.run(
        "bar()",
        "q",
        display("0%", "bar2"),
        ("update_display_data", {"data": {"text/plain": "100%"}, "metadata": {},
                                 "transient": {"display_id": "bar2"}}),
    )  # fmt: skip
    (q,) = build_snapshot(saved, shell.recorder.executions()).notebook.cells[1:]
    assert texts(q) == ["100%"]


def test_outputs_past_the_limit_are_cut_and_the_snapshot_says_so(shell: Shell):
    saved = saved_notebook(code("spam()", "s"))
    shell.run("spam()", "s", stream("x" * MAX_CELL_OUTPUT_CHARS), stream("more\n"))

    built = build_snapshot(saved, shell.recorder.executions())

    assert texts(built.notebook.cells[0]) == ["x" * MAX_CELL_OUTPUT_CHARS]
    assert built.warning == (
        f"Outputs of 1 cell passed {MAX_CELL_OUTPUT_CHARS:,} characters and were cut."
    )


def test_cells_that_ran_before_the_recorder_are_flagged():
    ip = new_shell()
    ip.kernel = Kernel()  # type: ignore[attr-defined]
    ip.run_cell("lr = 0.01", store_history=True)
    ip.run_cell("seed = 0", store_history=True)
    recorder = CellRecorder.install(ip)
    saved = saved_notebook(code("lr = 0.01", "p"), code("seed = 0", "s"))

    built = build_snapshot(saved, recorder.executions())

    assert [c.source for c in built.notebook.cells] == ["lr = 0.01", "seed = 0"]
    assert built.warning == (
        "In [1]-[2] ran before `%load_ext jupyter_mlx`: their sources are as run, "
        "their outputs were not recorded."
    )
    recorder.uninstall()


def test_a_shell_without_a_kernel_records_sources_only():
    ip = new_shell()
    recorder = CellRecorder.install(ip)
    ip.run_cell("print('hi')", store_history=True)

    built = build_snapshot(None, recorder.executions(), hears_outputs=recorder.hears_outputs)

    (cell,) = built.notebook.cells
    assert cell.source == "print('hi')" and cell.outputs == []
    assert (built.warning or "").startswith("This shell publishes no outputs")
    recorder.uninstall()


def test_a_failed_recording_is_flagged_not_raised(shell: Shell):
    saved = saved_notebook(code("x = 1", "x"))
    # A message the recorder cannot read still reaches the front-end
    shell.run("x = 1", "x", ("stream", ["not", "a", "mapping"]))  # type: ignore[arg-type]

    built = build_snapshot(saved, shell.recorder.executions(), missed=shell.recorder.missed)

    assert shell.kernel.session.sent == [("stream", ["not", "a", "mapping"])]
    assert built.warning == "1 output message could not be recorded (the kernel's log says why)."


def test_widgets_become_their_static_html():
    import ipywidgets

    box = ipywidgets.VBox([ipywidgets.HTML("<b>run</b>"), ipywidgets.Label("a < b")])
    view = {"model_id": box.model_id, "version_major": 2, "version_minor": 0}
    execution = CellExecution(source="box", cell_id="w", msg_id="m", execution_count=1)
    data = {"text/plain": "VBox()", "application/vnd.jupyter.widget-view+json": view}
    execution.add(Output("display_data", {"data": data, "metadata": {}}))

    (cell,) = build_snapshot(
        saved_notebook(code("box", "w")), [execution], render_widget=widget_bundle
    ).notebook.cells

    (output,) = cell.outputs
    assert set(output.data) == {"text/plain", "text/html"}
    assert "<b>run</b>" in output.data["text/html"] and "a &lt; b" in output.data["text/html"]
    assert widget_bundle("no-such-model") is None
    box.close()


def test_uninstall_restores_the_kernel_session(shell: Shell):
    session = shell.kernel.session

    shell.recorder.uninstall()

    assert "send" not in vars(session)
    assert CellRecorder.of(shell.ip) is None
    shell.recorder = CellRecorder.install(shell.ip)


def test_old_executions_are_let_go_and_the_snapshot_says_so(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
):
    from jupyter_mlx.tracking import recorder

    monkeypatch.setattr(recorder, "MAX_EXECUTIONS", 2)
    saved = saved_notebook(code("a = 1", "a"), code("b = 2", "b"), code("c = 3", "c"))
    for source, cell_id in (("a = 1", "a"), ("b = 2", "b"), ("c = 3", "c")):
        shell.run(source, cell_id, stream(f"{cell_id}\n"))

    built = build_snapshot(saved, shell.recorder.executions(), dropped=shell.recorder.dropped)

    assert [texts(c) for c in built.notebook.cells] == [[], ["b\n"], ["c\n"]]
    assert built.warning == (
        "The kernel let go of 1 earlier execution to bound its memory; the cells concerned show "
        "without outputs."
    )


def test_a_run_keeps_the_set_up_above_it_and_only_its_own_cells_below(shell: Shell):
    saved = saved_notebook(
        code("lr = 0.01", "params"),
        code("%mlx_track", "start"),
        code("print('train')", "train"),
        code("print('after stop')", "after"),
    )
    # A first Run All, then a second that has not reached the last cell yet
    for cell_id, source in (("params", "lr = 0.01"), ("start", "%mlx_track")):
        shell.run(source, cell_id)
    shell.run("print('train')", "train", stream("first train\n"))
    shell.run("print('after stop')", "after", stream("first after\n"))
    shell.run("lr = 0.5", "params")
    since = shell.recorder.position()
    shell.run("%mlx_track", "start")
    shell.run("print('train')", "train", stream("second train\n"))

    cells = build_snapshot(saved, shell.recorder.executions(), since=since).notebook.cells

    assert cells[0].source == "lr = 0.5"
    assert [texts(c) for c in cells] == [[], [], ["second train\n"], []]
    assert cells[3].execution_count is None


def test_cells_stored_as_lists_of_lines_match_by_source(shell: Shell):
    import json

    saved = json.loads(nbformat.writes(saved_notebook(code("a = 1\nb = 2", "x"))))
    assert isinstance(saved["cells"][0]["source"], list)
    shell.run("a = 1\nb = 2", None, stream("ran\n"))

    (cell,) = build_snapshot(saved, shell.recorder.executions()).notebook.cells

    assert texts(cell) == ["ran\n"]
