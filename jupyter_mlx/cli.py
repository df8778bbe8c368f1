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

import dataclasses
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from jupyter_core.application import JupyterApp, base_aliases, base_flags
from traitlets import Bool, Enum, Float, Integer, TraitError, Unicode
from traitlets.config.loader import KVArgParseConfigLoader

from . import __version__
from .config import Settings
from .errors import InvalidInput, MLXError, NotFound, invalid_input
from .serving.options import (
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_MAX_BATCH_ROWS,
    DEFAULT_MAX_REQUEST_BYTES,
    ServeOptions,
)

if TYPE_CHECKING:
    from .environments.schemas import Environment
    from .jobs.definitions import ScheduleLimits
    from .jobs.schemas import JobDefinition, JobRun, MetricDifference, Sweep
    from .models.schemas import AliasMove, DescribeModel, Gates, ModelSummary
    from .services import JobSizes
    from .tracking.schemas import DescribeRun, RunSummary

#: Schema fields whose command-line option has another name.
OPTIONS = {
    "max_results": "max",
    "timezone": "tz",
    "webhook_url": "webhook",
    "max_concurrent_runs": "max-concurrent",
}

#: Options that take several words, as ``-p NAME VALUE``: the key their values are kept
#: under, and how the option's usage names what it takes.
PARAMETER_WORDS = {
    "-p": ("parameters", "a name and a value", "NAME VALUE"),
    "--parameter": ("parameters", "a name and a value", "NAME VALUE"),
    "-f": ("files", "a file", "PARAMS.yaml"),
    "--parameters-file": ("files", "a file", "PARAMS.yaml"),
}
#: The repeatable ``--input PATH`` of the commands that run notebooks.
INPUT_WORDS = {"--input": ("inputs", "a path", "PATH")}

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
    #: Options taking several words (see :data:`PARAMETER_WORDS`); their values are in
    #: ``self.words[key]``, one list of words per use.
    word_options: dict[str, tuple[str, str, str]] = {}
    #: Input fields a refusal may name, and the option that gives each (named in its line).
    field_options: dict[str, str] = {}

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

    def limits(self) -> ScheduleLimits:
        """Bounds of catch-up and sweeps: ``c.MLXApp.max_catchup_runs`` and ``max_sweep_runs``."""
        from .jobs.definitions import ScheduleLimits

        return _from_mlx_config(ScheduleLimits, self.config.get("MLXApp", {}))

    def job_sizes(self) -> JobSizes:
        """How runs execute here: ``c.MLXApp.max_concurrent_runs`` and ``warm_kernels``."""
        from .services import JobSizes

        return _from_mlx_config(JobSizes, self.config.get("MLXApp", {}))

    def parse_command_line(self, argv: list[str] | None = None) -> None:
        args = list(sys.argv[1:] if argv is None else argv)
        self.words: dict[str, list[list[str]]] = {
            key: [] for key, _, _ in self.word_options.values()
        }
        rest: list[str] = []
        words = iter(args)
        for word in words:
            if word not in self.word_options:
                rest.append(word)
                continue
            key, what, usage = self.word_options[word]
            taken = [next(words, None) for _ in usage.split()]
            if None in taken:
                self.refuse(f"{word} takes {what}: `{word} {usage}`")
            self.words[key].append([str(taken_word) for taken_word in taken])
        super().parse_command_line(rest)

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
            print(f"error: {self.error_text(exc)}", file=sys.stderr)
            code = EXIT_REFUSED if exc.status < 500 else EXIT_FAILED
        self.exit(code)

    def error_text(self, exc: MLXError) -> str:
        """An error's message, led by the option at fault when its field has one."""
        option = self.field_options.get(exc.field or "")
        if option and not exc.message.startswith(option):
            return f"{option}: {exc.message}"
        return exc.message

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


class _NotebookCommand(MLXCommandBase):
    """A command running a notebook with parameters, a kernel or an environment, data inputs
    and limits."""

    takes_arguments = True
    word_options = {**PARAMETER_WORDS, **INPUT_WORDS}
    kernel = Unicode("", config=True, help="Kernelspec (default: the notebook's).")
    env = Unicode(
        "", config=True, help="Environment of the workspace to run on (instead of --kernel)."
    )
    timeout = Float(0.0, config=True, help="Seconds an attempt may take (default: no limit).")
    retries = Integer(0, config=True, help="Attempts after a failed first one.")
    experiment = Unicode("", config=True, help="MLflow experiment (default: the notebook path).")
    allow_extra = Bool(False, config=True, help="Accept unknown parameters.")

    def parameters(self) -> dict[str, Any]:
        """The values of ``-f`` files, then of ``-p NAME VALUE`` pairs, later ones winning."""
        from .jobs.client import given_parameters

        pairs = [(name, value) for name, value in self.words["parameters"]]
        files = [path for (path,) in self.words["files"]]
        return dict(given_parameters(pairs, files))

    def inputs(self, root: Path) -> list[str]:
        """The ``--input PATH`` values as the server names them: relative to the root."""
        return [_server_path(root, path) for (path,) in self.words["inputs"]]


