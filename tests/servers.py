"""Real ``jupyter server`` processes with jupyter-mlx, for tests that need one (a restart, a
SIGKILL, one server for a whole module)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from commands import clean_env

TOKEN = "test-token"
#: Seconds a server process may take to answer its first request.
START_WITHIN_S = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running ``jupyter server`` with jupyter-mlx, and its log."""

    api: str
    log: Path
    process: subprocess.Popen
    token: str = TOKEN

    def fetch(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        body: bytes | str | None = None,
        auth: bool = True,
    ) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"} if auth else {}
        return requests.request(
            method, self.api + path, params=params, data=body, headers=headers, timeout=60
        )

    def get(self, route: str, /, **params: Any) -> requests.Response:
        return self.fetch("GET", route, params=params)

    def post(self, route: str, body: Any) -> requests.Response:
        return self.fetch("POST", route, body=json.dumps(body))

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 15 s)."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def home_env(home: Path) -> dict[str, str]:
    """The environment of a server started in ``home`` (see :func:`start_server`), and of a
    terminal that finds it: Jupyter's folders in ``home``, nothing pointing at a workspace."""
    return clean_env(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )


def start_server(
    home: Path,
    root: Path,
    *options: str,
    base_url: str = "/",
    token: str = TOKEN,
    ready_route: str = "config",
) -> Server:
    """Start a server on ``root`` with only jupyter-mlx enabled, its Jupyter folders in ``home``,
    and wait until ``ready_route`` answers 200.

    Args:
        home: Folder for the server's config, data and runtime folders and its log.
        root: The server root.
        options: More command-line options, e.g. ``--MLXApp.workspace_dir=...``.
        base_url: The server's base URL.
        token: The token its API accepts.
        ready_route: The route under ``/mlx/api/`` whose first 200 means it is ready.
    """
    for name in ("config", "data", "runtime"):
        (home / name).mkdir(parents=True, exist_ok=True)
    only_mlx = {"jupyter_mlx": True, "jupyterlab": False, "jupyter_lsp": False}
    only_mlx |= {"notebook_shim": False, "jupyter_server_terminals": False}
    (home / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": only_mlx}})
    )
    env = home_env(home)
    port = free_port()
    log = home / f"server-{port}.log"
    argv = [
        sys.executable,
        "-m",
        "jupyter_server",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        f"--ServerApp.base_url={base_url}",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        *options,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(argv, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}{base_url}mlx/api/", log, process, token)
    try:
        wait_until_answering(server, ready_route)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_answering(server: Server, route: str) -> None:
    deadline = time.monotonic() + START_WITHIN_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The server exited:\n{server.log.read_text()}")
        try:
            if server.get(route).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"The server did not answer in {START_WITHIN_S} s:\n{server.log.read_text()}"
    )
