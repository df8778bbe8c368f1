"""Run the scoring server of one model on uvicorn (uvloop event loop, httptools parser).

:func:`serve` binds 127.0.0.1 on the given port (or a free one) before the model loads, so
a port in use is refused at once, then loads the model once, and prints one JSON line when it
answers requests::

    {"event": "ready", "url": "http://127.0.0.1:8123", "port": 8123, "model_uri": "...",
     "pid": 4242}

SIGINT and SIGTERM stop it: requests in flight are answered first.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import uvicorn

from ..errors import InvalidInput
from .options import HOST, ServeOptions

if TYPE_CHECKING:
    from .app import ScoringApp


def bind(port: int, host: str = HOST) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: a free port).

    Raises:
        InvalidInput: The port is in use.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InvalidInput(f"Port {port} on {host} is in use.", field="port") from exc
        raise InvalidInput(
            f"Cannot listen on {host}:{port}: {exc.strerror}.", field="port"
        ) from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def announce_ready(port: int, model_uri: str) -> None:
    """Print the one JSON line saying the server answers requests."""
    line = {
        "event": "ready",
        "url": f"http://{HOST}:{port}",
        "port": port,
        "model_uri": model_uri,
        "pid": os.getpid(),
    }
    print(json.dumps(line), file=sys.stdout, flush=True)


def build_app(model_uri: str, options: ServeOptions) -> ScoringApp:
    """Load the model (and the canary) and build the app serving them.

    Raises:
        InvalidInput: A URI does not resolve.
    """
    from .app import ScoringApp
    from .deployment import Deployments, load
    from .monitor import Monitor

    primary = load(model_uri, field="model")
    canary = load(options.canary_uri, field="canary") if options.canary_uri else None
    deployments = Deployments(
        model_uri,
        primary,
        canary_uri=options.canary_uri,
        canary=canary,
        canary_percent=options.canary_percent,
        batch_window_ms=options.batch_window_ms,
        max_batch_rows=options.max_batch_rows,
    )
    return ScoringApp(
        deployments,
        name=options.name or model_uri,
        max_request_bytes=options.max_request_bytes,
        monitor=Monitor(options.state_dir),
        reload_interval_s=options.reload_interval_s,
    )


def serve(
    model_uri: str,
    options: ServeOptions,
    *,
    on_ready: Callable[[int, str], None] = announce_ready,
) -> None:
    """Serve ``model_uri`` in the foreground until SIGINT or SIGTERM.

    Args:
        model_uri: The model to load.
        options: Port, batching, request limits, the canary, reload and the request log.
        on_ready: Called with the port and the URI once requests are answered.

    Raises:
        InvalidInput: The port is in use, or the URI does not resolve.
    """
    sock = bind(options.port, options.host)
    try:
        from mlflow.environment_variables import _MLFLOW_IS_IN_SERVING_ENVIRONMENT

        # Flavours read it to behave as they do under `mlflow models serve`.
        os.environ[_MLFLOW_IS_IN_SERVING_ENVIRONMENT.name] = "true"
        # One predict thread runs beside the event loop: intra-op threads of torch, MKL or
        # OpenBLAS would only spin against it and each other (docs/serving.md, Performance).
        # Read when those libraries load, with the model; a user's own setting wins.
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(variable, "1")
        app = build_app(model_uri, options)
        config = uvicorn.Config(
            app,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            log_level="warning",
            access_log=False,
            server_header=False,
            # Loopback clients only, and no route reads the client's address.
            proxy_headers=False,
        )
        port = sock.getsockname()[1]
        # uvicorn shuts down gracefully, then raises the SIGINT it caught once more.
        with contextlib.suppress(KeyboardInterrupt):
            _ReadyServer(config, lambda: on_ready(port, model_uri)).run(sockets=[sock])
    finally:
        sock.close()


class _ReadyServer(uvicorn.Server):
    """A uvicorn server that calls ``ready`` once it accepts connections."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[], None]) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready()
