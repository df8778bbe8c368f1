"""``jupyter mlx``: the command line face of jupyter-mlx.

Each noun is a subcommand; without a running server the CLI builds the same services from
the same configuration (``c.MLXApp.*`` in ``jupyter_server_config``). Reads create nothing: a
folder without a workspace stays without one.

Every command follows one convention. It prints its result on stdout (JSON with ``--json``)
and exits 0; when the work it ran failed (the tracking store cannot be reached) it exits 1;
when its input is refused (an unknown command, option or run, a bad value, no workspace) it
exits 2. A failure or refusal is one line on stderr, ``error: <what to do>``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from jupyter_core.application import JupyterApp, base_aliases, base_flags
from traitlets import Bool, Float, Integer, TraitError, Unicode
from traitlets.config.loader import KVArgParseConfigLoader

from . import __version__
from .config import Settings
from .errors import InvalidInput, MLXError, invalid_input

if TYPE_CHECKING:
    from .jobs.schemas import JobRun
    from .tracking.schemas import DescribeRun, RunSummary

#: Schema fields whose command-line option has another name.
OPTIONS = {"max_results": "max"}

#: Arguments traitlets answers itself (help and version).
HELP_ARGS = frozenset({"-h", "--help", "--help-all", "--version", "-V"})

#: Exit status of a command whose work failed, and of one whose input was refused.
EXIT_FAILED = 1
EXIT_REFUSED = 2

_WORKSPACE_ALIASES = {
    "root-dir": "MLXCommandBase.root_dir",
    "workspace": "MLXCommandBase.workspace",
    "db-url": "MLXCommandBase.db_url",
    "tracking-uri": "MLXCommandBase.tracking_uri",
}

_READ_EXIT_STATUS = (
    "Exit status: 0 on success; 1 when the tracking store cannot be reached; 2 when the input "
    "is refused{what}, or when there is no workspace there (a read creates none)."
)


def _names(keys: Iterable[str | tuple[str, ...]]) -> set[str]:
    """The option names of a traitlets ``aliases`` or ``flags`` table (keys may be tuples)."""
    return {name for key in keys for name in ((key,) if isinstance(key, str) else key)}


class _OneLineLoader(KVArgParseConfigLoader):
    """traitlets' command-line loader, reporting what argparse refuses as one line.

    :meth:`MLXApplication.check_options` refuses bad options first; this covers what is left
    of argparse's own checks, which would print a usage screen.
    """

    def __init__(self, *args: Any, refuse: Callable[[str], NoReturn], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refuse = refuse

    def _create_parser(self) -> None:
        super()._create_parser()
        self.parser.error = self._refuse  # type: ignore[assignment,method-assign]


class MLXApplication(JupyterApp):
    """A ``jupyter mlx`` command: refuses unknown options and bad values in one line.

    traitlets warns about an unknown ``--name=value`` and goes on, prints a usage screen for
    an unknown ``--name``, and logs a bad value as a critical error exiting 1; here each is one
    ``error:`` line on stderr and exit status 2, before any work starts.
    """

    version = __version__
    #: The words after ``jupyter mlx`` that run this command ("" for ``jupyter mlx`` itself).
    command = ""

    @property
    def command_line(self) -> str:
        """How a user types this command: ``jupyter mlx runs list``."""
        return f"jupyter mlx {self.command}".rstrip()

    def refuse(self, message: str) -> NoReturn:
        """Print ``error: message`` on stderr and exit with :data:`EXIT_REFUSED`."""
        print(f"error: {message}", file=sys.stderr)
        self.exit(EXIT_REFUSED)
        raise SystemExit(EXIT_REFUSED)  # Application.exit raises it; its signature does not say so

    def parse_command_line(self, argv: list[str] | None = None) -> None:
        args = list(sys.argv[1:] if argv is None else argv)
        if not (self.subcommands and args and args[0] in self.subcommands):
            self.check_options(args)
        super().parse_command_line(argv)

    def check_options(self, args: list[str]) -> None:
        """Refuse an option this command does not have, or a value its trait rejects.

        ``--Class.trait=value`` is traitlets' own configuration syntax and is left to it.
        """
        flags, aliases = self.flatten_flags()
        flag_names, alias_names = _names(flags), _names(aliases)
        targets = {name: target for key, target in aliases.items() for name in _names([key])}
        remaining = iter(args)
        for arg in remaining:
            if arg == "--":
                break
            if not arg.startswith("-") or arg == "-" or arg in HELP_ARGS:
                continue
            option, has_value, value = arg.partition("=")
            name = option.lstrip("-")
            if "." in name and option.startswith("--"):
                continue
            if option != ("-" if len(name) == 1 else "--") + name or not (
                name in alias_names or name in flag_names
            ):
                self.refuse(f"unknown option '{option}'; see `{self.command_line} --help`")
            if name in flag_names:
                if has_value and name not in alias_names:
                    self.refuse(f"option '{option}' takes no value")
                continue
            if not has_value:
                following = next(remaining, None)
                if following is None or following.startswith("-"):
                    # argparse takes a following "-x" for an option, not for a value.
                    self.refuse(f"option '{option}' needs a value (`{option}=VALUE`)")
                value = following
            self._check_value(option, targets[name], value)

    def _check_value(self, option: str, target: str, value: str) -> None:
        owner, _, trait_name = target.rpartition(".")
        trait = self.traits(config=True).get(trait_name)
        if trait is None or owner not in {cls.__name__ for cls in type(self).mro()}:
            return
        # Only some trait types validate (Unicode, Integer, Enum do); the rest take any value.
        validate = getattr(trait, "validate", None)
        try:
            parsed = trait.from_string(value)
            if validate is not None:
                validate(self, parsed)
        except (TraitError, ValueError):
            self.refuse(f"{option}: expected {trait.info()}, not {value!r}")

    def _create_loader(
        self,
        argv: list[str] | None,
        aliases: dict[Any, Any],
        flags: dict[Any, Any],
        classes: Any,
    ) -> KVArgParseConfigLoader:
        return _OneLineLoader(
            argv,
            aliases,
            flags,
            classes=classes,
            log=self.log,
            subcommands=self.subcommands,
            refuse=self.refuse,
        )


class MLXCommandBase(MLXApplication):
    """A subcommand working on one workspace, configured like the server extension."""

    # The server's configuration files carry c.MLXApp.*: read the same ones.
    config_file_name = Unicode("jupyter_server_config")
    aliases = {**base_aliases, **_WORKSPACE_ALIASES}
    flags = {
        **base_flags,
        "json": ({"MLXCommandBase": {"json": True}}, "Print JSON instead of text."),
    }
    #: Whether the command takes positional arguments (it checks them itself).
    takes_arguments = False

    root_dir = Unicode(
        "",
        config=True,
        help="The server root (default: $MLX_ROOT_DIR, else the nearest folder at or above the "
        "current one holding .mlx/, else the current folder).",
    )
    workspace = Unicode("", config=True, help="Workspace folder (default <root-dir>/.mlx).")
    db_url = Unicode("", config=True, help="Store URL (default: the workspace's SQLite file).")
    tracking_uri = Unicode("", config=True, help="MLflow tracking URI.")
    json = Bool(False, config=True, help="Print JSON instead of text.")

    def workspace_settings(self) -> Settings:
        """Command-line values, else ``c.MLXApp`` values, else the environment and defaults."""
        return Settings.resolve(
            self.root_dir or None,
            workspace=self.workspace or None,
            db_url=self.db_url or None,
            tracking_uri=self.tracking_uri or None,
            config=self.config.get("MLXApp", {}),
        )

    def start(self) -> None:
        if self.extra_args and not self.takes_arguments:
            self.refuse(
                f"unexpected argument '{self.extra_args[0]}'; see `{self.command_line} --help`"
            )
        try:
            code = self.run()
        except MLXError as exc:
            # A 4xx error (bad input, unknown run, no workspace) is refused input; the rest
            # (a store that cannot be reached) is work that failed.
            print(f"error: {exc.message}", file=sys.stderr)
            code = EXIT_REFUSED if exc.status < 500 else EXIT_FAILED
        self.exit(code)

    def run(self) -> int:
        """Do the command's work; return the exit status."""
        raise NotImplementedError


