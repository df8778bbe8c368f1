"""IPython magics of jupyter-mlx (``%load_ext jupyter_mlx``)."""

from __future__ import annotations

import ast
import json
import os
import sys
import threading
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any, Literal

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .config import Settings
from .errors import MLXError, invalid_input
from .status import DescribeServer, format_status, status_rows

if TYPE_CHECKING:
    from .environments.schemas import Environment, EnvironmentList
    from .jobs.schemas import JobDefinition, SchedulePreview, Sweep


class WorkspaceStatus:
    """Rich display of a workspace's status (text in a console, a table in a notebook)."""

    def __init__(self, status: DescribeServer) -> None:
        self.status = status

    def __repr__(self) -> str:
        return format_status(self.status)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><th style='text-align:left'>{escape(label.capitalize())}</th>"
            f"<td>{escape(value)}</td></tr>"
            for label, value in status_rows(self.status)
        )
        return f"<table class='jp-mlx-WorkspaceStatus'>{body}</table>"


class TrackArgs(BaseModel):
    """Arguments of ``%mlx_track`` / ``%%mlx_track``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    experiment: str | None = None
    run_name: str | None = None
    notebook: str | None = None
    stop: bool = False
    autolog: bool = True
    inputs: list[str] = Field(default_factory=list)


class RunsArgs(BaseModel):
    """Arguments of ``%mlx_runs``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notebook: str | None = None
    max: int = Field(default=100, ge=1, le=1000)
    filter: str | None = None
    compare: list[str] | None = None


def _unquote(value: Any) -> Any:
    """Drop one pair of matching outer quotes (IPython splits magic lines keeping quotes)."""
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _parse(model: type[BaseModel], magic: Any, line: str) -> Any:
    """Parse a magic's arguments into its model; bad values raise a one-line UsageError."""
    namespace = parse_argstring(magic, line)
    try:
        return model(**{key: _unquote(value) for key, value in vars(namespace).items()})
    except ValidationError as exc:
        raise UsageError(invalid_input(exc, name=lambda field: f"--{field}").message) from None


def _options(args: TrackArgs) -> Any:
    from .tracking.session import TrackOptions

    return TrackOptions(
        experiment=args.experiment,
        run_name=args.run_name,
        notebook=args.notebook,
        autolog=args.autolog,
        inputs=tuple(args.inputs),
    )


def say(message: str) -> None:
    """Print one line for the user, marked as coming from jupyter-mlx."""
    # One write, so a kernel never sends the line and its newline as two outputs.
    sys.stdout.write(f"mlx: {message}\n")


