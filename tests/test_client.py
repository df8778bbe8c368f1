"""Finding the server that owns a workspace, from the CLI, through Jupyter's runtime files."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_mlx.client import RunningServer, ServerClient, find_server
from jupyter_mlx.config import Settings
from jupyter_mlx.errors import NotFound, Unavailable


def server_settings(serverapp, workspace: Path) -> Settings:
    return Settings.resolve(serverapp.root_dir, workspace=workspace, environ={})


def write_runtime_file(runtime_dir: Path, name: str, **info: object) -> Path:
    path = runtime_dir / f"jpserver-{name}.json"
    path.write_text(json.dumps(info))
    return path


async def jupyter_mlx(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Run the CLI in a child without blocking the loop that serves the test server."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "jupyter_mlx.cli",
        *args,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(child.communicate(), timeout=60)
    assert child.returncode is not None
    return child.returncode, out.decode(), err.decode()


async def test_the_cli_reports_the_server_that_serves_the_root(
    jp_fetch, jp_serverapp, mlx_workspace: Path
) -> None:
    await jp_fetch("mlx", "api", "config")  # the server is up and the store migrated

    code, out, err = await jupyter_mlx(
        "status", "--json", f"--workspace={mlx_workspace}", cwd=Path(jp_serverapp.root_dir)
    )

    assert code == 0, err
    status = json.loads(out)
    assert status["server"] == {"url": jp_serverapp.connection_url, "pid": os.getpid()}
    assert "token" not in out


async def test_servers_of_other_roots_other_workspaces_and_dead_ones_are_skipped(
    jp_fetch, jp_serverapp, jp_runtime_dir: Path, mlx_workspace: Path, tmp_path: Path
) -> None:
    # Given runtime files of a live server on another root and of a server that died,
    await jp_fetch("mlx", "api", "config")
    url = jp_serverapp.connection_url
    token = jp_serverapp.identity_provider.token
    write_runtime_file(jp_runtime_dir, "other", url=url, token=token, root_dir=str(tmp_path), pid=1)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    stale = write_runtime_file(
        jp_runtime_dir,
        "stale",
        url=url,
        token=token,
        root_dir=jp_serverapp.root_dir,
        pid=int(dead.stdout),
    )

    # when the workspace of the real server's root is looked up, then of another workspace there,
    owner = await asyncio.to_thread(find_server, server_settings(jp_serverapp, mlx_workspace))
    other = await asyncio.to_thread(
        find_server, server_settings(jp_serverapp, tmp_path / "another-workspace")
    )

    # the real server owns the first, nobody the second, and the stale file is gone.
    assert owner is not None
    assert owner.url == url
    assert owner.pid == os.getpid()
    assert other is None
    assert not stale.exists()


async def test_the_client_maps_the_servers_errors(jp_fetch, jp_serverapp) -> None:
    await jp_fetch("mlx", "api", "config")
    server = RunningServer(
        url=jp_serverapp.connection_url,
        token=jp_serverapp.identity_provider.token,
        root_dir=Path(jp_serverapp.root_dir),
    )

    with pytest.raises(NotFound) as raised:
        await asyncio.to_thread(ServerClient(server).get, "runs/no-such-run")
    assert raised.value.status == 404

    refused = RunningServer(url="http://127.0.0.1:9/", token="", root_dir=Path("/"))
    with pytest.raises(Unavailable, match="cannot be reached"):
        await asyncio.to_thread(ServerClient(refused, timeout=2).get, "config")
