"""``jupyter mlx``: the command line face of jupyter-mlx.

Each noun is a subcommand; without a running server the CLI builds the same services from
the same configuration (``c.MLXApp.*`` in ``jupyter_server_config``).
"""

from __future__ import annotations

import sys
from typing import Any

from jupyter_core.application import JupyterApp, base_aliases, base_flags
from traitlets import Bool, Unicode

from . import __version__
from .config import Settings
from .errors import MLXError
from .status import DescribeServer

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

    root_dir = Unicode(".", config=True, help="The server root the workspace belongs to.")
    workspace = Unicode("", config=True, help="Workspace folder (default <root-dir>/.mlx).")
    db_url = Unicode("", config=True, help="Store URL (default: the workspace's SQLite file).")
    tracking_uri = Unicode("", config=True, help="MLflow tracking URI.")
    json = Bool(False, config=True, help="Print JSON instead of text.")

    def workspace_settings(self) -> Settings:
        """Command-line values, else ``c.MLXApp`` values, else the defaults."""
        server = self.config.get("MLXApp", {})
        return Settings.resolve(
            self.root_dir,
            workspace=self.workspace or server.get("workspace_dir") or None,
            db_url=self.db_url or server.get("db_url") or None,
            tracking_uri=self.tracking_uri or server.get("tracking_uri") or None,
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
        from .services import Services

        services = Services.from_settings(self.workspace_settings(), migrate=False)
        try:
            status = services.describe()
        finally:
            services.close()
        print(status.model_dump_json(indent=2) if self.json else format_status(status))
        return 0 if status.store.healthy else 1


def format_status(status: DescribeServer) -> str:
    """The text form of a server description, one fact a line."""
    store = status.store
    health = f"ok (revision {store.revision})" if store.healthy else f"unhealthy: {store.message}"
    rows = [
        ("version", status.version),
        ("features", ", ".join(status.features)),
        ("root dir", status.root_dir),
        ("workspace", status.workspace),
        ("tracking URI", status.tracking_uri),
        ("store", f"{store.url}"),
        ("store health", health),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


class MLXCommand(JupyterApp):
    """jupyter mlx: environments, experiments, jobs and models from the command line."""

    name = "jupyter-mlx"
    version = __version__
    description = __doc__
    subcommands: dict[str, Any] = {
        "status": (StatusCommand, StatusCommand.__doc__),
    }

    def start(self) -> None:
        if self.subapp is None:
            self.print_help()
            print(f"\nSubcommands: {', '.join(sorted(self.subcommands))}", file=sys.stderr)
            self.exit(1)
        super().start()


def main(argv: list[str] | None = None) -> None:
    """Console entry point of ``jupyter-mlx`` (and so of ``jupyter mlx``)."""
    MLXCommand.launch_instance(argv)


if __name__ == "__main__":  # pragma: no cover
    main()


__all__ = ["MLXCommand", "main"]
