"""IPython magics of jupyter-mlx (``%load_ext jupyter_mlx``)."""

from __future__ import annotations

from html import escape
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class

from .config import Settings
from .errors import MLXError
from .status import DescribeServer


class WorkspaceStatus:
    """Rich display of a workspace's status (text in a console, a table in a notebook)."""

    def __init__(self, status: DescribeServer) -> None:
        self.status = status

    def __repr__(self) -> str:
        from .cli import format_status

        return format_status(self.status)

    def _repr_html_(self) -> str:
        store = self.status.store
        health = f"ok (revision {store.revision})" if store.healthy else store.message or ""
        rows = [
            ("Version", self.status.version),
            ("Workspace", self.status.workspace),
            ("Tracking URI", self.status.tracking_uri),
            ("Store", f"{store.url}: {health}"),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{escape(k)}</th><td>{escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table class='jp-mlx-WorkspaceStatus'>{body}</table>"


def kernel_settings() -> Settings:
    """The workspace of this kernel: the server's (through its environment) or the nearest."""
    from .tracking.workspace import find_workspace

    workspace = find_workspace()
    return Settings.resolve(workspace.parent, workspace=workspace)


@magics_class
class MLXMagics(Magics):
    """Thin IPython faces over the jupyter-mlx services."""

    @line_magic
    def mlx_status(self, line: str = "") -> WorkspaceStatus | None:
        """%mlx_status: show version, workspace, tracking URI and store health."""
        from .services import Services

        try:
            services = Services.from_settings(kernel_settings(), migrate=False)
            try:
                return WorkspaceStatus(services.describe())
            finally:
                services.close()
        except MLXError as exc:
            print(f"mlx: {exc.message}")
            return None


def register_magics(ipython: Any) -> None:
    """Register the jupyter-mlx magics with an IPython shell."""
    ipython.register_magics(MLXMagics)


def unregister_magics(ipython: Any) -> None:
    """Remove the jupyter-mlx magics from an IPython shell."""
    for kind in ("line", "cell"):
        for name in MLXMagics.magics[kind]:
            ipython.magics_manager.magics[kind].pop(name, None)


__all__ = ["MLXMagics", "register_magics"]
