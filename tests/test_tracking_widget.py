"""The live run widget: how its refresh ends when the tracking store fails, and what it says."""

from __future__ import annotations

import json
import logging
import socket
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jupyter_mlx.tracking.notebook import NotebookRef
from jupyter_mlx.tracking.session import RunComparison, TrackedRun
from jupyter_mlx.tracking.widget import (
    ComparisonView,
    RunMonitor,
    RunState,
    RunWidget,
    command_link,
    header_html,
)

# MLflow 3.17's SQLAlchemy tracking store configures a relationship with the ``noload`` loader
# strategy, which SQLAlchemy 2.1 deprecates; the warning comes from MLflow's code.
pytestmark = pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tracked(tmp_path: Path, run_id: str, tracking_uri: str) -> TrackedRun:
    notebook = NotebookRef(path=tmp_path / "train.ipynb", root=tmp_path)
    return TrackedRun(run_id, "bright-owl", "0", "train.ipynb", notebook, tracking_uri)


@pytest.fixture(scope="module")
def store_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real SQLite store shared by the tests (setting one up takes seconds)."""
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'mlflow.db'}"


def running_run(tmp_path: Path, uri: str) -> TrackedRun:
    """A new RUNNING run with a ``loss`` metric in the store at ``uri``."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    run = client.create_run("0", run_name="bright-owl")
    client.log_metric(run.info.run_id, "loss", 0.25)
    return tracked(tmp_path, run.info.run_id, uri)