class StatusCommand(MLXCommandBase):
    """Show version, workspace, tracking URI and store health (exit 1 if unhealthy)."""

    name = "jupyter-mlx-status"
    command = "status"
    description = (
        f"{__doc__}\n\nAsks the server that serves the root when one runs, else reads the "
        "workspace without creating anything. Exit status: 0 when the store is healthy; 1 when "
        "it is missing, behind this version or cannot be reached; 2 when an option is refused."
    )

    def run(self) -> int:
        from .client import workspace_status
        from .status import format_status

        status = workspace_status(self.workspace_settings())
        print(status.model_dump_json(indent=2) if self.json else format_status(status))
        return 0 if status.store.healthy else EXIT_FAILED


class RunsListCommand(MLXCommandBase):
    """List the MLflow runs of a notebook (or of the recent experiments), newest first."""

    name = "jupyter-mlx-runs-list"
    command = "runs list"
    description = f"{__doc__}\n\n" + _READ_EXIT_STATUS.format(
        what=" (an unknown option, a bad --filter or --max)"
    )
    aliases = {
        **MLXCommandBase.aliases,
        "notebook": "RunsListCommand.notebook",
        "filter": "RunsListCommand.filter",
        "max": "RunsListCommand.max_results",
    }
    notebook = Unicode("", config=True, help="Notebook path relative to the server root.")
    filter = Unicode("", config=True, help='MLflow search filter, e.g. "metrics.loss < 0.1".')
    max_results = Integer(50, config=True, help="How many runs to list (at most 1000).")

    def run(self) -> int:
        from .services import Services
        from .tracking.schemas import ListRunsQuery

        query = _validated(
            ListRunsQuery,
            notebook=self.notebook or None,
            filter=self.filter,
            max_results=self.max_results,
        )
        with Services.opened(self.workspace_settings()) as services:
            page = services.tracking.search_runs(query)
        print(page.model_dump_json(indent=2) if self.json else format_runs(page.runs))
        return 0


