"""The scoring server of one endpoint: a raw ASGI app around one loaded model.

Routes, as ``mlflow models serve`` has them: ``GET /ping`` and ``GET /health`` (200 once the
model is loaded; ``/health`` also shows the batcher's counters as JSON), ``GET /version``
(the MLflow version whose protocol is spoken) and ``POST /invocations``. No web framework sits
between uvicorn and the protocol: the cost of one request is parsing, one predict call shared
with other requests (:mod:`jupyter_mlx.serving.batching`) and writing the answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from . import protocol
from .batching import MicroBatcher
from .protocol import Invocation, ModelSignature, ScoringError

if TYPE_CHECKING:
    from mlflow.pyfunc import PyFuncModel

log = logging.getLogger("jupyter_mlx.serving")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_JSON = b"application/json"
_TEXT = b"text/plain; charset=utf-8"
_GET_ROUTES = frozenset({"/ping", "/health", "/version"})


class _Disconnected(Exception):
    """The client went away before its body arrived."""


class ScoringApp:
    """ASGI app answering MLflow's scoring protocol for one loaded model.

    Args:
        model: The loaded pyfunc model.
        model_uri: The URI it was loaded from (shown by ``/health``).
        batch_window_ms: How long a batch of concurrent requests stays open; 0: no batching.
        max_batch_rows: The most rows one batched predict call takes.
        max_request_bytes: Larger bodies are answered 413 without being parsed.
    """

    def __init__(
        self,
        model: PyFuncModel,
        *,
        model_uri: str,
        batch_window_ms: float,
        max_batch_rows: int,
        max_request_bytes: int,
    ) -> None:
        from mlflow.version import VERSION

        self.model_uri = model_uri
        self.max_request_bytes = max_request_bytes
        self._model = model
        self._signature = ModelSignature.of(model)
        self._version = VERSION.encode()
        self.batcher = MicroBatcher(
            self._predict, batch_window_ms=batch_window_ms, max_batch_rows=max_batch_rows
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    def _predict(self, data: Any, params: dict[str, Any] | None) -> Any:
        return protocol.predict(self._model, self._signature, data, params)

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
        else:
            await _error(send, ScoringError(404, "ENDPOINT_NOT_FOUND", f"No route {path}."))

    def _health(self) -> bytes:
        import orjson

        stats = dataclasses.asdict(self.batcher.stats)
        return orjson.dumps({"status": "ok", "model_uri": self.model_uri, **stats})

    async def _invocations(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            declared = 0
        try:
            if declared > self.max_request_bytes:
                raise self._too_large()
            body = await self._body(receive)
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            invocation = await _parse(body, content_type, self._signature)
            predictions = await self.batcher.predict(invocation)
            answer = protocol.predictions_body(predictions, unwrapped=invocation.unwrapped)
        except _Disconnected:
            return
        except ScoringError as exc:
            await _error(send, exc)
            return
        except Exception:
            log.exception("Unhandled error answering /invocations")
            await _error(send, ScoringError(500, "INTERNAL_ERROR", "Unhandled error"))
            return
        await _respond(send, 200, answer, _JSON)

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

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.batcher.close()
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
