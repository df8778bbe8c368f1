"""A real python3 kernel driven the way JupyterLab drives it: one ``execute_request`` per cell."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Executed:
    """What the front-end received for one cell."""

    status: str
    outputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Every stream's text, in order."""
        return "".join(o["content"]["text"] for o in self.outputs if o["msg_type"] == "stream")


class Kernel:
    """A started kernel and its client."""

    def __init__(self, manager: Any, client: Any) -> None:
        self.manager = manager
        self.client = client

    def execute(self, code: str, *, cell_id: str | None = None, timeout: float = 120) -> Executed:
        """Run one cell (with JupyterLab's ``cellId`` metadata when given) and wait for idle."""
        kc = self.client
        content = {
            "code": code,
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        }
        metadata = {"cellId": cell_id} if cell_id else {}
        msg = kc.session.msg("execute_request", content, metadata=metadata)
        kc.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
        executed = Executed(status="unknown")
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                executed.status = reply["content"]["status"]
                break
        while True:
            message = kc.get_iopub_msg(timeout=timeout)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind = message["msg_type"]
            if kind == "status" and message["content"]["execution_state"] == "idle":
                return executed
            if kind in ("stream", "display_data", "execute_result", "error", "clear_output"):
                executed.outputs.append({"msg_type": kind, "content": message["content"]})


def kernel_env(workspace: Path, notebook: Path | None, **extra: str) -> dict[str, str]:
    """A kernel environment as a jupyter-mlx server gives it: workspace, root, notebook."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MLX_", "JPY_"))}
    env["MLX_WORKSPACE_DIR"] = str(workspace)
    env["MLX_ROOT_DIR"] = str(REPO_ROOT)
    if notebook is not None:
        env["JPY_SESSION_NAME"] = str(notebook)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@contextmanager
def running_kernel(env: Mapping[str, str], cwd: Path) -> Iterator[Kernel]:
    """A python3 kernel with ``env`` in ``cwd``, shut down after."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(
        kernel_name="python3", env=dict(env), cwd=str(cwd), startup_timeout=60
    )
    try:
        yield Kernel(manager, client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