@magics_class
class MLXMagics(Magics):
    """Thin IPython faces over the jupyter-mlx services."""

    @property
    def _shell(self) -> Any:
        """The shell these magics are registered with (always set once registered)."""
        if self.shell is None:
            raise UsageError("The jupyter-mlx magics are not registered with a shell.")
        return self.shell

    @magic_arguments()
    @line_magic
    def mlx_status(self, line: str = "") -> WorkspaceStatus | None:
        """%mlx_status: show version, workspace, server, tracking URI and store health."""
        from .client import workspace_status

        parse_argstring(self.mlx_status, line)
        try:
            return WorkspaceStatus(workspace_status(Settings.for_process()))
        except MLXError as exc:
            say(exc.message)
            return None

    @magic_arguments()
    @argument("--experiment", help="Experiment name (default: the notebook path).")
    @argument("--run-name", dest="run_name", help="Run name (default: one MLflow makes up).")
    @argument("--notebook", help="Notebook path, if the kernel cannot tell.")
    @argument("--stop", action="store_true", help="End the tracked run (line magic only).")
    @argument(
        "--no-autolog",
        dest="autolog",
        action="store_false",
        help="Do not turn on mlflow.autolog for the frameworks in use.",
    )
    @argument(
        "--input",
        action="append",
        dest="inputs",
        default=[],
        metavar="PATH",
        help="A file or folder the notebook reads, recorded with its hash (repeatable).",
    )
    @line_cell_magic
    def mlx_track(self, line: str = "", cell: str | None = None) -> Any:
        """Track this notebook in one MLflow run; ``--stop`` ends it with a notebook snapshot.

        As a cell magic, ``%%mlx_track`` tracks only that cell: its run ends when the cell does
        (FAILED if the cell raised; the exception still reaches you). The cell always runs: if
        tracking cannot start, one line says why and the cell runs untracked.
        """
        __tracebackhide__ = True  # a failing cell's traceback starts at the cell, not here
        if cell is None:
            self._track_notebook(_parse(TrackArgs, self.mlx_track, line))
            return None
        try:
            args = _parse(TrackArgs, self.mlx_track, line)
            if args.stop:
                raise UsageError("--stop applies to the line magic: `%mlx_track --stop`.")
        except UsageError as exc:
            say(f"{str(exc).rstrip('.')}. The cell runs untracked.")
            return self._run_cell(cell)
        return self._track_cell(args, cell)

    def _track_notebook(self, args: TrackArgs) -> None:
        from .tracking.session import kernel_session

        if args.stop:
            self._stop_run()
            return
        try:
            started = kernel_session().start(_options(args), self._shell.user_ns)
        except MLXError as exc:
            say(exc.message)
            return
        self._show_start(started)

    def _track_cell(self, args: TrackArgs, cell: str) -> Any:
        __tracebackhide__ = True
        from .tracking.session import FAILED, FINISHED, KILLED, kernel_session

        session = kernel_session()
        try:
            started = session.start(_options(args), self._shell.user_ns, cell=True)
        except MLXError as exc:
            say(f"{exc.message.rstrip('.')}. The cell runs untracked.")
            return self._run_cell(cell)
        self._show_start(started)
        status = FINISHED
        try:
            return self._run_cell(cell)
        except KeyboardInterrupt:
            status = KILLED
            raise
        except BaseException:
            status = FAILED
            raise
        finally:
            if session.run is started.run:
                self._stop_run(status)

    def _show_start(self, started: Any) -> None:
        from .tracking.widget import show_run

        run = started.run
        for note in started.notes:
            say(note)
        if started.resumed:
            say(
                f"Resumed run '{run.run_name}' ({run.run_id}), already tracked by this kernel; "
                "`%mlx_track --stop` ends it."
            )
        show_run(run, resumed=started.resumed)

    def _stop_run(self, status: str = "FINISHED") -> None:
        from .tracking.session import kernel_session
        from .tracking.widget import finish_run, settle_run

        session = kernel_session()
        try:
            if session.run is not None:
                settle_run(session.run, status)
            stopped = session.stop(status)
        except MLXError as exc:
            say(exc.message)
            return
        finish_run(stopped)
        for note in stopped.notes:
            say(note)
        snapshot = f"; notebook snapshot {stopped.snapshot}" if stopped.snapshot else ""
        say(f"Run '{stopped.run.run_name}' ({stopped.run.run_id}) {stopped.status}{snapshot}.")

    def _run_cell(self, cell: str) -> Any:
        """Execute a cell's code in the user namespace; returns its last expression's value."""
        __tracebackhide__ = True
        shell = self._shell
        code = shell.transform_cell(cell)
        # A cached file name lets tracebacks show the cell's lines, as for any other cell; the
        # shell has already counted the running cell, so its number is one less.
        filename = shell.compile.cache(code, max(shell.execution_count - 1, 0), raw_code=cell)
        tree = shell.transform_ast(shell.compile.ast_parse(code, filename))
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        namespace = shell.user_ns
        exec(shell.compile(tree, filename, "exec"), namespace)
        if last is None:
            return None
        return eval(shell.compile(last, filename, "eval"), namespace)

    @magic_arguments()
    @argument("--notebook", help="Notebook whose runs to list (default: this one).")
    @argument("--max", type=int, default=100, help="Most runs listed (default 100).")
    @argument("--filter", help='MLflow search filter, e.g. "metrics.accuracy > 0.9".')
    @argument("--compare", nargs="+", metavar="RUN_ID", help="Compare these runs instead.")
    @line_magic
    def mlx_runs(self, line: str = "") -> Any:
        """List this notebook's runs, newest first (a DataFrame), or compare runs.

        ``%mlx_runs --compare ID ID ...`` charts each metric's history of every run and shows the
        parameters that differ.
        """
        from .tracking.notebook import locate_notebook
        from .tracking.session import compare_runs, kernel_session, search_notebook_runs
        from .tracking.widget import ComparisonView

        args: RunsArgs = _parse(RunsArgs, self.mlx_runs, line)
        try:
            if args.compare:
                return ComparisonView(compare_runs(args.compare))
            tracked = kernel_session().run
            if tracked is not None and not args.notebook:
                notebook = tracked.notebook.relative
            else:
                notebook = locate_notebook(args.notebook, must_exist=False).relative
            return search_notebook_runs(notebook, max_results=args.max, filter_string=args.filter)
        except MLXError as exc:
            say(exc.message)
            return None