class RunCommand(_NotebookCommand):
    """Run a notebook as a job with parameters (papermill injects them)."""

    name = "jupyter-mlx-run"
    command = "run"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx run NOTEBOOK [-p NAME VALUE]... [-f PARAMS.yaml] "
        "[--kernel K | --env NAME] [--input PATH]... [--timeout S] [--retries N] [--wait] "
        "[--json]\n\n"
        "-p values are JSON where they parse (5 is an integer, true a boolean, 2024-01-01 stays "
        "a string) and must fit the type of the parameter's default. --env runs on an "
        "environment of the workspace (installed from its current lock); the run records its "
        "lock. Each --input (a file or folder in the root) is hashed when the run starts and "
        "recorded on its MLflow run. When a server with "
        "jupyter-mlx serves the root, the run is submitted to it (--wait follows it to its "
        "end); otherwise it runs here, and the command waits for it.\n\n" + _JOB_EXIT_STATUS
    )
    aliases = {
        **MLXCommandBase.aliases,
        "kernel": "RunCommand.kernel",
        "env": "RunCommand.env",
        "timeout": "RunCommand.timeout",
        "retries": "RunCommand.retries",
        "experiment": "RunCommand.experiment",
    }
    field_options = {"environment": "--env", "inputs": "--input"}
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
    wait = Bool(False, config=True, help="Wait for the run to end.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, run_here
        from .jobs.schemas import CreateJobRunRequest

        settings = self.workspace_settings()
        notebook = _server_path(settings.root_dir, _one(self.extra_args, "NOTEBOOK", "notebook"))
        request = _validated(
            CreateJobRunRequest,
            notebook=notebook,
            parameters=self.parameters(),
            kernel=self.kernel or None,
            environment=self.env or None,
            inputs=self.inputs(settings.root_dir),
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
        return _report_run(run, self.json)


class ReproduceCommand(MLXCommandBase):
    """Run a recorded MLflow run again as it ran, and compare their metrics."""

    name = "jupyter-mlx-reproduce"
    command = "reproduce"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx reproduce RUN_ID [--wait] [--json]\n\n"
        "The run must have been made by jupyter-mlx (a tracked notebook run or a job run). Its "
        "environment is installed again from the lock it recorded (the current kernel "
        "otherwise, with a warning), a data input whose hash changed is warned of, and its "
        "notebook snapshot runs with its recorded parameters as a job run in the same "
        "experiment. Once it has run, the metrics of both runs are printed side by side. When a "
        "server with jupyter-mlx serves the root, the job run is submitted to it (--wait follows "
        "it to its end); otherwise it runs here, and the command waits for it.\n\n"
        + _JOB_EXIT_STATUS
    )
    takes_arguments = True
    flags = {
        **MLXCommandBase.flags,
        "wait": (
            {"ReproduceCommand": {"wait": True}},
            "Wait for the reproduction to end and compare the metrics (exit 1 unless it succeeds).",
        ),
    }
    wait = Bool(False, config=True, help="Wait for the reproduction to end.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, reproduce_here

        settings = self.workspace_settings()
        run_id = _one(self.extra_args, "RUN_ID", "run_id")
        progress = _progress_printer() if not self.json else None
        server = ServerJobs.find(settings)
        if server is None:
            reproduction = reproduce_here(settings, run_id, progress)
        else:
            reproduction = server.reproduce(run_id)
            if self.wait:
                run = server.wait(reproduction.job_run, progress)
                reproduction = reproduction.model_copy(update={"job_run": run})
        for warning in reproduction.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        run = reproduction.job_run
        differences = []
        if run.status == "succeeded" and run.mlflow_run_id:
            from .jobs.reproduce import metric_differences
            from .tracking.client import TrackingConnection

            connection = TrackingConnection(settings.tracking_uri)
            differences = metric_differences(connection, run_id, run.mlflow_run_id)
        if self.json:
            answer = reproduction.model_dump(mode="json")
            answer["metrics"] = [difference.model_dump() for difference in differences]
            print(json.dumps(answer, indent=2))
        else:
            print(format_job_run(run))
            if differences:
                print("\n" + format_metric_differences(differences))
        return _run_exit_status(run)


def _report_run(run: JobRun, as_json: bool) -> int:
    """Print a run; exit 0 unless it ended without succeeding (1, with one line saying why)."""
    print(run.model_dump_json(indent=2) if as_json else format_job_run(run))
    return _run_exit_status(run)


def _run_exit_status(run: JobRun) -> int:
    """0 unless the run ended without succeeding (1, with one line on stderr saying why)."""
    if run.status in ("queued", "running", "succeeded"):
        return 0
    reason = run.error.message if run.error else run.status
    print(f"error: job run {run.id} {run.status}: {reason}", file=sys.stderr)
    return EXIT_FAILED


def _report_sweep(sweep: Sweep, as_json: bool) -> int:
    """Print a sweep; exit 0 unless it ended failed or stopped (1, with one line saying why)."""
    print(sweep.model_dump_json(indent=2) if as_json else format_sweep(sweep))
    if sweep.status in ("running", "succeeded"):
        return 0
    print(f"error: sweep {sweep.id} {sweep.status}: {sweep.error or sweep.status}", file=sys.stderr)
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


class JobShowCommand(MLXCommandBase):
    """Show a job definition (schedule, settings, runs) or one job run, by id."""

    name = "jupyter-mlx-jobs-show"
    command = "jobs show"
    description = f"{__doc__}\n\nUsage: jupyter mlx jobs show ID [--json]\n\n" + (
        _READ_EXIT_STATUS.format(what=" (no ID or an unknown one)")
    )
    takes_arguments = True

    def run(self) -> int:
        from .jobs.client import ServerJobs, use_here

        given = _one(self.extra_args, "ID", "id")
        settings = self.workspace_settings()
        server = ServerJobs.find(settings)
        if server is not None:
            shown = _either(given, lambda: server.get_job(given), lambda: server.get(given))
        else:

            async def show_here(services: Any) -> Any:
                try:
                    return await services.definitions.get(given)
                except NotFound:
                    pass
                try:
                    return await services.jobs.get(given)
                except NotFound as exc:
                    raise _unknown_id(given) from exc

            shown = use_here(settings, show_here)
        if self.json:
            print(shown.model_dump_json(indent=2))
        elif hasattr(shown, "cron"):
            print(format_definition(shown))
        else:
            print(format_job_run(shown))
        return 0


def _unknown_id(given: str) -> NotFound:
    return NotFound(f"No job definition or job run {given!r}.", field="id")


def _either(given: str, definition: Callable[[], Any], run: Callable[[], Any]) -> Any:
    """The definition of that id, else the run of that id (ids are distinct uuids)."""
    try:
        return definition()
    except NotFound:
        pass
    try:
        return run()
    except NotFound as exc:
        raise _unknown_id(given) from exc


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

        run_id = _one(self.extra_args, "RUN_ID", "run_id")
        settings = self.workspace_settings()
        server = ServerJobs.find(settings)

        async def stop_here(jobs: Any) -> Any:
            await jobs.recover()  # a run whose process is gone is settled first
            return await jobs.stop(run_id)

        run = server.stop(run_id) if server else read_here(settings, stop_here)
        print(run.model_dump_json(indent=2) if self.json else format_job_run(run))
        return 0


_DEFINITION_EXIT_STATUS = (
    "Exit status: 0 when done; 2 when the input is refused (a missing notebook, a parameter "
    "the notebook lacks or a value of the wrong type, a bad cron expression, time zone or "
    "webhook URL, an unknown kernel or job), or when there is no workspace."
)


class JobCreateCommand(_NotebookCommand):
    """Create a job definition: a copy of a notebook run on demand or on a cron schedule."""

    name = "jupyter-mlx-jobs-create"
    command = "jobs create"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx jobs create NOTEBOOK [--name N] [--cron EXPR] "
        "[--tz ZONE] [-p NAME VALUE]... [-f PARAMS.yaml] [--kernel K | --env NAME "
        "[--install-env]] [--input PATH]... [--timeout S] [--retries N] "
        "[--catchup none|latest|all] [--max-concurrent N] [--webhook URL] [--paused] "
        "[--json]\n\n"
        "The definition keeps a copy of the notebook as it is now; it prints its id. --cron "
        "takes five fields (minute hour day-of-month month day-of-week, e.g. '0 6 * * 1-5') "
        "read in --tz (an IANA zone, default UTC); without --cron it runs on `jupyter mlx jobs "
        "trigger ID`. Through the server when one serves the root; otherwise it is stored in "
        "the workspace and fires while JupyterLab or `jupyter mlx scheduler` runs there.\n\n"
        + _DEFINITION_EXIT_STATUS
    )
    aliases = {
        **MLXCommandBase.aliases,
        "name": "JobCreateCommand.job_name",
        "cron": "JobCreateCommand.cron",
        "tz": "JobCreateCommand.tz",
        "kernel": "JobCreateCommand.kernel",
        "env": "JobCreateCommand.env",
        "timeout": "JobCreateCommand.timeout",
        "retries": "JobCreateCommand.retries",
        "experiment": "JobCreateCommand.experiment",
        "catchup": "JobCreateCommand.catchup",
        "max-concurrent": "JobCreateCommand.max_concurrent",
        "webhook": "JobCreateCommand.webhook",
    }
    flags = {
        **MLXCommandBase.flags,
        "paused": ({"JobCreateCommand": {"paused": True}}, "Create it paused."),
        "install-env": (
            {"JobCreateCommand": {"install_env": True}},
            "Install the --env environment from its lock before a run when it is not "
            "installed, instead of refusing the run.",
        ),
        "allow-extra": (
            {"JobCreateCommand": {"allow_extra": True}},
            "Accept parameters the notebook's parameters cell does not have.",
        ),
    }
    field_options = {
        "cron": "--cron",
        "timezone": "--tz",
        "webhook_url": "--webhook",
        "kernel": "--kernel",
        "environment": "--env",
        "inputs": "--input",
    }
    job_name = Unicode("", config=True, help="Name (default: the notebook's file name).")
    cron = Unicode("", config=True, help="Cron expression (default: none, run on demand).")
    tz = Unicode("UTC", config=True, help="IANA time zone of the schedule.")
    catchup = Enum(
        ["none", "latest", "all"],
        "latest",
        config=True,
        help="Fires missed while no scheduler ran: none, the latest, or all (capped).",
    )
    max_concurrent = Integer(1, config=True, help="Runs of it executing at once.")
    webhook = Unicode("", config=True, help="http(s) URL told when a run fails.")
    paused = Bool(False, config=True, help="Create it paused.")
    install_env = Bool(False, config=True, help="Install the environment before runs.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, create_here
        from .jobs.schemas import CreateJobRequest

        settings = self.workspace_settings()
        notebook = _server_path(settings.root_dir, _one(self.extra_args, "NOTEBOOK", "notebook"))
        request = _validated(
            CreateJobRequest,
            notebook=notebook,
            name=self.job_name or None,
            cron=self.cron or None,
            timezone=self.tz,
            parameters=self.parameters(),
            kernel=self.kernel or None,
            environment=self.env or None,
            install_environment=self.install_env,
            inputs=self.inputs(settings.root_dir),
            timeout=self.timeout or None,
            retries=self.retries,
            experiment=self.experiment or None,
            catchup=self.catchup,
            max_concurrent_runs=self.max_concurrent,
            webhook_url=self.webhook or None,
            active=not self.paused,
            allow_extra=self.allow_extra,
        )
        server = ServerJobs.find(settings)
        job = (
            server.create_job(request) if server else create_here(settings, request, self.limits())
        )
        if self.json:
            print(job.model_dump_json(indent=2))
            return 0
        print(format_definition(job))
        if server is None and job.cron:
            print(
                f"No server serves {settings.root_dir}: the schedule fires while JupyterLab or "
                "`jupyter mlx scheduler` runs there."
            )
        return 0


class JobsListCommand(MLXCommandBase):
    """List job definitions with their schedule, next fire time and last run."""

    name = "jupyter-mlx-jobs-list"
    command = "jobs list"
    description = f"{__doc__}\n\n" + _READ_EXIT_STATUS.format(what=" (an unknown option)")
    aliases = {**MLXCommandBase.aliases, "notebook": "JobsListCommand.notebook"}
    notebook = Unicode("", config=True, help="Only definitions of this notebook.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, use_here

        settings = self.workspace_settings()
        notebook = self.notebook or None
        server = ServerJobs.find(settings)
        if server is not None:
            jobs = server.list_jobs(notebook).jobs
        else:
            jobs = use_here(settings, lambda s: s.definitions.list_jobs(notebook)).jobs
        if self.json:
            print(json.dumps([job.model_dump(mode="json") for job in jobs], indent=2))
        else:
            print(format_definitions(jobs))
        return 0


class JobTriggerCommand(MLXCommandBase):
    """Run a job definition now (its sweep, when it is one)."""

    name = "jupyter-mlx-jobs-trigger"
    command = "jobs trigger"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx jobs trigger ID [--wait] [--json]\n\n"
        "Prints the run (or the sweep). When a server serves the root, the run is queued there "
        "(--wait follows it to its end); otherwise it runs here, and the command waits.\n\n"
        "Exit status: 0 unless the run (sweep) ended without succeeding (1); 2 for an unknown "
        "job or no workspace."
    )
    takes_arguments = True
    flags = {
        **MLXCommandBase.flags,
        "wait": ({"JobTriggerCommand": {"wait": True}}, "Wait for the run (sweep) to end."),
    }
    wait = Bool(False, config=True, help="Wait for the run (sweep) to end.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, trigger_here
        from .jobs.schemas import JobRun

        job_id = _one(self.extra_args, "ID", "job_id")
        settings = self.workspace_settings()
        runs = _progress_printer() if not self.json else None
        sweeps = _sweep_printer() if not self.json else None
        server = ServerJobs.find(settings)
        if server is None:
            fired = trigger_here(settings, job_id, self.limits(), runs, sweeps)
            if isinstance(fired, JobRun):
                return _report_run(fired, self.json)
            return _report_sweep(fired, self.json)
        answer = server.trigger(job_id)
        if answer.sweep is not None:
            sweep = server.wait_sweep(answer.sweep, sweeps) if self.wait else answer.sweep
            return _report_sweep(sweep, self.json)
        assert answer.run is not None
        run = server.wait(answer.run, runs) if self.wait else answer.run
        return _report_run(run, self.json)


_CHANGE_EXIT_STATUS = "Exit status: 0 when done; 2 for an unknown job, or no workspace."


class _DefinitionCommand(MLXCommandBase):
    """A command changing one definition, given by its id."""

    takes_arguments = True

    def job_id(self) -> str:
        return _one(self.extra_args, "ID", "job_id")


class _DefinitionChange(_DefinitionCommand):
    """A verb changing one definition (``pause``, ``resume``), the same through a server
    and in this process; prints the definition."""

    #: The method of both ServerJobs and JobDefinitionService that makes the change.
    verb = ""

    def run(self) -> int:
        from .jobs.client import ServerJobs, use_here

        job_id, settings = self.job_id(), self.workspace_settings()
        server = ServerJobs.find(settings)
        if server is not None:
            job = getattr(server, self.verb)(job_id)
        else:
            job = use_here(
                settings, lambda s: getattr(s.definitions, self.verb)(job_id), migrate=True
            )
        print(job.model_dump_json(indent=2) if self.json else format_definition(job))
        return 0


class JobPauseCommand(_DefinitionChange):
    """Pause a job definition: its schedule stops firing; it and its runs stay."""

    name = "jupyter-mlx-jobs-pause"
    command = "jobs pause"
    verb = "pause"
    description = f"{__doc__}\n\nUsage: jupyter mlx jobs pause ID [--json]\n\n{_CHANGE_EXIT_STATUS}"


class JobResumeCommand(_DefinitionChange):
    """Resume a paused job definition: it fires again from now on."""

    name = "jupyter-mlx-jobs-resume"
    command = "jobs resume"
    verb = "resume"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx jobs resume ID [--json]\n\n{_CHANGE_EXIT_STATUS}"
    )


class JobDeleteCommand(_DefinitionCommand):
    """Delete a job definition and its copy of the notebook; its runs stay unless told."""

    name = "jupyter-mlx-jobs-delete"
    command = "jobs delete"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx jobs delete ID [--delete-runs] [--no-stop] [--json]"
        "\n\nIts queued and running runs are stopped first, unless --no-stop, which refuses "
        'while any is active. Prints nothing (--json: {"deleted": ID}).\n\n'
        "Exit status: 0 when deleted; 2 for an unknown job, active runs with --no-stop, or no "
        "workspace."
    )
    flags = {
        **MLXCommandBase.flags,
        "delete-runs": (
            {"JobDeleteCommand": {"delete_runs": True}},
            "Delete its runs too (their MLflow runs stay).",
        ),
        "no-stop": (
            {"JobDeleteCommand": {"stop_runs": False}},
            "Refuse while a run of it is queued or running, instead of stopping it.",
        ),
    }
    field_options = {"stop_runs": "--no-stop"}
    delete_runs = Bool(False, config=True, help="Delete its runs too.")
    stop_runs = Bool(True, config=True, help="Stop its active runs first.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, use_here

        job_id, settings = self.job_id(), self.workspace_settings()
        keep_runs, stop_runs = not self.delete_runs, self.stop_runs
        server = ServerJobs.find(settings)
        if server is not None:
            server.delete_job(job_id, keep_runs=keep_runs, stop_runs=stop_runs)
        else:

            async def delete_here(services: Any) -> None:
                await services.jobs.recover()  # a run whose process is gone is settled first
                await services.definitions.delete(job_id, keep_runs=keep_runs, stop_runs=stop_runs)

            use_here(settings, delete_here, migrate=True)
        if self.json:
            print(json.dumps({"deleted": job_id}))
        return 0


class SweepCommand(MLXCommandBase):
    """Run a notebook over a parameter space: a grid, a random search or an Optuna search."""

    name = "jupyter-mlx-sweep"
    command = "sweep"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx sweep NOTEBOOK -p NAME V1,V2,... "
        "[-p NAME LOW:HIGH[:STEP]]... [--strategy grid|random|optuna] [--trials N] "
        "[--metric M --maximize|--minimize] [--max-concurrent N] [--seed N] "
        "[--set NAME VALUE]... [-f PARAMS.yaml] [--name N] [--kernel K] [--timeout S] [--wait] "
        "[--json]\n\n"
        "Each -p varies one parameter: comma-separated values, each JSON where it parses "
        "(a value that is a whole JSON list, '[[32,32],[64]]', lists its items), or a range "
        "LOW:HIGH[:STEP]. A grid tries every combination and steps a range by STEP; without "
        "one, a range written in whole numbers steps by 1 and a range of floats is refused. "
        "Random and optuna searches draw --trials points (default 10) from the ranges "
        "(whole numbers for an integer parameter); optuna needs --metric, the name of a metric "
        "the notebook logs to MLflow, which also ranks the trials of the others. --set and -f "
        "give fixed values. When a server serves the root the sweep runs there (--wait "
        "follows it); otherwise it runs here, and the command waits.\n\n"
        "Exit status: 0 unless the sweep ended failed or stopped (1); 2 when the input is "
        "refused (no -p, a bad range, more runs than MLXApp.max_sweep_runs, a parameter the "
        "notebook lacks or a value of the wrong type, optuna without --metric)."
    )
    takes_arguments = True
    word_options = {
        "-p": ("varied", "a name and values", "NAME VALUES"),
        "--parameter": ("varied", "a name and values", "NAME VALUES"),
        "--set": ("parameters", "a name and a value", "NAME VALUE"),
        "-f": PARAMETER_WORDS["-f"],
        "--parameters-file": PARAMETER_WORDS["-f"],
    }
    aliases = {
        **MLXCommandBase.aliases,
        "strategy": "SweepCommand.strategy",
        "trials": "SweepCommand.trials",
        "metric": "SweepCommand.metric",
        "max-concurrent": "SweepCommand.max_concurrent",
        "seed": "SweepCommand.seed",
        "name": "SweepCommand.sweep_name",
        "kernel": "SweepCommand.kernel",
        "timeout": "SweepCommand.timeout",
    }
    flags = {
        **MLXCommandBase.flags,
        "maximize": (
            {"SweepCommand": {"direction": "maximize"}},
            "The best trial has the highest --metric.",
        ),
        "minimize": (
            {"SweepCommand": {"direction": "minimize"}},
            "The best trial has the lowest --metric (the default).",
        ),
        "wait": ({"SweepCommand": {"wait": True}}, "Wait for the sweep to end."),
    }
    field_options = {
        "parameters": "-p",
        "trials": "--trials",
        "metric": "--metric",
        "kernel": "--kernel",
    }
    strategy = Enum(["grid", "random", "optuna"], "grid", config=True, help="How to search.")
    trials = Integer(0, config=True, help="Runs of a random or optuna search (default 10).")
    metric = Unicode("", config=True, help="The logged metric ranking trials.")
    direction = Enum(
        ["minimize", "maximize"], "minimize", config=True, help="Whether the best is the least."
    )
    max_concurrent = Integer(2, config=True, help="Trials executing at once.")
    seed = Integer(None, allow_none=True, config=True, help="Seed of random and optuna.")
    sweep_name = Unicode("", config=True, help="Name (default: '<notebook> sweep').")
    kernel = Unicode("", config=True, help="Kernelspec (default: the notebook's).")
    timeout = Float(0.0, config=True, help="Seconds a trial may take (default: no limit).")
    wait = Bool(False, config=True, help="Wait for the sweep to end.")

    def run(self) -> int:
        from .jobs.client import ServerJobs, given_parameters, sweep_here, sweep_parameter
        from .jobs.schemas import CreateSweepRequest

        settings = self.workspace_settings()
        notebook = _server_path(settings.root_dir, _one(self.extra_args, "NOTEBOOK", "notebook"))
        grid = self.strategy == "grid"
        fixed = given_parameters(
            [(name, value) for name, value in self.words["parameters"]],
            [path for (path,) in self.words["files"]],
        )
        request = _validated(
            CreateSweepRequest,
            notebook=notebook,
            name=self.sweep_name or None,
            parameters={
                name: sweep_parameter(name, text, grid=grid) for name, text in self.words["varied"]
            },
            strategy=self.strategy,
            trials=self.trials or None,
            metric=self.metric or None,
            direction=self.direction,
            max_concurrent_runs=self.max_concurrent,
            seed=self.seed,
            base={
                "parameters": dict(fixed),
                "kernel": self.kernel or None,
                "timeout": self.timeout or None,
            },
        )
        progress = _sweep_printer() if not self.json else None
        server = ServerJobs.find(settings)
        if server is None:
            sweep = sweep_here(settings, request, self.limits(), progress)
        else:
            sweep = server.create_sweep(request)
            if self.wait:
                sweep = server.wait_sweep(sweep, progress)
        return _report_sweep(sweep, self.json)


class SchedulerCommand(MLXCommandBase):
    """Fire job definitions on their schedules and execute their runs, in the foreground."""

    name = "jupyter-mlx-scheduler"
    command = "scheduler"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx scheduler [--root-dir DIR]\n\n"
        "Runs what a Jupyter server with jupyter-mlx runs in the background, for a root that "
        "no server serves (a systemd unit, a container): the scheduler (fires missed while "
        "none ran follow each definition's catch-up policy), the execution of queued runs "
        "(at most c.MLXApp.max_concurrent_runs at once) and the watch over sweeps. It may run "
        "beside a server on the same workspace: each scheduled instant fires once. SIGINT or "
        "SIGTERM stops it; runs executing then end interrupted (queued again when they have "
        "retries left).\n\n"
        "Exit status: 0 when stopped by a signal; 1 when the workspace cannot be migrated."
    )

    def run(self) -> int:
        from .jobs.client import run_scheduler

        settings = self.workspace_settings()
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s] %(message)s"))
        logger = logging.getLogger("jupyter_mlx")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

        def announce(active: int) -> None:
            schedules = "schedule" if active == 1 else "schedules"
            print(
                f"jupyter-mlx scheduler: workspace {settings.workspace}, {active} active "
                f"{schedules}; SIGINT or SIGTERM stops it.",
                flush=True,
            )

        run_scheduler(settings, self.job_sizes(), self.limits(), announce)
        return 0


