"""GET /mlx/api/config: the front-end's handshake."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import mlx_server_config

from jupyter_mlx import __version__
from jupyter_mlx.store import Store


async def test_config_describes_the_running_server(jp_fetch, mlx_workspace: Path) -> None:
    response = await jp_fetch("mlx", "api", "config")

    assert response.code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.body)
    assert body["version"] == __version__
    assert body["features"] == [
        "status",
        "experiments",
        "jobs",
        "environments",
        "models",
        "endpoints",
    ]
    assert body["workspace"] == str(mlx_workspace.resolve())
    assert body["tracking_uri"] == f"sqlite:///{mlx_workspace.resolve() / 'mlflow.db'}"
    assert body["store"] == {
        "url": f"sqlite:///{mlx_workspace.resolve() / 'mlx.db'}",
        "healthy": True,
        "revision": Store.head_revision(),
        "message": None,
    }
    assert (mlx_workspace / "mlx.db").is_file()
    assert (mlx_workspace / "artifacts").is_dir()


async def run_in_kernel(serverapp, code: str) -> str:
    """Start a kernel through the server's kernel manager, run ``code``, return its stdout."""
    manager = serverapp.kernel_manager
    kernel_id = await manager.start_kernel(kernel_name="python3")
    client = manager.get_kernel(kernel_id).client()
    client.start_channels()
    output: list[str] = []

    def keep(message: dict) -> None:
        if message["msg_type"] == "stream":
            output.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            output.append("\n".join(message["content"]["traceback"]))

    try:
        await client.wait_for_ready(timeout=60)
        await client.execute_interactive(code, output_hook=keep, timeout=60)
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(kernel_id, now=True)
    return "".join(output)


@pytest.mark.slow
async def test_kernels_get_the_workspace_and_reach_the_servers_api(
    jp_fetch, jp_serverapp, mlx_workspace: Path
) -> None:
    # Given a running server (its own environment untouched by the extension),
    await jp_fetch("mlx", "api", "config")
    assert "MLX_SERVER_URL" not in os.environ
    assert "MLFLOW_TRACKING_URI" not in os.environ

    # when a kernel it starts reads its environment and runs %mlx_status,
    out = await run_in_kernel(
        jp_serverapp,
        "import os, json\n"
        "print(json.dumps({k: os.environ.get(k) for k in "
        "('MLX_WORKSPACE_DIR', 'MLX_ROOT_DIR', 'MLFLOW_TRACKING_URI', 'MLX_SERVER_URL')}))\n"
        "%load_ext jupyter_mlx\n"
        "status = %mlx_status\n"
        "print(repr(status))\n",
    )

    # then the kernel has the server's workspace and address, and the magic asked that server.
    facts = json.loads(out.splitlines()[0])
    assert facts["MLX_WORKSPACE_DIR"] == str(mlx_workspace.resolve())
    assert facts["MLX_ROOT_DIR"] == str(Path(jp_serverapp.root_dir).resolve())
    assert facts["MLFLOW_TRACKING_URI"].endswith("/mlflow.db")
    assert facts["MLX_SERVER_URL"] == jp_serverapp.connection_url
    assert f"server        {jp_serverapp.connection_url} (pid {os.getpid()})" in out
    assert "store health  ok" in out


class TestWithRemoteTracking:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path) -> dict:
        return mlx_server_config(
            mlx_workspace, tracking_uri="postgresql://ann:s3cret@db.internal:5432/mlflow"
        )

    async def test_config_redacts_tracking_credentials(self, jp_fetch) -> None:
        body = json.loads((await jp_fetch("mlx", "api", "config")).body)

        assert body["tracking_uri"] == "postgresql://ann:***@db.internal:5432/mlflow"
        assert "s3cret" not in json.dumps(body)


class TestWithUnreachableStore:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path, tmp_path: Path) -> dict:
        return mlx_server_config(mlx_workspace, db_url="sqlite:///" + str(tmp_path / "ok.db"))

    async def test_a_store_deleted_under_the_server_reports_unhealthy(
        self, jp_fetch, tmp_path: Path
    ) -> None:
        (tmp_path / "ok.db").unlink()

        body = json.loads((await jp_fetch("mlx", "api", "config")).body)

        assert body["store"]["healthy"] is False
        assert body["store"]["message"] == "The store has not been created yet."