class JobArgs(BaseModel):
    """Arguments of ``%mlx_run``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parameters: list[list[str]] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    notebook: str | None = None
    kernel: str | None = None
    env: str | None = None
    inputs: list[str] = Field(default_factory=list)
    timeout: float | None = None
    retries: int = 0
    wait: bool = False


class JobsArgs(BaseModel):
    """Arguments of ``%mlx_jobs``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notebook: str | None = None
    status: str | None = None
    max: int = Field(default=20, ge=1, le=1000)


class ScheduleArgs(BaseModel):
    """Arguments of ``%mlx_schedule``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cron: str
    tz: str = "UTC"
    name: str | None = None
    parameters: list[list[str]] = Field(default_factory=list)
    catchup: Literal["none", "latest", "all"] = "latest"
    notebook: str | None = None


class SweepArgs(BaseModel):
    """Arguments of ``%mlx_sweep``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parameters: list[list[str]] = Field(default_factory=list)
    fixed: list[list[str]] = Field(default_factory=list)
    strategy: Literal["grid", "random", "optuna"] = "grid"
    trials: int | None = None
    metric: str | None = None
    direction: Literal["minimize", "maximize"] = "minimize"
    max_concurrent: int = 2
    seed: int | None = None
    notebook: str | None = None
    wait: bool = True


#: JupyterLab commands (registered by the jupyter-mlx front-end) opening a definition, a sweep.
OPEN_JOB_DEFINITION_COMMAND = "mlx:open-job-definition"
OPEN_SWEEP_COMMAND = "mlx:open-sweep"


class ScheduleView:
    """A job definition just scheduled: its id, schedule in words and next fire times."""

    def __init__(self, job: JobDefinition, preview: SchedulePreview) -> None:
        self.job = job
        self.preview = preview

    def _fire_times(self) -> list[str]:
        """The next fire times on the wall clock of the schedule's zone, named (CET, CEST)."""
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(self.preview.tz)
        return [
            moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z")
            for moment in self.preview.next_fire_times
        ]

    def __repr__(self) -> str:
        job = self.job
        return "\n".join(
            [
                f"Job '{job.name}' ({job.id}) runs {job.notebook} {job.cron} in {job.timezone}: "
                f"{self.preview.description}.",
                "Next fires: " + ", ".join(self._fire_times()) + ".",
            ]
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        from .tracking.widget import command_link

        job = self.job
        link = command_link(OPEN_JOB_DEFINITION_COMMAND, {"job_id": job.id}, "Open in JupyterLab")
        values = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(job.parameters.items()))
        rows = [
            ("Job", f"<b>{escape(job.name)}</b> <code>{escape(job.id)}</code> {link}"),
            ("Notebook", f"<code>{escape(job.notebook)}</code> (a copy taken now)"),
            (
                "Schedule",
                f"<code>{escape(job.cron or '')}</code> in {escape(job.timezone)}: "
                f"{escape(self.preview.description)}",
            ),
            ("Next fires", "<br>".join(escape(text) for text in self._fire_times())),
            ("Catch-up", escape(job.catchup)),
            ("Parameters", escape(values) or "the notebook's defaults"),
        ]
        return {"text/plain": repr(self), "text/html": _facts_html("jp-mlx-ScheduleView", rows)}


def _facts_html(css_class: str, rows: list[tuple[str, str]]) -> str:
    """An HTML table of facts, a label (left) and its HTML cell a row."""
    body = "".join(
        f"<tr><th style='text-align:left;vertical-align:top'>{label}</th><td>{cell}</td></tr>"
        for label, cell in rows
    )
    return f"<table class='{css_class}'>{body}</table>"


def sweep_line(sweep: Sweep) -> str:
    """A sweep in one line of text: ``Sweep 1a2b3c4d of nb.ipynb: running, 2 of 4 ...``."""
    from .jobs.client import sweep_progress

    return f"Sweep {sweep.id[:8]} of {sweep.notebook}: {sweep_progress(sweep)}"


def _trials_html(sweep: Sweep) -> str:
    """A sweep's trials as an HTML table, the best one in bold."""
    if not sweep.trials:
        return ""
    best = sweep.best.number if sweep.best is not None else None
    rows = []
    for trial in sweep.trials:
        values = ", ".join(f"{name}={json.dumps(value)}" for name, value in trial.values.items())
        objective = "-" if trial.objective is None else f"{trial.objective:.6g}"
        weight = "bold" if trial.number == best else "normal"
        rows.append(
            f"<tr style='font-weight:{weight}'><td>{trial.number}</td>"
            f"<td>{escape(trial.run.status)}</td><td>{escape(values)}</td>"
            f"<td>{objective}</td></tr>"
        )
    metric = escape(sweep.metric or "objective")
    head = f"<tr><th>#</th><th>Status</th><th>Values</th><th>{metric}</th></tr>"
    return f"<table class='jp-mlx-SweepTrials'>{head}{''.join(rows)}</table>"