class ServeCommand(MLXCommandBase):
    """Serve one model over MLflow's scoring protocol on 127.0.0.1, in the foreground."""

    name = "jupyter-mlx-serve"
    command = "serve"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx serve --model URI [--port P] [--batch-window-ms N] "
        "[--max-batch-rows N] [--max-request-bytes N] [--root-dir DIR]\n\n"
        "URI is models:/NAME@ALIAS, models:/NAME/VERSION (in the workspace's registry), "
        "runs:/RUN_ID/PATH or a folder holding an MLmodel. The server answers GET /ping, "
        "/health, /version and POST /invocations as `mlflow models serve` does, batching "
        "concurrent requests (--batch-window-ms 0 turns batching off). It prints one JSON line "
        "with its port when ready; SIGINT or SIGTERM stops it.\n\n"
        "Exit status: 0 when stopped by a signal; 2 when the input is refused (a URI that does "
        "not resolve, a port in use, a bad value)."
    )
    aliases = {
        **MLXCommandBase.aliases,
        "model": "ServeCommand.model",
        "port": "ServeCommand.port",
        "batch-window-ms": "ServeCommand.batch_window_ms",
        "max-batch-rows": "ServeCommand.max_batch_rows",
        "max-request-bytes": "ServeCommand.max_request_bytes",
    }
    field_options = {
        "model": "--model",
        "port": "--port",
        "batch_window_ms": "--batch-window-ms",
        "max_batch_rows": "--max-batch-rows",
        "max_request_bytes": "--max-request-bytes",
    }
    model = Unicode("", config=True, help="The model URI to serve.")
    port = Integer(0, config=True, help="The port on 127.0.0.1 (default: a free one).")
    batch_window_ms = Float(
        DEFAULT_BATCH_WINDOW_MS,
        config=True,
        help="How long a batch stays open for more requests while the model is busy "
        "(0: no batching).",
    )
    max_batch_rows = Integer(
        DEFAULT_MAX_BATCH_ROWS, config=True, help="The most rows one batched predict takes."
    )
    max_request_bytes = Integer(
        DEFAULT_MAX_REQUEST_BYTES, config=True, help="Larger request bodies are answered 413."
    )

    def run(self) -> int:
        import os

        from .serving.server import serve

        if not self.model:
            raise InvalidInput("Give the model to serve: --model URI.", field="model")
        options = ServeOptions(
            port=self.port,
            batch_window_ms=self.batch_window_ms,
            max_batch_rows=self.max_batch_rows,
            max_request_bytes=self.max_request_bytes,
        )
        # models:/ and runs:/ URIs resolve in the workspace's store; this process serves only.
        os.environ["MLFLOW_TRACKING_URI"] = self.workspace_settings().tracking_uri
        serve(self.model, options)
        return 0


