"""The REST client the CLI and the magics use to reach the server that owns a workspace.

A kernel started by a jupyter-mlx server has the server's address in ``MLX_SERVER_URL`` (and
its token in ``MLX_SERVER_TOKEN``). Any other process finds the server through Jupyter Server's
own runtime files (``list_running_servers``): one serving the same root, alive, with jupyter-mlx
enabled on the same workspace. jupyter-mlx writes no file of its own holding a token.

Errors come back as the server sent them: ``{message, code, field}`` becomes the matching
:class:`~jupyter_mlx.errors.MLXError`, as the front-end's ``MLXResponseError`` does.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .config import ROOT_DIR_ENV, SERVER_TOKEN_ENV, SERVER_URL_ENV, Settings
from .errors import MLXError, Unavailable, from_json

if TYPE_CHECKING:
    from .status import DescribeServer

API_PREFIX = "mlx/api/"
REQUEST_TIMEOUT_S = 30.0
PROBE_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class RunningServer:
    """A Jupyter server with jupyter-mlx that serves a workspace.

    Attributes:
        url: Its base URL, ending with ``/`` (``http://127.0.0.1:8888/user/ann/``).
        token: The token its API accepts ("" when it needs none).
        root_dir: Its root folder.
        pid: Its process id, when known.
    """

    url: str
    token: str
    root_dir: Path
    pid: int | None = None


class ServerClient:
    """Calls one server's ``/mlx/api/`` routes.

    Args:
        server: The server.
        timeout: Seconds a request may take.
    """

    def __init__(self, server: RunningServer, *, timeout: float = REQUEST_TIMEOUT_S) -> None:
        self.server = server
        self.timeout = timeout

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request and return its decoded JSON answer (None for 204).

        Args:
            method: HTTP verb.
            path: Route under ``/mlx/api/``, e.g. ``config`` or ``runs/abc``.
            body: A JSON-serializable body, or None.

        Raises:
            MLXError: The server refused the request (the subclass of its ``code``).
            Unavailable: The server cannot be reached.
        """
        url = self.server.url + API_PREFIX + quote(path.lstrip("/"), safe="/?=&")
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.server.token:
            headers["Authorization"] = f"token {self.server.token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise from_json(exc.code, _json_or_none(exc.read())) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unavailable(
                f"The jupyter-mlx server at {self.server.url} cannot be reached: {reason}"
            ) from exc
        return _json_or_none(raw) if raw else None

    def get(self, path: str) -> Any:
        """``GET /mlx/api/<path>``."""
        return self.request("GET", path)


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _candidates(settings: Settings, environ: Mapping[str, str]) -> Iterator[RunningServer]:
    """Servers that may own the workspace: the one that started this process, then the rest."""
    if environ.get(SERVER_URL_ENV):
        root = environ.get(ROOT_DIR_ENV)
        yield RunningServer(
            url=environ[SERVER_URL_ENV].rstrip("/") + "/",
            token=environ.get(SERVER_TOKEN_ENV, ""),
            root_dir=Path(root).resolve() if root else settings.root_dir,
        )
    from jupyter_server.serverapp import list_running_servers

    for info in list_running_servers():
        yield RunningServer(
            url=str(info["url"]).rstrip("/") + "/",
            token=str(info.get("token") or ""),
            root_dir=Path(info.get("root_dir") or "/").expanduser().resolve(),
            pid=info.get("pid"),
        )


def servers_may_run(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a Jupyter server may be running: one started this process, or the runtime
    folder holds a server's file (``jpserver-<pid>.json``, which Jupyter Server writes).

    Looked at before :func:`find_server`, which imports ``jupyter_server`` (about two
    seconds): a command on a machine where no server runs is that much faster.
    """
    from jupyter_core.paths import jupyter_runtime_dir

    env = os.environ if environ is None else environ
    if env.get(SERVER_URL_ENV):
        return True
    return any(Path(jupyter_runtime_dir()).glob("jpserver-*.json"))


def find_server(
    settings: Settings, *, environ: Mapping[str, str] | None = None
) -> RunningServer | None:
    """The running server that owns the workspace of ``settings``, or None.

    A server qualifies when it serves the same root, answers ``GET /mlx/api/config`` (so
    jupyter-mlx is enabled and the token works) and reports the same workspace. Runtime files of
    dead servers are skipped (and removed by Jupyter Server).

    Args:
        settings: The workspace.
        environ: Environment to read ``MLX_SERVER_URL`` from; default: ``os.environ``.
    """
    env = os.environ if environ is None else environ
    for server in _candidates(settings, env):
        if server.root_dir != settings.root_dir:
            continue
        try:
            status = ServerClient(server, timeout=PROBE_TIMEOUT_S).get("config")
        except MLXError:
            continue
        if isinstance(status, dict) and status.get("workspace") == str(settings.workspace):
            return server
    return None


def workspace_status(settings: Settings) -> DescribeServer:
    """The status of a workspace: the owning server's answer, else read locally.

    Reading locally creates nothing, so a folder without a workspace stays without one.

    Raises:
        MLXError: The server refused the request.
    """
    from .services import Services
    from .status import DescribeServer

    server = find_server(settings)
    if server is not None:
        return DescribeServer.model_validate(ServerClient(server).get("config"))
    with Services.opened(settings, allow_missing=True) as services:
        return services.describe()