class SweepWidget:
    """A sweep with a progress bar (trials done of all), its best trial so far and its trials;
    updated from any thread."""

    def __init__(self, sweep: Sweep) -> None:
        import ipywidgets

        self.sweep = sweep
        self.header = ipywidgets.HTML()
        self.bar = ipywidgets.IntProgress(min=0, max=max(sweep.total, 1), value=0)
        self.trials = ipywidgets.HTML()
        self.note = ipywidgets.HTML("")
        self.box = ipywidgets.VBox([self.header, self.bar, self.trials, self.note])
        self.box.add_class("jp-mlx-SweepWidget")
        self._lock = threading.Lock()
        self.update(sweep)

    def update(self, sweep: Sweep) -> None:
        from .tracking.widget import command_link

        with self._lock:
            self.sweep = sweep
            link = command_link(OPEN_SWEEP_COMMAND, {"sweep_id": sweep.id}, "Open in JupyterLab")
            header = f"<div>{escape(sweep_line(sweep))} {link}</div>"
            if self.header.value != header:
                self.header.value = header
            trials = _trials_html(sweep)
            if self.trials.value != trials:
                self.trials.value = trials
            self.bar.max = max(sweep.total, 1)
            self.bar.value = sweep.done
            style = {"succeeded": "success", "running": "info"}
            self.bar.bar_style = style.get(sweep.status, "danger")

    def say(self, text: str) -> None:
        self.note.value = f"<i>{escape(text)}</i>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle = self.box._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = sweep_line(self.sweep)
        return bundle


def named_values(*flags: str, dest: str, value: str, help: str) -> Callable[[Any], Any]:
    """A repeatable ``NAME VALUE`` option (``-p lr 0.1 -p epochs 5``), collected as pairs."""
    return argument(
        *flags,
        nargs=2,
        action="append",
        dest=dest,
        default=[],
        metavar=("NAME", value),
        help=help,
    )