def _one(args: list[str], what: str, field: str) -> str:
    if len(args) != 1:
        raise InvalidInput(f"Give exactly one {what}.", field=field)
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


def _sweep_printer() -> Callable[[Sweep], None] | None:
    """Prints a sweep's progress on stderr when that is a terminal, each change once."""
    from .jobs.client import sweep_progress

    if not sys.stderr.isatty():
        return None
    last: list[str] = []

    def show(sweep: Sweep) -> None:
        text = sweep_progress(sweep)
        if not last or last[-1] != text:
            last.append(text)
            print(f"sweep {sweep.id[:8]} {text}", file=sys.stderr)

    return show


def _from_mlx_config(cls: Any, config: Any) -> Any:
    """A dataclass of settings (``JobSizes``, ``ScheduleLimits``) whose fields are named like
    ``MLXApp`` traits: the configured ones, else its defaults."""
    names = [field.name for field in dataclasses.fields(cls)]
    return cls(**{name: int(config[name]) for name in names if name in config})


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
    """Job definitions and job runs: notebooks run with parameters, on demand or on cron."""

    name = "jupyter-mlx-jobs"
    command = "jobs"
    description = __doc__
    subcommands: dict[str, Any] = {
        cls.command.split()[-1]: (cls, cls.__doc__)
        for cls in (
            JobCreateCommand,
            JobsListCommand,
            JobShowCommand,
            JobTriggerCommand,
            JobPauseCommand,
            JobResumeCommand,
            JobDeleteCommand,
            JobRunsListCommand,
            JobRunStopCommand,
        )
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
    return _table(rows)


def format_job_run(run: JobRun) -> str:
    """One job run, a fact a line, then its parameters and attempts."""
    status: str = run.status
    if run.progress is not None:
        status += f" (cell {run.progress.cell} of {run.progress.total})"
    lines = [
        f"job run      {run.id} (job {run.job_id})",
        f"status       {status}",
        f"notebook     {run.notebook} (kernel {run.kernel})",
        *_environment_line(run.environment, run.environment_lock_sha256),
        *([f"inputs       {', '.join(run.inputs)}"] if run.inputs else []),
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


def _environment_line(name: str | None, lock_sha256: str | None, note: str = "") -> list[str]:
    """``environment  base (lock 3dc997e2ca6c)``, or nothing without an environment."""
    if not name:
        return []
    details = [f"lock {lock_sha256[:12]}"] if lock_sha256 else []
    details += [note] if note else []
    return [f"environment  {name}" + (f" ({', '.join(details)})" if details else "")]


def _in_zone(moment: datetime | None, tz: str) -> str:
    """A fire time on the wall clock of the schedule's zone: ``2026-12-04 06:00 CET``."""
    from zoneinfo import ZoneInfo

    if moment is None:
        return "-"
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z")


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    """Rows of cells in aligned columns, the first row the heading."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def format_definitions(jobs: list[JobDefinition]) -> str:
    """A table of job definitions, one a line."""
    if not jobs:
        return "No job definitions."
    rows = [("ID", "NAME", "SCHEDULE", "NEXT FIRE", "STATE", "LAST RUN")]
    for job in jobs:
        last = job.last_run
        rows.append(
            (
                job.id,
                job.name,
                f"{job.cron} ({job.timezone})" if job.cron else "on demand",
                _in_zone(job.next_fire_at, job.timezone),
                "active" if job.active else "paused",
                f"{last.status} {_iso(last.created_at)}" if last else "-",
            )
        )
    return _table(rows)


def format_definition(job: JobDefinition) -> str:
    """One job definition, a fact a line, then its parameters."""
    schedule = "on demand (no schedule)"
    if job.cron:
        schedule = f"{job.cron} in {job.timezone}: {job.schedule_description}"
    state = "active" if job.active else "paused"
    if job.cron:
        state += f", catch-up {job.catchup}"
    if job.max_concurrent_runs == 1:
        state += ", one run at a time"
    else:
        state += f", at most {job.max_concurrent_runs} runs at once"
    runs = "none yet"
    if job.last_run is not None:
        runs = f"{job.run_count} ({job.active_runs} queued or running), last "
        runs += f"{job.last_run.status} {_iso(job.last_run.created_at)}"
    lines = [
        f"job          {job.id} ({job.name})",
        f"notebook     {job.notebook} (kernel {job.kernel})"
        + (", changed since its copy" if job.notebook_changed else ""),
        *_environment_line(
            job.environment, None, "installed before a run" if job.install_environment else ""
        ),
        *([f"inputs       {', '.join(job.inputs)}"] if job.inputs else []),
        f"schedule     {schedule}",
        f"next fire    {_in_zone(job.next_fire_at, job.timezone)}",
        f"state        {state}",
        f"runs         {runs}",
    ]
    if job.webhook_url:
        lines.append(f"webhook      {job.webhook_url} on {', '.join(job.webhook_events)}")
    if job.sweep is not None:
        lines.append(f"sweep        {job.sweep.strategy} over {', '.join(job.sweep.parameters)}")
    lines.append("parameters:")
    lines.extend(f"  {key} = {json.dumps(value)}" for key, value in sorted(job.parameters.items()))
    return "\n".join(lines)


def format_metric_differences(differences: Sequence[MetricDifference]) -> str:
    """The metrics of a run and of its reproduction, side by side."""

    def value(number: float | None) -> str:
        return "-" if number is None else f"{number:.6g}"

    rows = [("METRIC", "ORIGINAL", "REPRODUCED", "DIFFERENCE")]
    rows += [
        (d.key, value(d.original), value(d.reproduced), value(d.difference)) for d in differences
    ]
    return _table(rows)


def format_sweep(sweep: Sweep) -> str:
    """One sweep, a fact a line, then its trials."""
    from .jobs.client import sweep_progress

    lines = [
        f"sweep        {sweep.id} ({sweep.name})",
        f"notebook     {sweep.notebook}",
        f"strategy     {sweep.strategy}, {sweep.total} trials, at most "
        f"{sweep.max_concurrent_runs} at once",
        f"status       {sweep_progress(sweep)}",
    ]
    if sweep.metric:
        lines.append(f"metric       {sweep.metric} ({sweep.direction})")
    lines.append(f"mlflow run   {sweep.mlflow_run_id or '-'} (experiment {sweep.experiment})")
    lines.append("trials:")
    if sweep.trials:
        rows = [("  #", "RUN ID", "STATUS", "OBJECTIVE", "VALUES")]
        for trial in sweep.trials:
            values = ", ".join(f"{k}={json.dumps(v)}" for k, v in trial.values.items())
            objective = "-" if trial.objective is None else f"{trial.objective:.6g}"
            rows.append((f"  {trial.number}", trial.run.id, trial.run.status, objective, values))
        lines.append(_table(rows))
    return "\n".join(lines)


_ENV_EXIT_STATUS = (
    "Exit status: 0 when done; 1 when the work failed (a channel cannot be reached{what}); 2 "
    "when the input is refused (no NAME or an unknown one, an unknown option{refused})."
)
_ENV_THROUGH_SERVER = (
    "When a server with jupyter-mlx serves the root, the command goes through its API (the "
    "server owns the workspace's environments); otherwise it runs here, with the c.MLXApp "
    "settings of jupyter_server_config (environment_dirs, channels, lock_platforms, solver)."
)


class _EnvironmentCommand(MLXCommandBase):
    """A command on the workspace's environments: through the server that serves the root,
    else in this process."""

    takes_arguments = True

    def environments(self, *, migrate: bool = False) -> Any:
        """The environments of the server serving the root, else of this process (a context
        manager); ``migrate`` creates the workspace's store first when in this process."""
        from .environments.client import environment_config, environments_for

        config = environment_config(self.config.get("MLXApp", {}))
        return environments_for(self.workspace_settings(), config, migrate=migrate)

    def environment_name(self) -> str:
        return _one(self.extra_args, "NAME", "name")

    def report(self, environment: Environment) -> None:
        """Print an environment: its record with ``--json``, else a fact a line."""
        if self.json:
            print(environment.model_dump_json(indent=2))
        else:
            print(format_environment(environment))


class EnvListCommand(_EnvironmentCommand):
    """List the workspace's environments with their state."""

    name = "jupyter-mlx-env-list"
    command = "env list"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx env list [--json]\n\nEach environment is declared by "
        "an environment.yml or a requirements.in in the root, envs/ or a folder directly in "
        "one (c.MLXApp.environment_dirs). --json prints one record an environment (name, "
        "state, spec_path, lock_path, prefix, kernel, ...); a spec that cannot be read is a "
        "warning line on stderr. " + _ENV_THROUGH_SERVER + "\n\n"
        "Exit status: 0; 2 when an option is refused."
    )
    takes_arguments = False

    def run(self) -> int:
        with self.environments() as environments:
            listing = environments.list()
        for problem in listing.problems:
            print(f"warning: {problem.spec_path}: {problem.message}", file=sys.stderr)
        if self.json:
            records = [environment.model_dump(mode="json") for environment in listing.environments]
            print(json.dumps(records, indent=2))
        else:
            print(format_environments(listing.environments))
        return 0


class EnvShowCommand(_EnvironmentCommand):
    """Show an environment: its state, spec, lock, prefix and kernel, and what to do next."""

    name = "jupyter-mlx-env-show"
    command = "env show"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx env show NAME [--json]\n\nA stale environment "
        "lists the spec lines changed since its lock. " + _ENV_THROUGH_SERVER + "\n\n"
        "Exit status: 0; 2 for no NAME or an unknown one."
    )

    def run(self) -> int:
        name = self.environment_name()
        with self.environments() as environments:
            self.report(environments.get(name))
        return 0


