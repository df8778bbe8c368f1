"""What a notebook shows of tracked runs: a live widget per run, and run comparisons.

In a notebook front-end each started run gets an ipywidget with its name, experiment, status,
a link that opens it in JupyterLab's MLX panel (the front-end's ``mlx:open-run`` command, run
by JupyterLab's command linker) and its latest metric values, refreshed every
:data:`POLL_INTERVAL_S` seconds by a daemon thread until the run ends, or until
:data:`MAX_FAILED_REFRESHES` reads in a row fail, in which case the widget says why it stopped.
Elsewhere (a terminal IPython, papermill) the run is shown as one line of text.

ipywidgets, IPython, MLflow and matplotlib are imported inside functions.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import math
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

from ..errors import MLXError
from .client import SERVER_REQUEST_TIMEOUT_S, TrackingConnection
from .notebook import SESSION_NAME_ENV
from .session import RUNNING, RunComparison, StopResult, TrackedRun

log = logging.getLogger(__name__)

OPEN_RUN_COMMAND = "mlx:open-run"
"""JupyterLab command (registered by the jupyter-mlx front-end) that shows a run in the panel."""

COMPARE_RUNS_COMMAND = "mlx:compare-runs"
"""JupyterLab command that opens the comparison of runs (``run_ids``) in the main area."""

POLL_INTERVAL_S = 2.0
"""Seconds between two refreshes of a live run widget."""

MAX_FAILED_REFRESHES = 10
"""Reads in a row that may fail (a busy store, a dropped connection) before refreshing stops."""

_STATUS_COLOURS = {
    "RUNNING": "var(--jp-info-color1, #0288d1)",
    "FINISHED": "var(--jp-success-color1, #388e3c)",
    "FAILED": "var(--jp-error-color1, #d32f2f)",
    "KILLED": "var(--jp-warn-color1, #f57c00)",
}


@dataclass(frozen=True, slots=True)
class RunState:
    """What the display of a run shows at one moment."""

    run_id: str
    run_name: str
    experiment_name: str
    status: str
    metrics: dict[str, float] = field(default_factory=dict)
    note: str = ""
    """Why the display stopped following the run, when it did."""

    @classmethod
    def of(
        cls, run: TrackedRun, status: str = RUNNING, metrics: Mapping[str, float] | None = None
    ) -> RunState:
        """The state of a tracked run with the given status and metrics."""
        return cls(run.run_id, run.run_name, run.experiment_name, status, dict(metrics or {}))


def fetch_state(client: Any, run: TrackedRun) -> RunState:
    """Read a run's status and latest metric values from the tracking store."""
    found = client.get_run(run.run_id)
    return RunState.of(run, found.info.status, found.data.metrics)


COMMAND_LINK_STYLE = (
    "background:none;border:none;padding:0;cursor:pointer;font-size:100%;font-family:inherit;"
    "text-decoration:underline;color:#1976d2;color:var(--jp-content-link-color,#1976d2)"
)
"""Inline style making a command button look like a link (output HTML cannot rely on our CSS).

The plain colour comes first for JupyterLab's sanitizer, which drops ``var()`` values from
untrusted output; browsers use the theme's link colour that follows it."""


def command_link(command: str, args: Mapping[str, Any], text: str) -> str:
    """A link-styled button that JupyterLab's command linker turns into a run of ``command``.

    The command linker runs the command of any clicked element carrying
    ``data-commandlinker-command``. A button rather than ``<a href="#">``: JupyterLab's link
    handler for rendered HTML opens a relative ``href`` as a file (``GET /api/contents/%23``),
    while a button navigates nowhere, stays reachable by keyboard, and is the one element whose
    command-linker attributes JupyterLab's sanitizer keeps in untrusted output.
    """
    encoded = escape(json.dumps(dict(args)), quote=False).replace("'", "&#x27;")
    return (
        f'<button type="button" class="jp-mlx-CommandLink" style="{COMMAND_LINK_STYLE}" '
        f'data-commandlinker-command="{escape(command)}" '
        f"data-commandlinker-args='{encoded}'>{escape(text)}</button>"
    )


def open_run_link(run_id: str, text: str = "Open in MLX panel") -> str:
    """A command link (:func:`command_link`) running ``mlx:open-run`` for a run when clicked."""
    return command_link(OPEN_RUN_COMMAND, {"run_id": run_id}, text)


def summary_line(state: RunState) -> str:
    """One line naming a run, its experiment and its status."""
    return (
        f"MLflow run '{state.run_name}' ({state.run_id}) in experiment "
        f"'{state.experiment_name}': {state.status}"
    )