@magics_class
class JobMagics(Magics):
    """``%mlx_run``, ``%mlx_jobs``, ``%mlx_schedule`` and ``%mlx_sweep``: job runs, definitions
    and sweeps through the server that owns the workspace."""

    @magic_arguments()
    @named_values(
        "-p",
        "--parameter",
        dest="parameters",
        value="VALUE",
        help="A parameter value (JSON where it parses: 5 is an integer, 2024-01-01 a string).",
    )
    @argument(
        "-f",
        "--parameters-file",
        action="append",
        dest="files",
        default=[],
        help="A YAML file of parameter values.",
    )
    @argument("--notebook", help="Notebook to run (default: this one, as saved).")
    @argument("--kernel", help="Kernelspec (default: the notebook's).")
    @argument("--env", help="Environment of the workspace to run on (instead of --kernel).")
    @argument(
        "--input",
        action="append",
        dest="inputs",
        default=[],
        metavar="PATH",
        help="A file or folder the run reads, relative to the server root (repeatable).",
    )
    @argument("--timeout", type=float, help="Seconds an attempt may take.")
    @argument("--retries", type=int, default=0, help="Attempts after a failed first one.")
    @argument("--wait", action="store_true", help="Wait for the run to end.")
    @line_magic
    def mlx_run(self, line: str = "") -> None:
        """Run this notebook (as saved) as a job with parameters; shows its live status."""
        from .jobs.client import given_parameters
        from .jobs.schemas import FINAL_STATUSES, CreateJobRunRequest
        from .jobs.widget import JobRunWidget, Poller, run_line
        from .tracking.notebook import locate_notebook
        from .tracking.widget import widgets_available

        args: JobArgs = _parse(JobArgs, self.mlx_run, line)
        try:
            jobs = _server_jobs()
            request = CreateJobRunRequest(
                notebook=locate_notebook(args.notebook).relative,
                parameters=dict(given_parameters([(n, v) for n, v in args.parameters], args.files)),
                kernel=args.kernel,
                environment=args.env,
                inputs=args.inputs,
                timeout=args.timeout,
                retries=args.retries,
            )
            run = jobs.create(request)
        except ValidationError as exc:
            say(invalid_input(exc, name=_option).message)
            return
        except MLXError as exc:
            say(exc.message)
            return
        from IPython.display import display

        if not widgets_available():
            say(run_line(run))
            if args.wait:
                say(run_line(jobs.wait(run)))
            return
        widget = JobRunWidget(run)
        poller = Poller(
            read=lambda: jobs.get(run.id),
            show=widget.update,
            done=lambda current: current.status in FINAL_STATUSES,
            on_give_up=widget.say,
        )
        display(widget)
        poller.start()
        if args.wait:
            poller.join()

    @magic_arguments()
    @argument("--notebook", help="Only runs of this notebook.")
    @argument("--status", help="Only runs in this status (e.g. failed).")
    @argument("--max", type=int, default=20, help="Most runs shown (default 20).")
    @line_magic
    def mlx_jobs(self, line: str = "") -> Any:
        """Show the recent job runs, live while any of them is queued or running."""
        from .jobs.schemas import ListJobRunsQuery
        from .jobs.widget import JobRunsWidget, Poller, all_ended, run_line
        from .tracking.widget import widgets_available

        args: JobsArgs = _parse(JobsArgs, self.mlx_jobs, line)
        try:
            query = ListJobRunsQuery.model_validate(
                {
                    "notebook": args.notebook,
                    "status": [args.status] if args.status else [],
                    "max_results": args.max,
                }
            )
            jobs = _server_jobs()
            runs = jobs.list_runs(query).runs
        except ValidationError as exc:
            say(invalid_input(exc, name=lambda field: f"--{field}").message)
            return None
        except MLXError as exc:
            say(exc.message)
            return None
        if not widgets_available():
            say("\n".join(run_line(run) for run in runs) or "No job runs.")
            return None
        widget = JobRunsWidget(runs)
        if not all_ended(runs):
            Poller(
                read=lambda: jobs.list_runs(query).runs,
                show=widget.update,
                done=all_ended,
                on_give_up=widget.say,
            ).start()
        return widget

    @magic_arguments()
    @argument("cron", help='Five-field cron expression, quoted: "0 6 * * 1-5".')
    @argument("--tz", default="UTC", help="IANA time zone it is read in (default UTC).")
    @argument("--name", help="Name of the job (default: the notebook's file name).")
    @named_values(
        "-p",
        "--parameter",
        dest="parameters",
        value="VALUE",
        help="A parameter value of every run (JSON where it parses).",
    )
    @argument(
        "--catchup",
        default="latest",
        help="Fires missed while no scheduler ran: none, latest (default) or all.",
    )
    @argument("--notebook", help="Notebook to schedule (default: this one, as saved).")
    @line_magic
    def mlx_schedule(self, line: str = "") -> ScheduleView | None:
        """Schedule this notebook (a copy of it as saved) to run on cron; shows the job's id,
        its schedule in words and its next five fire times."""
        from .jobs.client import given_parameters
        from .jobs.schemas import CreateJobRequest
        from .tracking.notebook import locate_notebook

        args: ScheduleArgs = _parse(ScheduleArgs, self.mlx_schedule, line)
        try:
            jobs = _server_jobs("jupyter mlx jobs create")
            request = CreateJobRequest(
                notebook=locate_notebook(args.notebook).relative,
                name=args.name,
                cron=args.cron,
                timezone=args.tz,
                parameters=dict(given_parameters([(n, v) for n, v in args.parameters], [])),
                catchup=args.catchup,
            )
            job = jobs.create_job(request)
            return ScheduleView(job, jobs.preview(job.cron, job.timezone))
        except ValidationError as exc:
            say(invalid_input(exc, name=_option).message)
        except MLXError as exc:
            say(exc.message)
        return None

    @magic_arguments()
    @named_values(
        "-p",
        "--parameter",
        dest="parameters",
        value="VALUES",
        help="A varied parameter: V1,V2,... (each JSON where it parses) or LOW:HIGH[:STEP].",
    )
    @named_values("--set", dest="fixed", value="VALUE", help="A fixed value of every trial.")
    @argument("--strategy", default="grid", help="grid (default), random or optuna.")
    @argument("--trials", type=int, help="Trials of a random or optuna search (default 10).")
    @argument("--metric", help="The metric the notebook logs that ranks trials.")
    @argument(
        "--maximize",
        dest="direction",
        action="store_const",
        const="maximize",
        default="minimize",
        help="The best trial has the highest metric (default: the lowest).",
    )
    @argument("--minimize", dest="direction", action="store_const", const="minimize")
    @argument("--max-concurrent", type=int, default=2, help="Trials at once (default 2).")
    @argument("--seed", type=int, help="Seed of random and optuna sampling.")
    @argument("--notebook", help="Notebook to sweep (default: this one, as saved).")
    @argument("--no-wait", dest="wait", action="store_false", help="Return at once.")
    @line_magic
    def mlx_sweep(self, line: str = "") -> None:
        """Run this notebook (as saved) over a parameter space; shows the trials done, the best
        so far and each trial, live, until the sweep ends (at once with ``--no-wait``)."""
        from .jobs.client import given_parameters, sweep_parameter
        from .jobs.schemas import CreateSweepRequest, JobSettings
        from .jobs.widget import Poller
        from .tracking.notebook import locate_notebook
        from .tracking.widget import widgets_available

        args: SweepArgs = _parse(SweepArgs, self.mlx_sweep, line)
        try:
            jobs = _server_jobs("jupyter mlx sweep")
            grid = args.strategy == "grid"
            request = CreateSweepRequest(
                notebook=locate_notebook(args.notebook).relative,
                parameters={
                    name: sweep_parameter(name, text, grid=grid) for name, text in args.parameters
                },
                strategy=args.strategy,
                trials=args.trials,
                metric=args.metric,
                direction=args.direction,
                max_concurrent_runs=args.max_concurrent,
                seed=args.seed,
                base=JobSettings(
                    parameters=dict(given_parameters([(n, v) for n, v in args.fixed], []))
                ),
            )
            sweep = jobs.create_sweep(request)
        except ValidationError as exc:
            say(invalid_input(exc, name=_option).message)
            return
        except MLXError as exc:
            say(exc.message)
            return
        from IPython.display import display

        if not widgets_available():
            say(sweep_line(sweep))
            if args.wait:
                shown = [sweep_line(sweep)]

                def show(current: Sweep) -> None:
                    if sweep_line(current) != shown[-1]:
                        shown.append(sweep_line(current))
                        say(shown[-1])

                show(jobs.wait_sweep(sweep, show))
            return
        widget = SweepWidget(sweep)
        poller = Poller(
            read=lambda: jobs.get_sweep(sweep.id),
            show=widget.update,
            done=lambda current: current.status != "running",
            on_give_up=widget.say,
        )
        display(widget)
        poller.start()
        if args.wait:
            poller.join()