class EnvCreateCommand(_EnvironmentCommand):
    """Declare an environment: write its spec to envs/NAME/."""

    name = "jupyter-mlx-env-create"
    command = "env create"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx env create NAME [--flavour conda|pip] "
        "[--channel CHANNEL]... [--dep SPEC]... [--pip REQUIREMENT]... [--json]\n\n"
        "A conda environment is written as envs/NAME/environment.yml with its channels "
        "(default: c.MLXApp.channels, else conda-forge when locked), its --dep match specs and "
        "a pip: list of its --pip requirements; a pip one as envs/NAME/requirements.in with "
        "its --dep requirements. Lock it next with `jupyter mlx env lock NAME`. "
        + _ENV_THROUGH_SERVER
        + "\n\nExit status: 0 when declared; 2 when refused (a bad name or match spec, no "
        "dependency, a name another spec declares, a folder that holds a spec)."
    )
    word_options = {
        "--channel": ("channels", "a channel", "CHANNEL"),
        "--dep": ("dependencies", "a dependency", "SPEC"),
        "--pip": ("pip", "a pip requirement", "REQUIREMENT"),
    }
    aliases = {**MLXCommandBase.aliases, "flavour": "EnvCreateCommand.flavour"}
    field_options = {
        "channels": "--channel",
        "dependencies": "--dep",
        "pip": "--pip",
        "flavour": "--flavour",
    }
    flavour = Enum(
        ["conda", "pip"],
        "conda",
        config=True,
        help="conda (an environment.yml) or pip (a requirements.in).",
    )

    def option(self, field: str) -> str:
        """How a refused field is named: NAME, or its option (``pip.0`` is ``--pip``)."""
        head = field.split(".")[0]
        return "NAME" if head == "name" else self.field_options.get(head, f"--{head}")

    def run(self) -> int:
        from pydantic import ValidationError

        from .environments.schemas import CreateEnvironmentRequest

        values = {
            "name": self.environment_name(),
            "flavour": self.flavour,
            "channels": [channel for (channel,) in self.words["channels"]],
            "dependencies": [spec for (spec,) in self.words["dependencies"]],
            "pip": [requirement for (requirement,) in self.words["pip"]],
        }
        try:
            request = CreateEnvironmentRequest.model_validate(values)
        except ValidationError as exc:
            raise invalid_input(exc, name=self.option) from exc
        with self.environments() as environments:
            self.report(environments.create(request))
        return 0