class RunsShowCommand(MLXCommandBase):
    """Show one run: status, notebook, environment, params, metrics and tags."""

    name = "jupyter-mlx-runs-show"
    command = "runs show"
    description = f"{__doc__}\n\nUsage: jupyter mlx runs show RUN_ID [--json]\n\n" + (
        _READ_EXIT_STATUS.format(what=" (no RUN_ID or an unknown one, an unknown option)")
    )
    takes_arguments = True

    def run(self) -> int:
        from .services import Services

        if len(self.extra_args) != 1:
            raise InvalidInput("Give exactly one RUN_ID.", field="run_id")
        with Services.opened(self.workspace_settings()) as services:
            run = services.tracking.get_run(self.extra_args[0])
        print(run.model_dump_json(indent=2) if self.json else format_run(run))
        return 0


_JOB_EXIT_STATUS = (
    "Exit status: 0 for a succeeded run; 1 for one that failed, was stopped, timed out or was "
    "interrupted; 2 when the input is refused (a missing notebook, a path outside the root, an "
    "unknown parameter or a value of the wrong type, an unknown kernel)."
)


class RunCommand(MLXCommandBase):
    """Run a notebook as a job with parameters (papermill injects them)."""

    name = "jupyter-mlx-run"
    command = "run"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx run NOTEBOOK [-p NAME VALUE]... [-f PARAMS.yaml] "
        "[--kernel K] [--timeout S] [--retries N] [--wait] [--json]\n\n"
        "-p values are JSON where they parse (5 is an integer, true a boolean, 2024-01-01 stays "
        "a string) and must fit the type of the parameter's default. When a server with "
        "jupyter-mlx serves the root, the run is submitted to it (--wait follows it to its "
        "end); otherwise it runs here, and the command waits for it.\n\n" + _JOB_EXIT_STATUS
    )
    takes_arguments = True
    aliases = {
        **MLXCommandBase.aliases,
        "kernel": "RunCommand.kernel",
        "timeout": "RunCommand.timeout",
        "retries": "RunCommand.retries",
        "experiment": "RunCommand.experiment",
    }
    flags = {
        **MLXCommandBase.flags,
        "wait": (
            {"RunCommand": {"wait": True}},
            "Wait for the run to end (exit 1 unless it succeeds).",
        ),
        "allow-extra": (
            {"RunCommand": {"allow_extra": True}},
            "Accept parameters the notebook's parameters cell does not have.",
        ),
    }
    kernel = Unicode("", config=True, help="Kernelspec (default: the notebook's).")
    timeout = Float(0.0, config=True, help="Seconds an attempt may take (default: no limit).")
    retries = Integer(0, config=True, help="Attempts after a failed first one.")
    experiment = Unicode("", config=True, help="MLflow experiment (default: the notebook path).")
    wait = Bool(False, config=True, help="Wait for the run to end.")
    allow_extra = Bool(False, config=True, help="Accept unknown parameters.")

    def parse_command_line(self, argv: list[str] | None = None) -> None:
        args = list(sys.argv[1:] if argv is None else argv)
        self.parameter_pairs: list[tuple[str, str]] = []
        self.parameter_files: list[str] = []
        rest: list[str] = []
        words = iter(args)
        for word in words:
            if word in ("-p", "--parameter"):
                name, value = next(words, None), next(words, None)
                if name is None or value is None:
                    self.refuse(f"{word} takes a name and a value: `{word} NAME VALUE`")
                self.parameter_pairs.append((name, value))
            elif word in ("-f", "--parameters-file"):
                path = next(words, None)
                if path is None:
                    self.refuse(f"{word} takes a file: `{word} PARAMS.yaml`")
                self.parameter_files.append(path)
            else:
                rest.append(word)
        super().parse_command_line(rest)

    def run(self) -> int:
        from .jobs.client import ServerJobs, given_parameters, run_here
        from .jobs.schemas import CreateJobRunRequest

        if len(self.extra_args) != 1:
            raise InvalidInput("Give exactly one NOTEBOOK.", field="notebook")
        settings = self.workspace_settings()
        notebook = _server_path(settings.root_dir, self.extra_args[0])
        request = _validated(
            CreateJobRunRequest,
            notebook=notebook,
            parameters=dict(given_parameters(self.parameter_pairs, self.parameter_files)),
            kernel=self.kernel or None,
            timeout=self.timeout or None,
            retries=self.retries,
            experiment=self.experiment or None,
            allow_extra=self.allow_extra,
        )
        progress = _progress_printer() if not self.json else None
        server = ServerJobs.find(settings)
        if server is None:
            run = run_here(settings, request, progress)
        else:
            run = server.create(request)
            if self.wait:
                run = server.wait(run, progress)
        print(run.model_dump_json(indent=2) if self.json else format_job_run(run))
        if run.status in ("queued", "running", "succeeded"):
            return 0
        reason = run.error.message if run.error else run.status
        print(f"error: job run {run.id} {run.status}: {reason}", file=sys.stderr)
        return EXIT_FAILED