def _option(field: str) -> str:
    """How a magic's option is named to its user: ``--tz``, ``-p lr``."""
    head, _, rest = field.partition(".")
    if head == "parameters" and rest:
        return f"-p {rest.split('.')[0]}"
    named = {
        "timezone": "tz",
        "max_concurrent_runs": "max-concurrent",
        "environment": "env",
        "inputs": "input",
    }
    return "--" + named.get(head, head)


def _server_jobs(command: str = "jupyter mlx run") -> Any:
    """The job runs, definitions and sweeps of the server that owns this kernel's workspace.

    Args:
        command: The command a terminal offers instead, named in the error.

    Raises:
        Unavailable: No server with jupyter-mlx serves it.
    """
    from .errors import Unavailable
    from .jobs.client import ServerJobs

    settings = Settings.for_process()
    jobs = ServerJobs.find(settings)
    if jobs is None:
        raise Unavailable(
            f"No jupyter-mlx server serves {settings.root_dir}: start JupyterLab there, or use "
            f"`{command}` in a terminal."
        )
    return jobs


class EnvArgs(BaseModel):
    """Arguments of ``%mlx_env``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: Literal["list"] | None = None


class KernelEnvironment:
    """The environment this kernel runs on: its state and, when the kernel does not run on
    its current lock, the one-line fix."""

    def __init__(self, environment: Environment, kernel_lock: str | None) -> None:
        from .environments.client import kernel_fix

        self.environment = environment
        self.kernel_lock = kernel_lock
        self.fix = kernel_fix(environment, kernel_lock)

    def _summary(self) -> str:
        environment = self.environment
        summary = f"Environment '{environment.name}' ({environment.flavour}): {environment.state}"
        if environment.lock_sha256:
            summary += f", lock {environment.lock_sha256[:12]} ({environment.packages} packages)"
        if environment.kernel:
            summary += f", kernel {environment.kernel}"
        return summary + "."

    def _changed(self) -> list[str]:
        return [line.as_diff() for line in self.environment.stale_lines]

    def __repr__(self) -> str:
        lines = [self._summary()]
        if self.environment.stale_lines:
            lines.append("Spec lines changed since the lock:")
            lines.extend(f"  {line}" for line in self._changed())
        if self.fix:
            lines.append(self.fix)
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        environment = self.environment
        lock = "not locked"
        if environment.lock_sha256:
            platforms = escape(", ".join(environment.platforms))
            lock = f"<code>{escape(environment.lock_sha256[:12])}</code>"
            lock += f" ({environment.packages} packages, {platforms})"
        rows = [
            ("Environment", f"<b>{escape(environment.name)}</b> ({escape(environment.flavour)})"),
            ("State", escape(environment.state)),
            ("Spec", f"<code>{escape(environment.spec_path)}</code>"),
            ("Lock", lock),
            ("Prefix", f"<code>{escape(environment.prefix)}</code>" if environment.prefix else "-"),
            ("Kernel", escape(environment.kernel or "-")),
        ]
        if self.kernel_lock and self.kernel_lock != environment.installed_lock_sha256:
            rows.append(("This kernel's lock", f"<code>{escape(self.kernel_lock[:12])}</code>"))
        if environment.stale_lines:
            changed = "\n".join(self._changed())
            rows.append(("Changed since the lock", f"<pre>{escape(changed)}</pre>"))
        if environment.error:
            rows.append(("Error", escape(environment.error)))
        if self.fix:
            rows.append(("Fix", f"<b>{escape(self.fix)}</b>"))
        return {
            "text/plain": repr(self),
            "text/html": _facts_html("jp-mlx-KernelEnvironment", rows),
        }


class EnvironmentsView:
    """The workspace's environments, one a line (a table in a notebook)."""

    def __init__(self, listing: EnvironmentList) -> None:
        self.listing = listing

    def __repr__(self) -> str:
        lines = [
            f"{environment.name}: {environment.state} ({environment.flavour}, "
            f"{environment.spec_path})"
            for environment in self.listing.environments
        ] or ["No environments: declare one in envs/NAME/environment.yml."]
        lines += [
            f"Cannot read {problem.spec_path}: {problem.message}"
            for problem in self.listing.problems
        ]
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        head = "<tr><th>Name</th><th>State</th><th>Flavour</th><th>Kernel</th><th>Spec</th></tr>"
        rows = "".join(
            f"<tr><td>{escape(environment.name)}</td><td>{escape(environment.state)}</td>"
            f"<td>{escape(environment.flavour)}</td><td>{escape(environment.kernel or '-')}</td>"
            f"<td><code>{escape(environment.spec_path)}</code></td></tr>"
            for environment in self.listing.environments
        )
        problems = "".join(
            f"<p>Cannot read <code>{escape(problem.spec_path)}</code>: "
            f"{escape(problem.message)}</p>"
            for problem in self.listing.problems
        )
        html = f"<table class='jp-mlx-Environments'>{head}{rows}</table>{problems}"
        if not self.listing.environments:
            html = f"<p>{escape(repr(self))}</p>"
        return {"text/plain": repr(self), "text/html": html}