class EnvLockCommand(_EnvironmentCommand):
    """Lock an environment: solve its spec and write its lock beside it."""

    name = "jupyter-mlx-env-lock"
    command = "env lock"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx env lock NAME [--solver rattler|conda-lock] "
        "[--json]\n\nA conda spec is locked to conda-lock.yml (conda-lock's format) for "
        "c.MLXApp.lock_platforms, by py-rattler (default) or by conda-lock, which needs a "
        "conda, mamba or micromamba executable; pip requirements are locked with uv to "
        "requirements.lock. Nothing is written when the solve fails. "
        + _ENV_THROUGH_SERVER
        + "\n\n"
        + _ENV_EXIT_STATUS.format(what="", refused=", a spec that cannot be satisfied")
    )
    aliases = {**MLXCommandBase.aliases, "solver": "EnvLockCommand.solver"}
    field_options = {"solver": "--solver"}
    solver = Enum(
        ["rattler", "conda-lock"],
        None,
        allow_none=True,
        config=True,
        help="rattler or conda-lock (default: c.MLXApp.solver, else rattler).",
    )

    def run(self) -> int:
        name = self.environment_name()
        with self.environments() as environments:
            self.report(environments.lock(name, self.solver))
        return 0


class EnvInstallCommand(_EnvironmentCommand):
    """Install an environment from its lock, with a kernel when it has ipykernel."""

    name = "jupyter-mlx-env-install"
    command = "env install"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx env install NAME [--no-wait] [--json]\n\n"
        "It is installed into .mlx/envs/NAME through a temporary prefix swapped in only on "
        "success, so a failed install leaves the previous one working; the lock it already "
        "holds is not installed again. The command follows the install to its end, its log "
        "lines on stderr, then prints the environment (through a server, --no-wait prints it "
        "at once, installing). "
        + _ENV_THROUGH_SERVER
        + "\n\n"
        + _ENV_EXIT_STATUS.format(
            what=", the install failed", refused=", an environment not locked or stale"
        )
    )
    flags = {
        **MLXCommandBase.flags,
        "no-wait": (
            {"EnvInstallCommand": {"wait": False}},
            "Print the environment at once, installing, instead of following the install.",
        ),
    }
    wait = Bool(True, config=True, help="Follow the install to its end.")

    def run(self) -> int:
        from .environments.client import ServerEnvironments, install

        name = self.environment_name()

        def show(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        with self.environments() as environments:
            # An install in this process ends before the process does: it is followed.
            wait = self.wait or not isinstance(environments, ServerEnvironments)
            environment = install(environments, name, wait=wait, on_line=show)
        self.report(environment)
        if environment.state == "failed":
            reason = " ".join((environment.error or "see its log").split())  # one line
            print(f"error: installing {name!r} failed: {reason}", file=sys.stderr)
            return EXIT_FAILED
        return 0


class EnvRemoveCommand(_EnvironmentCommand):
    """Remove an environment's installed prefix, kernel and state (its spec too if told)."""

    name = "jupyter-mlx-env-remove"
    command = "env remove"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx env remove NAME [--delete-spec] [--json]\n\n"
        "Its spec and lock stay unless --delete-spec. Prints nothing (--json: "
        '{"removed": NAME}). ' + _ENV_THROUGH_SERVER + "\n\n"
        "Exit status: 0 when removed; 2 for no NAME or an unknown one, or an environment that "
        "a job definition uses (named) or that is being installed."
    )
    flags = {
        **MLXCommandBase.flags,
        "delete-spec": (
            {"EnvRemoveCommand": {"delete_spec": True}},
            "Delete its spec and lock files too.",
        ),
    }
    delete_spec = Bool(False, config=True, help="Delete its spec and lock files too.")

    def run(self) -> int:
        name = self.environment_name()
        with self.environments() as environments:
            environments.get(name)  # an unknown name is refused before a store is made for it
        with self.environments(migrate=True) as environments:
            environments.remove(name, delete_spec=self.delete_spec)
        if self.json:
            print(json.dumps({"removed": name}))
        return 0


class EnvCommand(CommandGroup):
    """Environments: declared in a spec, locked, installed with a kernel of their own."""

    name = "jupyter-mlx-env"
    command = "env"
    description = __doc__
    subcommands: dict[str, Any] = {
        cls.command.split()[-1]: (cls, cls.__doc__)
        for cls in (
            EnvListCommand,
            EnvShowCommand,
            EnvCreateCommand,
            EnvLockCommand,
            EnvInstallCommand,
            EnvRemoveCommand,
        )
    }


def format_environments(environments: Sequence[Environment]) -> str:
    """A table of environments, one a line."""
    if not environments:
        return (
            "No environments: declare one in envs/NAME/environment.yml, or with "
            "`jupyter mlx env create NAME --dep SPEC`."
        )
    rows = [("NAME", "STATE", "FLAVOUR", "PACKAGES", "KERNEL", "SPEC")]
    for environment in environments:
        rows.append(
            (
                environment.name,
                environment.state,
                environment.flavour,
                str(environment.packages) if environment.lock_sha256 else "-",
                environment.kernel or "-",
                environment.spec_path,
            )
        )
    return _table(rows)


def format_environment(environment: Environment) -> str:
    """One environment, a fact a line, then its dependencies and what to do next."""
    from .environments.client import kernel_fix

    lock = "-"
    if environment.lock_path:
        lock = f"{environment.lock_path} ({(environment.lock_sha256 or '')[:12]}, "
        lock += f"{', '.join(environment.platforms)}, locked {_iso(environment.locked_at)})"
    state: str = environment.state
    if environment.progress is not None:
        progress = environment.progress
        state += f" ({progress.phase}, {progress.done} of {progress.total or '?'})"
    lines = [
        f"environment  {environment.name} ({environment.flavour})",
        f"state        {state}",
        f"spec         {environment.spec_path}",
        f"lock         {lock}",
        f"prefix       {environment.prefix or '-'}"
        + (f" (installed {_iso(environment.installed_at)})" if environment.installed_at else ""),
        f"kernel       {environment.kernel or '-'}",
    ]
    if environment.flavour == "conda":
        lines.append(f"channels     {', '.join(environment.channels) or '-'}")
    if environment.lock_sha256:
        lines.append(f"packages     {environment.packages}")
    if environment.error:
        lines.append(f"error        {environment.error}")
    fix = kernel_fix(environment, None)
    if fix:
        lines.append(f"next         {fix}")
    lines.append("dependencies:")
    lines.extend(f"  {dependency}" for dependency in environment.dependencies)
    if environment.pip:
        lines.append("pip:")
        lines.extend(f"  {requirement}" for requirement in environment.pip)
    if environment.stale_lines:
        lines.append("spec lines changed since the lock:")
        lines.extend(f"  {line.as_diff()}" for line in environment.stale_lines)
    return "\n".join(lines)