def _format_value(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else str(value)


def header_html(state: RunState) -> str:
    """The header of a run display: name, experiment, status and the panel link."""
    colour = _STATUS_COLOURS.get(state.status, "inherit")
    note = f"<div class='jp-mlx-RunWidget-note'>{escape(state.note)}</div>" if state.note else ""
    return (
        "<div class='jp-mlx-RunWidget-header'>"
        f"MLflow run <b>{escape(state.run_name)}</b> "
        f"in experiment <code>{escape(state.experiment_name)}</code> &middot; "
        f"<span style='color:{colour};font-weight:bold'>{escape(state.status)}</span>"
        f" &middot; {open_run_link(state.run_id)}{note}</div>"
    )


def metrics_html(metrics: Mapping[str, float]) -> str:
    """A compact table of the latest metric values (empty text when there are none)."""
    if not metrics:
        return ""
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{escape(key)}</th>"
        f"<td style='text-align:right'>{escape(_format_value(value))}</td></tr>"
        for key, value in sorted(metrics.items())
    )
    return f"<table class='jp-mlx-RunWidget-metrics'>{cells}</table>"


class RunLine:
    """A run shown without widgets: one line of text (or of HTML, with the panel link)."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def __repr__(self) -> str:
        return summary_line(self.state)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": summary_line(self.state), "text/html": header_html(self.state)}


class RunWidget:
    """An ipywidget showing a run; :meth:`update` may be called from any thread."""

    def __init__(self, state: RunState) -> None:
        import ipywidgets

        self.state = state
        self.header = ipywidgets.HTML(header_html(state))
        self.metrics = ipywidgets.HTML(metrics_html(state.metrics))
        self.box = ipywidgets.VBox([self.header, self.metrics])
        self.box.add_class("jp-mlx-RunWidget")
        self._lock = threading.Lock()

    def update(self, state: RunState) -> None:
        """Show a new state; unchanged parts send nothing to the front-end."""
        with self._lock:
            self.state = state
            header, metrics = header_html(state), metrics_html(state.metrics)
            if self.header.value != header:
                self.header.value = header
            if self.metrics.value != metrics:
                self.metrics.value = metrics

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = summary_line(self.state)
        return bundle


class RunMonitor:
    """A daemon thread refreshing a run's display until the run ends or :meth:`stop` is called.

    A read that fails with a tracking error (the store busy or unreachable, each read bounded
    to :data:`~jupyter_mlx.tracking.client.SERVER_REQUEST_TIMEOUT_S` seconds) is tried again
    at the next interval; after ``max_failures`` in a row, or at once on any other error, the
    monitor stops and shows the last state read with a note saying why
    (:attr:`stopped_because`).

    Args:
        run: The run to watch.
        on_update: Called with each state read (from the monitor thread).
        interval: Seconds between two reads.
        max_failures: Failed reads in a row after which refreshing stops.
    """

    def __init__(
        self,
        run: TrackedRun,
        on_update: Callable[[RunState], None],
        interval: float = POLL_INTERVAL_S,
        max_failures: int = MAX_FAILED_REFRESHES,
    ) -> None:
        self.run = run
        self.stopped_because: str | None = None
        self._last = RunState.of(run)
        self._on_update = on_update
        self._interval = interval
        self._max_failures = max_failures
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._follow, name=f"mlx-run-monitor-{run.run_id[:8]}", daemon=True
        )

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def is_alive(self) -> bool:
        """Whether the thread still polls."""
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling and wait for the thread to end."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _follow(self) -> None:
        try:
            self._poll()
        except Exception as exc:
            # Not tracking trouble: a bug, so no retry; the traceback goes to the kernel's log.
            log.exception("Refreshing run %s failed", self.run.run_id)
            self.stopped_because = f"Live refresh stopped: {exc.__class__.__name__}: {exc}"
        if self.stopped_because is not None and not self._stopping.is_set():
            self._on_update(replace(self._last, note=self.stopped_because))

    def _poll(self) -> None:
        """Read until the run ends, :meth:`stop` is called, or too many reads fail."""
        connection = TrackingConnection(
            self.run.tracking_uri, request_timeout_s=SERVER_REQUEST_TIMEOUT_S
        )
        failures = 0
        while not self._stopping.wait(self._interval):
            try:
                with connection.errors():
                    state = fetch_state(connection.client, self.run)
            except MLXError as exc:
                failures += 1
                log.debug("Refreshing run %s failed (%d in a row)", self.run.run_id, failures)
                if failures >= self._max_failures:
                    self.stopped_because = (
                        f"Live refresh stopped after {failures} failed reads: {exc.message}"
                    )
                    return
                continue
            failures = 0
            self._last = state
            self._on_update(state)
            if state.status != RUNNING:
                return


@dataclass(slots=True)
class _LiveRun:
    widget: RunWidget
    monitor: RunMonitor


_LIVE: dict[str, _LiveRun] = {}


def widgets_available(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a notebook front-end that renders widgets is attached to this kernel.

    Jupyter Server sets ``$JPY_SESSION_NAME`` for kernels of open notebooks; job runs
    (``$MLX_JOB_ID``) and kernels of papermill or a terminal have nobody to show widgets to.
    """
    env = os.environ if environ is None else environ
    if not env.get(SESSION_NAME_ENV) or env.get("MLX_JOB_ID"):
        return False
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def show_run(run: TrackedRun, *, resumed: bool = False) -> None:
    """Display a started (or resumed) run: its live widget, or one line of text.

    A resumed run shows its existing widget again (re-running a cell clears its outputs).
    """
    from IPython.display import display

    live = _LIVE.get(run.run_id)
    if live is not None:
        display(live.widget)
        return
    state = RunState.of(run)
    if not widgets_available():
        if not resumed:
            display(RunLine(state))
        return
    widget = RunWidget(state)
    monitor = RunMonitor(run, widget.update)
    _LIVE[run.run_id] = _LiveRun(widget, monitor)
    display(widget)
    monitor.start()