def wait_until_stopped(monitor: RunMonitor, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while monitor.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_refresh_stops_after_failed_reads_and_the_widget_says_why(tmp_path: Path) -> None:
    # Given the widget of a run whose tracking server is down
    run = tracked(tmp_path, "a" * 32, f"http://127.0.0.1:{closed_port()}")
    widget = RunWidget(RunState.of(run))
    monitor = RunMonitor(run, widget.update, interval=0.01, max_failures=3)

    # When it has refreshed for a while
    monitor.start()
    wait_until_stopped(monitor)

    # Then it stopped by itself, and its header says why, keeping the last known status
    assert not monitor.is_alive()
    assert monitor.stopped_because is not None
    assert monitor.stopped_because.startswith("Live refresh stopped after 3 failed reads:")
    assert "cannot be reached" in monitor.stopped_because
    assert "Live refresh stopped after 3 failed reads" in widget.header.value
    assert widget.state.status == "RUNNING"


def test_an_unknown_run_stops_the_refresh_with_a_note(tmp_path: Path, store_uri: str) -> None:
    run = running_run(tmp_path, store_uri)
    missing = tracked(tmp_path, "0" * 32, run.tracking_uri)
    seen: list[RunState] = []
    monitor = RunMonitor(missing, seen.append, interval=0.01, max_failures=2)

    monitor.start()
    wait_until_stopped(monitor)

    assert not monitor.is_alive()
    assert [s.note for s in seen] == [monitor.stopped_because]
    assert "0" * 32 in seen[0].note


def test_an_error_that_is_no_tracking_trouble_stops_the_refresh_at_once(
    tmp_path: Path, store_uri: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a running run whose display breaks the first time it is updated
    run = running_run(tmp_path, store_uri)
    seen: list[RunState] = []

    def update(state: RunState) -> None:
        seen.append(state)
        if len(seen) == 1:
            raise ValueError("the front-end went away")

    monitor = RunMonitor(run, update, interval=0.01, max_failures=100)

    # When the monitor runs
    with caplog.at_level(logging.ERROR, logger="jupyter_mlx.tracking.widget"):
        monitor.start()
        wait_until_stopped(monitor)

    # Then it is not retried: one read, then the note, and the traceback in the log
    assert not monitor.is_alive()
    assert [s.metrics for s in seen] == [{"loss": 0.25}, {"loss": 0.25}]
    assert seen[-1].note == "Live refresh stopped: ValueError: the front-end went away"
    assert any(r.exc_info for r in caplog.records)


def test_a_run_that_ends_stops_the_refresh_without_a_note(tmp_path: Path, store_uri: str) -> None:
    from mlflow.tracking import MlflowClient

    run = running_run(tmp_path, store_uri)
    MlflowClient(tracking_uri=run.tracking_uri).set_terminated(run.run_id, "FINISHED")
    widget = RunWidget(RunState.of(run))
    monitor = RunMonitor(run, widget.update, interval=0.01)

    monitor.start()
    wait_until_stopped(monitor)

    assert monitor.stopped_because is None
    assert widget.state.status == "FINISHED"
    assert "jp-mlx-RunWidget-note" not in widget.header.value


# -- command links -------------------------------------------------------------------------------


class Elements(HTMLParser):
    """The start tags of an HTML fragment, with their (unescaped) attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[int, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        if self.tags:
            index = len(self.tags) - 1
            self.text[index] = self.text.get(index, "") + data

    def command_links(self) -> list[tuple[dict[str, str | None], str]]:
        """The elements that JupyterLab's command linker runs a command for, and their text."""
        return [
            (attrs, self.text.get(i, ""))
            for i, (_, attrs) in enumerate(self.tags)
            if "data-commandlinker-command" in attrs
        ]


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    elements.close()
    return elements


def assert_navigates_nowhere(elements: Elements) -> None:
    """No element of the fragment is a link JupyterLab's link handler would open."""
    assert [tag for tag, attrs in elements.tags if "href" in attrs or tag == "a"] == []


def test_a_command_link_is_a_button_that_navigates_nowhere() -> None:
    # Given a command whose arguments need escaping in an HTML attribute
    args = {"run_ids": ["a'b", 'c"d', "<e>&"]}

    # When it becomes a command link
    elements = parse(command_link("mlx:compare-runs", args, "Compare <runs>"))

    # Then it is one keyboard-reachable button, not a link, carrying the command and its args
    assert_navigates_nowhere(elements)
    ((attrs, text),) = elements.command_links()
    assert elements.tags[0][0] == "button"
    assert attrs["type"] == "button"
    assert attrs["data-commandlinker-command"] == "mlx:compare-runs"
    assert json.loads(attrs["data-commandlinker-args"] or "") == args
    assert text == "Compare <runs>"
    # Styled as a link inline (output HTML cannot rely on the extension's CSS), with a plain
    # colour that JupyterLab's sanitizer keeps in untrusted output before the theme's.
    style = attrs["style"] or ""
    assert "cursor:pointer" in style and "border:none" in style
    assert style.index("color:#1976d2") < style.index("color:var(--jp-content-link-color")


def test_the_run_header_opens_the_run_with_a_command_link() -> None:
    state = RunState("abc123", "bright-owl", "team/train.ipynb", "RUNNING")

    elements = parse(header_html(state))

    assert_navigates_nowhere(elements)
    ((attrs, text),) = elements.command_links()
    assert attrs["data-commandlinker-command"] == "mlx:open-run"
    assert json.loads(attrs["data-commandlinker-args"] or "") == {"run_id": "abc123"}
    assert text == "Open in MLX panel"


def test_the_comparison_opens_in_the_panel_with_a_command_link() -> None:
    import pandas as pd

    comparison = RunComparison(
        labels={"a" * 32: "slow", "b" * 32: "fast"}, histories={}, params=pd.DataFrame()
    )

    elements = parse(ComparisonView(comparison)._repr_mimebundle_()["text/html"])

    assert_navigates_nowhere(elements)
    ((attrs, text),) = elements.command_links()
    assert attrs["data-commandlinker-command"] == "mlx:compare-runs"
    assert json.loads(attrs["data-commandlinker-args"] or "") == {"run_ids": ["a" * 32, "b" * 32]}
    assert text == "Compare in MLX panel"