_MODELS_THROUGH_SERVER = (
    "When a server with jupyter-mlx serves the root, the command goes through its API (the "
    "server records the alias moves, under its user); otherwise it runs here, recording "
    "them under $JUPYTERHUB_USER or the login name."
)
_GATE_WORDS = {"--gate": ("gates", "a gate", "GATE")}
_GATES_HELP = (
    "Each --gate is METRIC OP VALUE, OP one of < <= > >= == !=, VALUE a number or ALIAS.METRIC: "
    "champion.METRIC is the metric of the version the moved alias holds now, any other "
    "ALIAS.METRIC that alias's ('loss < champion.loss'; it passes when the alias points "
    "nowhere). --smoke loads the model in a subprocess and predicts on its logged input example. "
    "Without --gate the model's default metric gates run, without --smoke or --no-smoke its "
    "default for the smoke test (`jupyter mlx models gates NAME`)."
)
_MOVE_EXIT_STATUS = (
    "Each gate's verdict is printed on stderr as it finishes, then the promotion on stdout.\n\n"
    "Exit status: 0 when the alias moved; 1 when a gate refused it or a step failed (nothing "
    "is registered and the alias stays; the failing gates are named on stderr); 2 when the "
    "input is refused ({what})."
)
_MODEL_EXIT_STATUS = (
    "Exit status: 0 when done; 1 when the tracking store cannot be reached; 2 when the input "
    "is refused ({what}), or when there is no workspace."
)


class _ModelCommand(MLXCommandBase):
    """A command on the registered models: through the server that serves the root, else in
    this process."""

    takes_arguments = True

    def models(self) -> Any:
        """The models of the server serving the root, else of this process (a context manager)."""
        from .models.client import models_for

        return models_for(self.workspace_settings())

    def user(self) -> str:
        from .models.client import local_user

        return local_user()

    def validated(self, schema: Any, **values: Any) -> Any:
        """A request from the command's values, a refused one naming its option."""
        from pydantic import ValidationError

        def option(field: str) -> str:
            head = field.split(".")[0]
            return self.field_options.get(head, "--" + head.replace("_", "-"))

        try:
            return schema.model_validate(values)
        except ValidationError as exc:
            raise invalid_input(exc, name=option) from exc

    def arguments(self, *names: str) -> list[str]:
        """The positional arguments, exactly ``names`` of them."""
        if len(self.extra_args) != len(names):
            raise InvalidInput(f"Give {' and '.join(names)}.", field=names[0].lower())
        return list(self.extra_args)

    def print_model(self, model: Any, text: str) -> None:
        print(model.model_dump_json(indent=2) if self.json else text)


class _GatedCommand(_ModelCommand):
    """A command moving an alias behind gates (``promote``, ``alias``)."""

    word_options = _GATE_WORDS
    flags = {
        **MLXCommandBase.flags,
        "smoke": ({"_GatedCommand": {"smoke": True}}, "Run the smoke test."),
        "no-smoke": ({"_GatedCommand": {"smoke": False}}, "Do not run the smoke test."),
    }
    smoke = Bool(None, allow_none=True, config=True, help="Run the smoke test.")
    note = Unicode("", config=True, help="Why, recorded in the alias history.")

    def gates(self) -> list[str] | None:
        """The ``--gate`` values; None without any (the model's default metric gates)."""
        return [gate for (gate,) in self.words["gates"]] or None

    def report(self, promotion: Any) -> int:
        """Print the promotion; exit 1, its refusal on stderr, unless it promoted."""
        from .models.client import promotion_text, refusal

        self.print_model(promotion, promotion_text(promotion))
        if promotion.state == "promoted":
            return 0
        print(
            f"error: {promotion.name}@{promotion.alias} {promotion.state}: {refusal(promotion)}",
            file=sys.stderr,
        )
        return EXIT_FAILED


def _gate_printer() -> Any:
    """An ``on_progress`` printing each gate's verdict on stderr as it finishes."""
    from .models.client import GateReporter, gate_line

    return GateReporter(lambda gate: print(f"gate {gate_line(gate)}", file=sys.stderr, flush=True))


class ModelsListCommand(_ModelCommand):
    """List the registered models with their aliases."""

    name = "jupyter-mlx-models-list"
    command = "models list"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models list [--search TEXT] [--max N] [--json]\n\n"
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MODEL_EXIT_STATUS.format(what="an unknown option, a bad --max")
    )
    takes_arguments = False
    aliases = {
        **MLXCommandBase.aliases,
        "search": "ModelsListCommand.search",
        "max": "ModelsListCommand.max_results",
    }
    field_options = {"search": "--search", "max_results": "--max"}
    search = Unicode("", config=True, help="Only models whose name holds this text.")
    max_results = Integer(50, config=True, help="How many models to list (at most 1000).")

    def run(self) -> int:
        from .models.schemas import ListModelsQuery

        query = self.validated(ListModelsQuery, search=self.search, max_results=self.max_results)
        with self.models() as models:
            page = models.list(query)
        if self.json:
            print(json.dumps([model.model_dump(mode="json") for model in page.models], indent=2))
        else:
            print(format_models(page.models))
        return 0


class ModelsShowCommand(_ModelCommand):
    """Show a registered model: its aliases, default gates and versions with their runs."""

    name = "jupyter-mlx-models-show"
    command = "models show"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models show NAME [--json]\n\n"
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MODEL_EXIT_STATUS.format(what="no NAME or an unknown one")
    )

    def run(self) -> int:
        [name] = self.arguments("NAME")
        with self.models() as models:
            model = models.describe(name)
        self.print_model(model, format_model(model))
        return 0


class ModelsHistoryCommand(_ModelCommand):
    """Show who moved which alias of a model, when, from and to which version, newest first."""

    name = "jupyter-mlx-models-history"
    command = "models history"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models history NAME [--json]\n\nMoves made outside "
        "jupyter-mlx (the MLflow UI or API) are listed as 'outside', found when the model is "
        "read. "
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MODEL_EXIT_STATUS.format(what="no NAME or an unknown one")
    )

    def run(self) -> int:
        [name] = self.arguments("NAME")
        with self.models() as models:
            history = models.history(name)
        self.print_model(history, format_history(history.moves))
        return 0


class ModelsPromoteCommand(_GatedCommand):
    """Register a run's model as a new version and move an alias to it, behind gates."""

    name = "jupyter-mlx-models-promote"
    command = "models promote"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models promote --run RUN_ID [--artifact-path PATH] "
        '--name NAME --alias ALIAS [--gate "METRIC OP VALUE"]... [--smoke|--no-smoke] '
        "[--note TEXT] [--json]\n\n"
        "--artifact-path names the model: its name at logging (log_model(..., name=...)), its "
        "artifact folder or runs:/RUN_ID/PATH; default: the run's only model. A new NAME "
        "creates the registered model. "
        + _GATES_HELP
        + " "
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MOVE_EXIT_STATUS.format(
            what="an unknown run, a run without that model, a bad name, alias or gate, a metric "
            "the run lacks"
        )
    )
    takes_arguments = False
    aliases = {
        **MLXCommandBase.aliases,
        "run": "ModelsPromoteCommand.run_id",
        "artifact-path": "ModelsPromoteCommand.artifact_path",
        "name": "ModelsPromoteCommand.model_name",
        "alias": "ModelsPromoteCommand.alias",
        "note": "ModelsPromoteCommand.note",
    }
    field_options = {
        "run_id": "--run",
        "artifact_path": "--artifact-path",
        "name": "--name",
        "alias": "--alias",
        "gates": "--gate",
        "smoke": "--smoke",
        "note": "--note",
    }
    run_id = Unicode("", config=True, help="The MLflow run whose model is promoted.")
    artifact_path = Unicode("", config=True, help="Which of the run's models.")
    model_name = Unicode("", config=True, help="The registered model, existing or new.")
    alias = Unicode("", config=True, help="The alias to move (champion, staging, ...).")

    def run(self) -> int:
        from .models.schemas import PromoteRequest

        request = self.validated(
            PromoteRequest,
            run_id=self.run_id,
            artifact_path=self.artifact_path or None,
            name=self.model_name,
            alias=self.alias,
            gates=self.gates(),
            smoke=self.smoke,
            note=self.note,
        )
        with self.models() as models:
            promotion = models.promote(request, user=self.user(), on_progress=_gate_printer())
        return self.report(promotion)