class JobRunsListCommand(MLXCommandBase):
    """List job runs, newest first."""

    name = "jupyter-mlx-jobs-runs"
    command = "jobs runs"
    description = f"{__doc__}\n\n" + _READ_EXIT_STATUS.format(
        what=" (an unknown option, a bad --status or --max)"
    )
    aliases = {
        **MLXCommandBase.aliases,
        "notebook": "JobRunsListCommand.notebook",
        "status": "JobRunsListCommand.status",
        "max": "JobRunsListCommand.max_results",
    }
    notebook = Unicode("", config=True, help="Only runs of this notebook (path from the root).")
    status = Unicode("", config=True, help="Only runs in this status (e.g. failed).")
    max_results = Integer(50, config=True, help="How many runs to list (at most 1000).")

    def run(self) -> int:
        from .jobs.client import ServerJobs, read_here
        from .jobs.schemas import ListJobRunsQuery

        query = _validated(
            ListJobRunsQuery,
            notebook=self.notebook or None,
            status=[self.status] if self.status else [],
            max_results=self.max_results,
        )
        settings = self.workspace_settings()
        server = ServerJobs.find(settings)
        if server is not None:
            page = server.list_runs(query)
        else:
            page = read_here(settings, lambda jobs: jobs.list_runs(query))
        if self.json:
            print(json.dumps([run.model_dump(mode="json") for run in page.runs], indent=2))
        else:
            print(format_job_runs(page.runs))
        return 0


class JobRunShowCommand(MLXCommandBase):
    """Show one job run: status, parameters, attempts, outputs, MLflow run and error."""

    name = "jupyter-mlx-jobs-show"
    command = "jobs show"
    description = f"{__doc__}\n\nUsage: jupyter mlx jobs show RUN_ID [--json]\n\n" + (
        _READ_EXIT_STATUS.format(what=" (no RUN_ID or an unknown one)")
    )
    takes_arguments = True

    def run(self) -> int:
        from .jobs.client import ServerJobs, read_here

        run_id = _one_run_id(self.extra_args)
        settings = self.workspace_settings()
        server = ServerJobs.find(settings)
        run = server.get(run_id) if server else read_here(settings, lambda j: j.get(run_id))
        print(run.model_dump_json(indent=2) if self.json else format_job_run(run))
        return 0


