"""The scoring server of one endpoint: a raw ASGI app around its loaded models.

Routes, as ``mlflow models serve`` has them: ``GET /ping`` and ``GET /health`` (200 once the
model is loaded; ``/health`` also shows the primary batcher's counters as JSON), ``GET /version``
(the MLflow version whose protocol is spoken) and ``POST /invocations``; and the admin routes
under ``/-/`` (:mod:`jupyter_mlx.serving.admin`). No web framework sits between uvicorn and the
protocol: the cost of one request is routing it to a version (:mod:`.deployment`), parsing, one
predict call shared with other requests (:mod:`.batching`), writing the answer and a few
appends to the monitor (:mod:`.monitor`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from . import admin, protocol
from .deployment import Deployments
from .monitor import Monitor
from .protocol import Invocation, ModelSignature, ScoringError
from .reload import Reloader

log = logging.getLogger("jupyter_mlx.serving")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_JSON = b"application/json"
_TEXT = b"text/plain; charset=utf-8"
_GET_ROUTES = frozenset({"/ping", "/health", "/version"})
_ADMIN_ROUTES = {
    "/-/state": "GET",
    "/-/metrics": "GET",
    "/-/log": "GET",
    "/-/drift": "GET",
    "/-/reload": "POST",
    "/-/config": "PATCH",
}


class _Disconnected(Exception):
    """The client went away before its body arrived."""


class ScoringApp:
    """ASGI app answering MLflow's scoring protocol for an endpoint's models.

    Args:
        deployments: The primary (and canary) model and the split between them.
        name: The endpoint's name (shown by ``/-/state``).
        max_request_bytes: Larger bodies are answered 413 without being parsed.
        monitor: Where requests are recorded (a new memory-only one when None).
        reload_interval_s: Seconds between looks at the registry for alias URIs; 0: only when
            told.
    """

    def __init__(
        self,
        deployments: Deployments,
        *,
        name: str,
        max_request_bytes: int,
        monitor: Monitor | None = None,
        reload_interval_s: float = 0.0,
    ) -> None:
        from mlflow.version import VERSION

        self.name = name
        self.deployments = deployments
        self.max_request_bytes = max_request_bytes
        self.monitor = monitor if monitor is not None else Monitor()
        self.reloader = Reloader(deployments, reload_interval_s, asyncio.Lock())
        self._version = VERSION.encode()

    @property
    def model_uri(self) -> str:
        """The primary's URI as asked for."""
        return self.deployments.primary_uri

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"], scope["method"]
        if path == "/invocations":
            if method == "POST":
                await self._invocations(scope, receive, send)
            else:
                await _error(send, ScoringError(405, "BAD_REQUEST", "Method Not Allowed"))
        elif path in _GET_ROUTES:
            if method != "GET":
                await _error(send, ScoringError(405, "BAD_REQUEST", "Method Not Allowed"))
            elif path == "/version":
                await _respond(send, 200, self._version, _JSON)
            elif path == "/health":
                await _respond(send, 200, self._health(), _JSON)
            else:
                await _respond(send, 200, b"\n", _JSON)
        elif path in _ADMIN_ROUTES:
            if method != _ADMIN_ROUTES[path]:
                await _error(send, ScoringError(405, "BAD_REQUEST", "Method Not Allowed"))
            else:
                await self._admin(path, scope, receive, send)
        else:
            await _error(send, ScoringError(404, "ENDPOINT_NOT_FOUND", f"No route {path}."))

    def _health(self) -> bytes:
        import orjson

        stats = dataclasses.asdict(self.deployments.primary.batcher.stats)
        return orjson.dumps({"status": "ok", "model_uri": self.model_uri, **stats})

    async def _invocations(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        deployment = self.deployments.route()
        headers = dict(scope["headers"])
        body = b""
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            declared = 0
        try:
            if declared > self.max_request_bytes:
                raise self._too_large()
            body = await self._body(receive)
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            invocation = await _parse(body, content_type, deployment.signature)
            predictions = await deployment.batcher.predict(invocation)
            answer = protocol.predictions_body(predictions, unwrapped=invocation.unwrapped)
            status = 200
        except _Disconnected:
            deployment.release()
            return
        except ScoringError as exc:
            answer, status = exc.body(), exc.status
            plain = isinstance(exc, protocol.UnsupportedMediaType)
        except Exception:
            log.exception("Unhandled error answering /invocations")
            error = ScoringError(500, "INTERNAL_ERROR", "Unhandled error")
            answer, status, plain = error.body(), error.status, False
        latency_ms = (time.perf_counter() - started) * 1000
        deployment.done(latency_ms, status == 200)
        monitor = self.monitor
        monitor.record(time.time(), latency_ms, status, deployment.label, body, answer)
        if status == 200:
            if invocation.rows:
                monitor.live.add(invocation.data, invocation.rows)
            await _respond(send, 200, answer, _JSON)
        else:
            await _respond(send, status, answer, _TEXT if plain else _JSON)

    async def _body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_request_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> ScoringError:
        return ScoringError(
            413,
            "RESOURCE_LIMIT_EXCEEDED",
            f"The request body is larger than this endpoint takes ({self.max_request_bytes} "
            "bytes): send fewer rows per request.",
        )

    async def _admin(self, path: str, scope: Scope, receive: Receive, send: Send) -> None:
        import orjson

        status = 200
        try:
            if path == "/-/state":
                answer = admin.state(self)
            elif path == "/-/metrics":
                answer = admin.metrics(self, admin.query_of(scope))
            elif path == "/-/log":
                answer = admin.request_log(self, admin.query_of(scope))
            elif path == "/-/drift":
                answer = await admin.drift_report(self)
            elif path == "/-/reload":
                self.reloader.wake()
                answer, status = {"checking": True}, 202
            else:
                body = await self._body(receive)
                try:
                    decoded = orjson.loads(body)
                except orjson.JSONDecodeError as exc:
                    raise ScoringError(400, "BAD_REQUEST", f"Malformed JSON: {exc}") from exc
                answer = await admin.configure(self, decoded)
        except _Disconnected:
            return
        except ScoringError as exc:
            await _error(send, exc)
            return
        except Exception:
            log.exception("Unhandled error answering %s", path)
            await _error(send, ScoringError(500, "INTERNAL_ERROR", "Unhandled error"))
            return
        await _respond(send, status, orjson.dumps(answer), _JSON)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.monitor.start()
                self.reloader.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.reloader.stop()
                await self.deployments.close()
                await self.monitor.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _parse(body: bytes, content_type: str, signature: ModelSignature) -> Invocation:
    if len(body) <= protocol.SMALL_BODY_BYTES:
        return protocol.parse(body, content_type, signature)
    # A large body would hold every other request back while it is parsed.
    return await asyncio.to_thread(protocol.parse, body, content_type, signature)


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _error(send: Send, error: ScoringError) -> None:
    plain = isinstance(error, protocol.UnsupportedMediaType)
    await _respond(send, error.status, error.body(), _TEXT if plain else _JSON)