@magics_class
class EnvironmentMagics(Magics):
    """``%mlx_env``: the environment this kernel runs on, and the workspace's environments."""

    @magic_arguments()
    @argument(
        "command",
        nargs="?",
        help="list: the workspace's environments (default: the one this kernel runs on).",
    )
    @line_magic
    def mlx_env(self, line: str = "") -> KernelEnvironment | EnvironmentsView | None:
        """Show the environment this kernel runs on, its state and, when the kernel does not
        run on its current lock, the one-line fix; ``%mlx_env list`` shows every environment of
        the workspace."""
        from .environments.kernels import ENV_LOCK_VAR, ENV_NAME_VAR

        args: EnvArgs = _parse(EnvArgs, self.mlx_env, line)
        name = os.environ.get(ENV_NAME_VAR)
        if args.command is None and not name:
            say(
                "This kernel runs on no environment of the workspace: pick a kernel "
                "'Python (mlx: NAME)' (`%mlx_env list` shows the environments)."
            )
            return None
        try:
            with _environments() as environments:
                if args.command == "list":
                    return EnvironmentsView(environments.list())
                assert name is not None
                environment = environments.get(name)
        except MLXError as exc:
            say(exc.message)
            return None
        return KernelEnvironment(environment, os.environ.get(ENV_LOCK_VAR))


def _environments() -> Any:
    """The environments of the server that owns this kernel's workspace, else of this process
    (a context manager)."""
    from .config import SERVER_URL_ENV, load_server_config
    from .environments.client import environment_config, environments_for

    settings = Settings.for_process()
    mlx = {} if os.environ.get(SERVER_URL_ENV) else load_server_config()
    return environments_for(settings, environment_config(mlx))


class PromoteArgs(BaseModel):
    """Arguments of ``%mlx_promote``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str | None = None
    name: str
    alias: str
    gates: list[str] = Field(default_factory=list)
    smoke: bool | None = None
    artifact_path: str | None = None
    note: str = ""


class ModelsArgs(BaseModel):
    """Arguments of ``%mlx_models``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None


