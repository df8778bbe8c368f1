"""``jupyter mlx``: the command line face of jupyter-mlx.

Each noun is a subcommand; without a running server the CLI builds the same services from
the same configuration (``c.MLXApp.*`` in ``jupyter_server_config``).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jupyter_core.application import JupyterApp, base_aliases, base_flags
from traitlets import Bool, Integer, Unicode

from . import __version__
from .config import Settings
from .errors import InvalidInput, MLXError, invalid_input

if TYPE_CHECKING:
    from .tracking.schemas import DescribeRun, RunSummary

#: Schema fields whose command-line option has another name.
OPTIONS = {"max_results": "max"}

_WORKSPACE_ALIASES = {
    "root-dir": "MLXCommandBase.root_dir",
    "workspace": "MLXCommandBase.workspace",
    "db-url": "MLXCommandBase.db_url",
    "tracking-uri": "MLXCommandBase.tracking_uri",
}


class MLXCommandBase(JupyterApp):
    """A subcommand working on one workspace, configured like the server extension."""

    version = __version__
    # The server's configuration files carry c.MLXApp.*: read the same ones.
    config_file_name = Unicode("jupyter_server_config")
    aliases = {**base_aliases, **_WORKSPACE_ALIASES}
    flags = {
        **base_flags,
        "json": ({"MLXCommandBase": {"json": True}}, "Print JSON instead of text."),
    }

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
        try:
            code = self.run()
        except MLXError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            code = 2
        self.exit(code)

    def run(self) -> int:
        """Do the command's work; return the exit status."""
        raise NotImplementedError


class StatusCommand(MLXCommandBase):
    """Show version, workspace, tracking URI and store health (exit 1 if unhealthy)."""

    name = "jupyter-mlx-status"
    description = __doc__

    def run(self) -> int:
        from .client import workspace_status
        from .status import format_status

        status = workspace_status(self.workspace_settings())
        print(status.model_dump_json(indent=2) if self.json else format_status(status))
        return 0 if status.store.healthy else 1


class RunsListCommand(MLXCommandBase):
    """List the MLflow runs of a notebook (or of the recent experiments), newest first."""

    name = "jupyter-mlx-runs-list"
    description = __doc__
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
    description = __doc__

    def run(self) -> int:
        from .services import Services

        if len(self.extra_args) != 1:
            raise InvalidInput("Give exactly one RUN_ID.", field="run_id")
        with Services.opened(self.workspace_settings()) as services:
            run = services.tracking.get_run(self.extra_args[0])
        print(run.model_dump_json(indent=2) if self.json else format_run(run))
        return 0


class CommandGroup(JupyterApp):
    """A noun whose verbs are subcommands; without one it prints help and exits 1."""

    version = __version__

    def start(self) -> None:
        if self.subapp is None:
            self.print_help()
            print(f"\nSubcommands: {', '.join(sorted(self.subcommands))}", file=sys.stderr)
            self.exit(1)
        super().start()


class RunsCommand(CommandGroup):
    """MLflow runs of the workspace's notebooks."""

    name = "jupyter-mlx-runs"
    description = __doc__
    subcommands: dict[str, Any] = {
        "list": (RunsListCommand, RunsListCommand.__doc__),
        "show": (RunsShowCommand, RunsShowCommand.__doc__),
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


class MLXCommand(CommandGroup):
    """jupyter mlx: environments, experiments, jobs and models from the command line."""

    name = "jupyter-mlx"
    description = __doc__
    subcommands: dict[str, Any] = {
        "status": (StatusCommand, StatusCommand.__doc__),
        "runs": (RunsCommand, RunsCommand.__doc__),
    }


def main(argv: list[str] | None = None) -> None:
    """Console entry point of ``jupyter-mlx`` (and so of ``jupyter mlx``)."""
    MLXCommand.launch_instance(argv)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["MLXCommand", "main"]