class ModelsAliasCommand(_GatedCommand):
    """Move an alias of a model to one of its versions, behind gates."""

    name = "jupyter-mlx-models-alias"
    command = "models alias"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models alias NAME ALIAS --version V "
        '[--gate "METRIC OP VALUE"]... [--smoke|--no-smoke] [--note TEXT] [--json]\n\n'
        "The gates check the version's run. "
        + _GATES_HELP
        + " "
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MOVE_EXIT_STATUS.format(what="an unknown model or version, a bad alias or gate")
    )
    word_options = {**_GATE_WORDS, "--version": ("version", "a version", "V")}
    aliases = {**MLXCommandBase.aliases, "note": "ModelsAliasCommand.note"}
    field_options = {
        "version": "--version",
        "gates": "--gate",
        "note": "--note",
    }

    def run(self) -> int:
        from .models.schemas import MoveAliasRequest

        name, alias = self.arguments("NAME", "ALIAS")
        versions = [version for (version,) in self.words["version"]]
        if len(versions) != 1:
            raise InvalidInput("Give the version once: --version V.", field="version")
        request = self.validated(
            MoveAliasRequest,
            version=versions[0],
            gates=self.gates(),
            smoke=self.smoke,
            note=self.note,
        )
        with self.models() as models:
            promotion = models.move_alias(
                name, alias, request, user=self.user(), on_progress=_gate_printer()
            )
        return self.report(promotion)


class ModelsUnaliasCommand(_ModelCommand):
    """Remove an alias from a model; its version stays."""

    name = "jupyter-mlx-models-unalias"
    command = "models unalias"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models unalias NAME ALIAS [--json]\n\nThe removal "
        'is recorded in the alias history. Prints nothing (--json: {"removed": ALIAS, "model": '
        "NAME}). "
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MODEL_EXIT_STATUS.format(what="an unknown model or alias")
    )

    def run(self) -> int:
        name, alias = self.arguments("NAME", "ALIAS")
        with self.models() as models:
            models.remove_alias(name, alias, user=self.user())
        if self.json:
            print(json.dumps({"removed": alias, "model": name}))
        return 0


class ModelsRollbackCommand(_ModelCommand):
    """Move an alias back to the version it held before its last move."""

    name = "jupyter-mlx-models-rollback"
    command = "models rollback"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models rollback NAME ALIAS [--note TEXT] [--json]\n\n"
        "No gate runs: the version held the alias before. The move is recorded in the alias "
        "history. "
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MODEL_EXIT_STATUS.format(
            what="an unknown model or alias, an alias that held no earlier version"
        )
    )
    aliases = {**MLXCommandBase.aliases, "note": "ModelsRollbackCommand.note"}
    field_options = {"note": "--note"}
    note = Unicode("", config=True, help="Why, recorded in the alias history.")

    def run(self) -> int:
        from .models.schemas import RollbackRequest

        name, alias = self.arguments("NAME", "ALIAS")
        request = self.validated(RollbackRequest, note=self.note)
        with self.models() as models:
            move = models.rollback(name, alias, request, user=self.user())
        self.print_model(move, format_move(move))
        return 0


class ModelsGatesCommand(_ModelCommand):
    """Show or set the gates a model's promotions run by default."""

    name = "jupyter-mlx-models-gates"
    command = "models gates"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx models gates NAME "
        '[--gate "METRIC OP VALUE"]... [--smoke|--no-smoke] [--json]\n\n'
        "Without --gate, --smoke or --no-smoke it prints them; otherwise the given gates "
        "replace them (--no-smoke alone clears them). They are stored on the registered model "
        "as its tag mlx.gates, and run by a promotion that gives none. "
        + _MODELS_THROUGH_SERVER
        + "\n\n"
        + _MODEL_EXIT_STATUS.format(what="an unknown model, a bad gate")
    )
    word_options = _GATE_WORDS
    flags = {
        **MLXCommandBase.flags,
        "smoke": ({"ModelsGatesCommand": {"smoke": True}}, "Run the smoke test by default."),
        "no-smoke": ({"ModelsGatesCommand": {"smoke": False}}, "Run no smoke test by default."),
    }
    field_options = {"metrics": "--gate", "gates": "--gate", "smoke": "--smoke"}
    smoke = Bool(None, allow_none=True, config=True, help="Run the smoke test by default.")

    def run(self) -> int:
        from .models.schemas import Gates

        [name] = self.arguments("NAME")
        metrics = [gate for (gate,) in self.words["gates"]]
        with self.models() as models:
            if not metrics and self.smoke is None:
                gates = models.describe(name).gates
            else:
                wanted = self.validated(Gates, metrics=metrics, smoke=bool(self.smoke))
                gates = models.set_gates(name, wanted)
        self.print_model(gates, format_gates(gates))
        return 0


class ModelsCommand(CommandGroup):
    """Registered models: promote a run's model behind gates, move and roll back aliases."""

    name = "jupyter-mlx-models"
    command = "models"
    description = __doc__
    subcommands: dict[str, Any] = {
        cls.command.split()[-1]: (cls, cls.__doc__)
        for cls in (
            ModelsListCommand,
            ModelsShowCommand,
            ModelsHistoryCommand,
            ModelsPromoteCommand,
            ModelsAliasCommand,
            ModelsUnaliasCommand,
            ModelsRollbackCommand,
            ModelsGatesCommand,
        )
    }


def format_models(models: Sequence[ModelSummary]) -> str:
    """A table of registered models, one a line."""
    if not models:
        return "No registered models: promote a run's model with `jupyter mlx models promote`."
    rows = [("NAME", "LATEST", "ALIASES", "UPDATED")]
    for model in models:
        aliases = ", ".join(f"{alias}={number}" for alias, number in sorted(model.aliases.items()))
        rows.append((model.name, model.latest_version or "-", aliases or "-", _when(model.updated)))
    return _table(rows)


def format_gates(gates: Gates) -> str:
    """A model's default gates, one a line."""
    lines = [f"gate         {gate}" for gate in gates.metrics]
    lines.append(f"smoke test   {'yes' if gates.smoke else 'no'}")
    return "\n".join(lines)


def format_model(model: DescribeModel) -> str:
    """One registered model, a fact a line, then its versions."""
    aliases = ", ".join(f"{alias} -> {version}" for alias, version in sorted(model.aliases.items()))
    lines = [
        f"model        {model.name}",
        f"aliases      {aliases or '-'}",
        f"created      {_when(model.created)}",
        f"updated      {_when(model.updated)}",
    ]
    if model.description:
        lines.append(f"description  {model.description}")
    lines.append(format_gates(model.gates))
    lines.append("versions:")
    rows = [("VERSION", "ALIASES", "RUN", "NOTEBOOK", "CREATED", "METRICS")]
    for version in model.versions:
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in sorted(version.metrics.items())[:3])
        rows.append(
            (
                version.version,
                ", ".join(version.aliases) or "-",
                version.run_id or "-",
                version.notebook or "-",
                _when(version.created),
                metrics or "-",
            )
        )
    lines.extend(f"  {line}" for line in _table(rows).splitlines())
    return "\n".join(lines)


def format_move(move: AliasMove) -> str:
    """One alias move in one line: ``champion 2 -> 1 rollback by ann (moved)``."""
    who = f" by {move.user}" if move.user else ""
    note = f": {move.note}" if move.note else ""
    error = f" ({move.error})" if move.error else ""
    return (
        f"{_iso(move.at)}  {move.model}@{move.alias} {move.from_version or '-'} -> "
        f"{move.to_version or '-'}  {move.action}{who}, {move.outcome}{error}{note}"
    )


def format_history(moves: Sequence[AliasMove]) -> str:
    """A table of alias moves, newest first."""
    if not moves:
        return "No alias moves."
    rows = [("AT", "ALIAS", "FROM", "TO", "ACTION", "OUTCOME", "USER", "NOTE")]
    for move in moves:
        rows.append(
            (
                _iso(move.at),
                move.alias,
                move.from_version or "-",
                move.to_version or "-",
                move.action,
                move.outcome,
                move.user or "-",
                move.note or "-",
            )
        )
    return _table(rows)


class MLXCommand(CommandGroup):
    """jupyter mlx: environments, experiments, jobs, models and endpoints from the command line."""

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
        "reproduce": (ReproduceCommand, ReproduceCommand.__doc__),
        "jobs": (JobsCommand, JobsCommand.__doc__),
        "sweep": (SweepCommand, SweepCommand.__doc__),
        "scheduler": (SchedulerCommand, SchedulerCommand.__doc__),
        "env": (EnvCommand, EnvCommand.__doc__),
        "models": (ModelsCommand, ModelsCommand.__doc__),
        "serve": (ServeCommand, ServeCommand.__doc__),
        # Imported when used: the endpoints commands live with the rest of serving.
        "endpoints": (
            "jupyter_mlx.serving.cli.EndpointsCommand",
            "Endpoints: models served over MLflow's scoring protocol, supervised by the server.",
        ),
    }


def main(argv: list[str] | None = None) -> None:
    """Console entry point of ``jupyter-mlx`` (and so of ``jupyter mlx``)."""
    MLXCommand.launch_instance(argv)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["MLXCommand", "main"]