@magics_class
class ModelMagics(Magics):
    """``%mlx_promote`` and ``%mlx_models``: registered models, through the server that owns
    the workspace when one does, else in this kernel."""

    @magic_arguments()
    @argument("run_id", nargs="?", help="The MLflow run (default: the last this kernel tracked).")
    @argument("--name", required=True, help="Registered model, existing or new.")
    @argument("--alias", required=True, help="Alias to move: champion, staging, ...")
    @argument(
        "--gate",
        action="append",
        dest="gates",
        default=[],
        metavar="'METRIC OP VALUE'",
        help="A metric condition, e.g. 'val_accuracy >= 0.9' or 'loss < champion.loss' "
        "(repeatable; default: the model's default gates).",
    )
    @argument(
        "--smoke",
        dest="smoke",
        action="store_const",
        const=True,
        default=None,
        help="Load the model in a subprocess and predict on its input example first.",
    )
    @argument("--no-smoke", dest="smoke", action="store_const", const=False)
    @argument("--artifact-path", dest="artifact_path", help="Which model of the run.")
    @argument("--note", default="", help="Why, recorded in the alias history.")
    @line_magic
    def mlx_promote(self, line: str = "") -> Any:
        """Promote a run's model: register it as a new version and move an alias to it, behind
        gates; shows each gate as it finishes, then the version the alias points to."""
        from .models.client import kernel_run_id, local_user, models_for
        from .models.schemas import PromoteRequest
        from .models.widget import PromotionView
        from .tracking.widget import widgets_available

        args: PromoteArgs = _parse(PromoteArgs, self.mlx_promote, line)
        live = widgets_available()
        handle: Any = None

        def show(promotion: Any) -> None:
            nonlocal handle
            from IPython.display import display

            if handle is None:
                handle = display(PromotionView(promotion), display_id=True)
            else:
                handle.update(PromotionView(promotion))

        try:
            request = PromoteRequest(
                run_id=args.run_id or kernel_run_id(),
                artifact_path=args.artifact_path,
                name=args.name,
                alias=args.alias,
                gates=args.gates or None,
                smoke=args.smoke,
                note=args.note,
            )
            with models_for(Settings.for_process()) as models:
                promotion = models.promote(
                    request, user=local_user(), on_progress=show if live else _say_gates()
                )
        except ValidationError as exc:
            raise UsageError(invalid_input(exc, name=_option).message) from None
        except MLXError as exc:
            raise UsageError(exc.message) from None
        if handle is not None:
            handle.update(PromotionView(promotion))
            return None
        return PromotionView(promotion)

    @magic_arguments()
    @argument("name", nargs="?", help="A registered model (default: list them all).")
    @line_magic
    def mlx_models(self, line: str = "") -> Any:
        """List the registered models, or show one: its aliases, versions and alias history."""
        from .models.client import models_for
        from .models.schemas import ListModelsQuery
        from .models.widget import ModelsView, ModelView

        args: ModelsArgs = _parse(ModelsArgs, self.mlx_models, line)
        try:
            with models_for(Settings.for_process()) as models:
                if args.name is None:
                    return ModelsView(models.list(ListModelsQuery()))
                model = models.describe(args.name)
                return ModelView(model, models.history(args.name).moves)
        except MLXError as exc:
            raise UsageError(exc.message) from None


def _say_gates() -> Any:
    """An ``on_progress`` saying each gate's verdict in one line as it finishes."""
    from .models.client import GateReporter, gate_line

    return GateReporter(lambda gate: say(f"gate {gate_line(gate)}"))


def register_magics(ipython: Any) -> None:
    """Register the jupyter-mlx magics with an IPython shell and record what its cells run."""
    from .serving.magics import EndpointMagics
    from .tracking.recorder import CellRecorder

    ipython.register_magics(MLXMagics)
    ipython.register_magics(JobMagics)
    ipython.register_magics(EnvironmentMagics)
    ipython.register_magics(ModelMagics)
    ipython.register_magics(EndpointMagics)
    CellRecorder.install(ipython)


def unregister_magics(ipython: Any) -> None:
    """Remove the jupyter-mlx magics from an IPython shell and stop recording its cells."""
    from .serving.magics import EndpointMagics
    from .tracking.recorder import CellRecorder

    recorder = CellRecorder.of(ipython)
    if recorder is not None:
        recorder.uninstall()
    for kind in ("line", "cell"):
        for magics in (MLXMagics, JobMagics, EnvironmentMagics, ModelMagics, EndpointMagics):
            for name in magics.magics[kind]:
                ipython.magics_manager.magics[kind].pop(name, None)


__all__ = ["EnvironmentMagics", "JobMagics", "MLXMagics", "ModelMagics", "register_magics"]