class JobRunStopCommand(MLXCommandBase):
    """Stop a queued or running job run; its kernel's whole process tree is killed."""

    name = "jupyter-mlx-jobs-stop"
    command = "jobs stop"
    description = f"{__doc__}\n\nUsage: jupyter mlx jobs stop RUN_ID [--json]\n\n" + (
        "Exit status: 0 when the run is stopped; 2 for an unknown run, or one that has ended."
    )
    takes_arguments = True

    def run(self) -> int:
        from .jobs.client import ServerJobs, read_here

        run_id = _one_run_id(self.extra_args)
        settings = self.workspace_settings()
        server = ServerJobs.find(settings)

        async def stop_here(jobs: Any) -> Any:
            await jobs.recover()  # a run whose process is gone is settled first
            return await jobs.stop(run_id)

        run = server.stop(run_id) if server else read_here(settings, stop_here)
        print(run.model_dump_json(indent=2) if self.json else format_job_run(run))
        return 0


def _one_run_id(args: list[str]) -> str:
    if len(args) != 1:
        raise InvalidInput("Give exactly one RUN_ID.", field="run_id")
    return args[0]


def _server_path(root: Path, given: str) -> str:
    """A notebook argument as the server names it: relative to the root (a path typed from
    the current folder, or an absolute one inside the root, is converted)."""
    path = Path(given).expanduser()
    candidate = path if path.is_absolute() else Path.cwd() / path
    try:
        return candidate.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return given  # outside the root: the service refuses it, naming the path


def _progress_printer() -> Callable[[JobRun], None] | None:
    """Prints a run's progress on stderr when that is a terminal, each change once."""
    if not sys.stderr.isatty():
        return None
    last: list[str] = []

    def show(run: JobRun) -> None:
        text: str = run.status
        if run.progress is not None:
            text += f" cell {run.progress.cell} of {run.progress.total}"
        if run.attempt > 1:
            text += f" (attempt {run.attempt})"
        if not last or last[-1] != text:
            last.append(text)
            print(f"{run.id[:8]} {text}", file=sys.stderr)

    return show


class CommandGroup(MLXApplication):
    """A noun whose verbs are subcommands; without one it prints help and exits 1.

    A word that names none of them is refused in one line (exit 2).
    """

    def start(self) -> None:
        if self.subapp is None:
            prefix = f"{self.command} " if self.command else ""
            commands = ", ".join(prefix + name for name in sorted(self.subcommands))
            if self.extra_args:
                word = self.extra_args[0]
                if word in self.subcommands:
                    self.refuse(f"the command comes first: `{self.command_line} {word} [options]`")
                self.refuse(f"unknown command '{prefix}{word}'; commands: {commands}")
            self.print_help()
            print(f"\nSubcommands: {', '.join(sorted(self.subcommands))}", file=sys.stderr)
            self.exit(EXIT_FAILED)
        super().start()


class RunsCommand(CommandGroup):
    """MLflow runs of the workspace's notebooks."""

    name = "jupyter-mlx-runs"
    command = "runs"
    description = __doc__
    subcommands: dict[str, Any] = {
        "list": (RunsListCommand, RunsListCommand.__doc__),
        "show": (RunsShowCommand, RunsShowCommand.__doc__),
    }


class JobsCommand(CommandGroup):
    """Job runs: notebooks run with parameters."""

    name = "jupyter-mlx-jobs"
    command = "jobs"
    description = __doc__
    subcommands: dict[str, Any] = {
        "runs": (JobRunsListCommand, JobRunsListCommand.__doc__),
        "show": (JobRunShowCommand, JobRunShowCommand.__doc__),
        "stop": (JobRunStopCommand, JobRunStopCommand.__doc__),
    }


def _validated(schema: Any, **values: Any) -> Any:
    """Build a request schema from command-line values, naming the bad option."""
    from pydantic import ValidationError

    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        raise invalid_input(exc, name=lambda field: "--" + OPTIONS.get(field, field)) from exc


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _duration(start: int | None, end: int | None) -> str:
    if start is None:
        return "-"
    seconds = ((end or time.time() * 1000) - start) / 1000
    return f"{seconds:.1f}s" if seconds < 120 else f"{seconds / 60:.1f}min"