def settle_run(run: TrackedRun, status: str) -> None:
    """Stop a run's live refresh and show its final metrics with ``status``, as it ends.

    Called before the run's notebook snapshot is taken, so the snapshot shows the widget as
    the run ended, not as it was at the last refresh.
    """
    live = _LIVE.get(run.run_id)
    if live is None:
        return
    live.monitor.stop()
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    try:
        metrics = fetch_state(MlflowClient(tracking_uri=run.tracking_uri), run).metrics
    except MlflowException:
        metrics = live.widget.state.metrics
    live.widget.update(RunState.of(run, status, metrics))


def finish_run(result: StopResult) -> None:
    """Show a run's final status and metrics once it has ended."""
    live = _LIVE.pop(result.run.run_id, None)
    if live is None:
        return
    live.monitor.stop()
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    try:
        state = fetch_state(MlflowClient(tracking_uri=result.run.tracking_uri), result.run)
    except MlflowException:
        state = RunState.of(result.run, result.status, live.widget.state.metrics)
    live.widget.update(state)


# -- comparison ----------------------------------------------------------------------------------


class ComparisonView:
    """Runs compared: one chart per metric with every run's history, and the differing params.

    Args:
        comparison: What :func:`jupyter_mlx.tracking.session.compare_runs` collected.
    """

    def __init__(self, comparison: RunComparison) -> None:
        self.comparison = comparison
        self._png: bytes | None = None

    @property
    def params(self) -> Any:
        """The parameters that differ (a pandas DataFrame, one column per run)."""
        return self.comparison.params

    def figure(self) -> Any:
        """A matplotlib Figure with one subplot per metric (None without metrics)."""
        from matplotlib.figure import Figure

        histories = self.comparison.histories
        if not histories:
            return None
        ncols = min(3, len(histories))
        nrows = math.ceil(len(histories) / ncols)
        fig = Figure(figsize=(4.2 * ncols, 3.0 * nrows + 0.6), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        colours = {run_id: f"C{i % 10}" for i, run_id in enumerate(self.comparison.labels)}
        for ax, (key, runs) in zip(axes, sorted(histories.items()), strict=False):
            for run_id, points in runs.items():
                steps = [step for step, _ in points]
                values = [value for _, value in points]
                ax.plot(
                    steps,
                    values,
                    marker="o" if len(points) < 2 else None,
                    color=colours[run_id],
                    label=self.comparison.labels[run_id],
                )
            ax.set_title(key)
            ax.set_xlabel("step")
            ax.grid(alpha=0.3)
        for ax in axes[len(histories) :]:
            ax.set_visible(False)
        handles = [
            _legend_handle(colours[run_id], label)
            for run_id, label in self.comparison.labels.items()
        ]
        fig.legend(handles=handles, loc="outside upper center", ncols=min(4, len(handles)))
        return fig

    def png(self) -> bytes | None:
        """The comparison chart as PNG bytes (None without metrics)."""
        if self._png is None:
            fig = self.figure()
            if fig is None:
                return None
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=96)
            self._png = buffer.getvalue()
        return self._png

    def __repr__(self) -> str:
        labels = ", ".join(self.comparison.labels.values())
        metrics = ", ".join(sorted(self.comparison.histories)) or "none"
        params = self.params
        table = params.to_string() if len(params) else "(none)"
        return f"Runs compared: {labels}\nMetrics: {metrics}\nParameters that differ:\n{table}"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        png = self.png()
        parts = []
        if png is None:
            parts.append("<p>No metrics logged in these runs.</p>")
        else:
            encoded = base64.b64encode(png).decode("ascii")
            parts.append(
                f"<img alt='Metric histories of the compared runs' "
                f"src='data:image/png;base64,{encoded}'/>"
            )
        if len(self.params):
            parts.append("<p>Parameters that differ:</p>")
            parts.append(self.params.to_html(na_rep="\N{EM DASH}"))
        else:
            parts.append("<p>All parameters are equal.</p>")
        link = command_link(
            COMPARE_RUNS_COMMAND, {"run_ids": list(self.comparison.labels)}, "Compare in MLX panel"
        )
        parts.append(f"<p>{link}</p>")
        html = f"<div class='jp-mlx-RunComparison'>{''.join(parts)}</div>"
        return {"text/plain": repr(self), "text/html": html}


def _legend_handle(colour: str, label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([0], [0], color=colour, label=label)
