"""What ``%mlx_run`` and ``%mlx_jobs`` show: a live job run with a progress bar, and a live
table of recent runs. Elsewhere than in a notebook front-end, a line or a table of text.

A daemon thread reads the server's API every :data:`POLL_INTERVAL_S` seconds until what it
shows has ended, or until :data:`MAX_FAILED_READS` reads in a row fail (it then says so).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from html import escape
from typing import Any

from ..errors import MLXError
from ..tracking.widget import command_link
from .schemas import FINAL_STATUSES, JobRun

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.5
MAX_FAILED_READS = 20
OPEN_JOB_RUN_COMMAND = "mlx:open-job-run"
"""JupyterLab command (registered by the jupyter-mlx front-end) that opens a job run's view."""

_COLOURS = {
    "queued": "var(--jp-ui-font-color2, #757575)",
    "running": "var(--jp-info-color1, #0288d1)",
    "succeeded": "var(--jp-success-color1, #388e3c)",
    "failed": "var(--jp-error-color1, #d32f2f)",
    "timed_out": "var(--jp-error-color1, #d32f2f)",
    "stopped": "var(--jp-warn-color1, #f57c00)",
    "interrupted": "var(--jp-warn-color1, #f57c00)",
}


def status_text(run: JobRun) -> str:
    """``running cell 2 of 5``, ``queued for retry 1 of 2``, ``failed: Cell In [4] raised ...``."""
    text: str = run.status
    if run.progress is not None:
        text += f" cell {run.progress.cell} of {run.progress.total}"
    if run.status == "queued" and run.attempt:
        text += f" for retry {run.attempt} of {run.retries}"
    elif run.attempt > 1:
        text += f" (attempt {run.attempt} of {run.retries + 1})"
    if run.status in FINAL_STATUSES and run.error is not None:
        text += f": {run.error.message}"
    return text


def run_line(run: JobRun) -> str:
    """A job run in one line of text."""
    return f"Job run {run.id[:8]} of {run.notebook}: {status_text(run)}"


def run_html(run: JobRun) -> str:
    colour = _COLOURS.get(run.status, "inherit")
    link = command_link(OPEN_JOB_RUN_COMMAND, {"job_run_id": run.id}, "Open in JupyterLab")
    return (
        f"<div><b>Job run {escape(run.id[:8])}</b> of <code>{escape(run.notebook)}</code>: "
        f"<span style='color:{colour}'>{escape(status_text(run))}</span> {link}</div>"
    )


def runs_table_html(runs: list[JobRun]) -> str:
    """Recent job runs as an HTML table, each linking to its view."""
    if not runs:
        return "<p>No job runs.</p>"
    rows = "".join(
        f"<tr><td>{command_link(OPEN_JOB_RUN_COMMAND, {'job_run_id': r.id}, r.id[:8])}</td>"
        f"<td><code>{escape(r.notebook)}</code></td>"
        f"<td style='color:{_COLOURS.get(r.status, 'inherit')}'>{escape(status_text(r))}</td>"
        f"<td>{escape(r.created_at.astimezone().strftime('%Y-%m-%d %H:%M:%S'))}</td></tr>"
        for r in runs
    )
    head = "<tr><th>Run</th><th>Notebook</th><th>Status</th><th>Created</th></tr>"
    return f"<table class='jp-mlx-JobRuns'>{head}{rows}</table>"


class Poller:
    """A daemon thread calling ``read`` until ``done(result)``, handing each result to
    ``show``; after too many failed reads it shows ``on_give_up(message)`` and stops."""

    def __init__(
        self,
        read: Callable[[], Any],
        show: Callable[[Any], None],
        done: Callable[[Any], bool],
        on_give_up: Callable[[str], None],
        interval: float = POLL_INTERVAL_S,
    ) -> None:
        self._read, self._show, self._done, self._give_up = read, show, done, on_give_up
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._follow, name="mlx-job-poller", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def stop(self) -> None:
        self._stopping.set()

    def _follow(self) -> None:
        failures = 0
        while not self._stopping.wait(self._interval):
            try:
                result = self._read()
            except MLXError as exc:
                failures += 1
                if failures >= MAX_FAILED_READS:
                    self._give_up(f"Live refresh stopped after {failures} failed reads: {exc}")
                    return
                continue
            except Exception as exc:
                log.exception("Refreshing job runs failed")
                self._give_up(f"Live refresh stopped: {type(exc).__name__}: {exc}")
                return
            failures = 0
            self._show(result)
            if self._done(result):
                return


class JobRunWidget:
    """A job run with its status and a progress bar (cell n of m); updated from any thread."""

    def __init__(self, run: JobRun) -> None:
        import ipywidgets

        self.run = run
        self.header = ipywidgets.HTML(run_html(run))
        self.bar = ipywidgets.IntProgress(min=0, max=1, value=0)
        self.note = ipywidgets.HTML("")
        self.box = ipywidgets.VBox([self.header, self.bar, self.note])
        self.box.add_class("jp-mlx-JobRunWidget")
        self._lock = threading.Lock()
        self.update(run)

    def update(self, run: JobRun) -> None:
        with self._lock:
            self.run = run
            header = run_html(run)
            if self.header.value != header:
                self.header.value = header
            if run.progress is not None:
                self.bar.max = run.progress.total
                self.bar.value = run.progress.cell - 1
            elif run.status == "succeeded":
                self.bar.value = self.bar.max
            style = {"succeeded": "success", "running": "info", "queued": ""}
            self.bar.bar_style = style.get(run.status, "danger")

    def say(self, text: str) -> None:
        self.note.value = f"<i>{escape(text)}</i>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = run_line(self.run)
        return bundle


class JobRunsWidget:
    """A table of recent job runs, refreshed while any of them is queued or running."""

    def __init__(self, runs: list[JobRun]) -> None:
        import ipywidgets

        self.runs = runs
        self.table = ipywidgets.HTML(runs_table_html(runs))
        self.note = ipywidgets.HTML("")
        self.box = ipywidgets.VBox([self.table, self.note])

    def update(self, runs: list[JobRun]) -> None:
        self.runs = runs
        html = runs_table_html(runs)
        if self.table.value != html:
            self.table.value = html

    def say(self, text: str) -> None:
        self.note.value = f"<i>{escape(text)}</i>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = "\n".join(run_line(run) for run in self.runs)
        return bundle


def all_ended(runs: list[JobRun]) -> bool:
    return all(run.status in FINAL_STATUSES for run in runs)