def format_runs(runs: list[RunSummary]) -> str:
    """A table of runs, one a line."""
    if not runs:
        return "No runs."
    rows = [("RUN ID", "NAME", "STATUS", "STARTED", "DURATION", "METRICS")]
    for run in runs:
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in sorted(run.metrics.items())[:3])
        rows.append(
            (
                run.run_id,
                run.run_name or "-",
                run.status,
                _when(run.start_time),
                _duration(run.start_time, run.end_time),
                metrics,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in rows
    )


def format_run(run: DescribeRun) -> str:
    """One run, a fact a line, then its params, metrics and tags."""
    env = run.environment
    lines = [
        f"run          {run.run_id} ({run.run_name or '-'})",
        f"status       {run.status}",
        f"started      {_when(run.start_time)} ({_duration(run.start_time, run.end_time)})",
        f"notebook     {run.notebook or '-'}",
        f"snapshot     {run.notebook_snapshot or '-'}",
        f"environment  {f'{env.name} (lock {env.lock_sha256})' if env else 'not recorded'}",
        f"artifacts    {run.artifact_uri}",
    ]
    for title, values in (("params", run.params), ("metrics", run.metrics), ("tags", run.tags)):
        lines.append(f"{title}:")
        lines.extend(f"  {key} = {value}" for key, value in sorted(values.items()))
    return "\n".join(lines)


def _iso(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _span(start: datetime | None, end: datetime | None) -> str:
    if start is None:
        return "-"
    seconds = ((end or datetime.now(start.tzinfo)) - start).total_seconds()
    return f"{seconds:.1f}s" if seconds < 120 else f"{seconds / 60:.1f}min"


def format_job_runs(runs: list[JobRun]) -> str:
    """A table of job runs, one a line."""
    if not runs:
        return "No job runs."
    rows = [("RUN ID", "STATUS", "NOTEBOOK", "CREATED", "DURATION", "ATTEMPT")]
    for run in runs:
        rows.append(
            (
                run.id,
                run.status,
                run.notebook,
                _iso(run.created_at),
                _span(run.started_at, run.finished_at),
                f"{run.attempt}/{run.retries + 1}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def format_job_run(run: JobRun) -> str:
    """One job run, a fact a line, then its parameters and attempts."""
    status: str = run.status
    if run.progress is not None:
        status += f" (cell {run.progress.cell} of {run.progress.total})"
    lines = [
        f"job run      {run.id} (job {run.job_id})",
        f"status       {status}",
        f"notebook     {run.notebook} (kernel {run.kernel})",
        f"created      {_iso(run.created_at)}",
        f"duration     {_span(run.started_at, run.finished_at)}",
        f"output       {run.output_path or '-'}",
        f"log          {run.log_path}",
        f"mlflow run   {run.mlflow_run_id or '-'} (experiment {run.experiment})",
    ]
    if run.error is not None:
        lines.append(f"error        {run.error.message}")
    lines.append("parameters:")
    lines.extend(f"  {key} = {json.dumps(value)}" for key, value in sorted(run.parameters.items()))
    lines.append("attempts:")
    for attempt in run.attempts:
        warm = ", kernel started ahead" if attempt.warm_kernel else ""
        lines.append(
            f"  {attempt.number}  {attempt.status}  {_iso(attempt.started_at)}  "
            f"{_span(attempt.started_at, attempt.finished_at)}{warm}"
        )
    return "\n".join(lines)


class MLXCommand(CommandGroup):
    """jupyter mlx: environments, experiments, jobs and models from the command line."""

    name = "jupyter-mlx"
    description = (
        f"{__doc__}\n\nEach command prints its result on stdout (JSON with --json) and exits 0; "
        "1 when the work it ran failed; 2 when its input is refused (an unknown command, option "
        "or run, a bad value, no workspace), with one line on stderr."
    )
    subcommands: dict[str, Any] = {
        "status": (StatusCommand, StatusCommand.__doc__),
        "runs": (RunsCommand, RunsCommand.__doc__),
        "run": (RunCommand, RunCommand.__doc__),
        "jobs": (JobsCommand, JobsCommand.__doc__),
    }


def main(argv: list[str] | None = None) -> None:
    """Console entry point of ``jupyter-mlx`` (and so of ``jupyter mlx``)."""
    MLXCommand.launch_instance(argv)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["MLXCommand", "main"]
