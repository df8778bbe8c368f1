"""HTTP from the Jupyter server to an endpoint's process on 127.0.0.1, for its admin routes.

The requests are few and small (a state, a reload, a config change), so a plain HTTP/1.1
exchange over asyncio streams does, with one connection per request and a bound on the whole
exchange; the services stay free of any web framework.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from .options import HOST

#: Largest answer read from an endpoint's admin route.
MAX_ANSWER_BYTES = 32 * 1024 * 1024


class Unreachable(Exception):
    """The endpoint's process did not answer (refused, reset, timed out, garbled)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer of an endpoint's process.

    Attributes:
        status: The HTTP status.
        body: The decoded JSON body; None when it is empty or not JSON.
    """

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status < 300


async def request(port: int, method: str, path: str, body: Any = None, *, timeout: float) -> Answer:
    """One request to ``127.0.0.1:port``.

    Args:
        port: The endpoint's port.
        method: GET, POST, PATCH...
        path: The path and query, e.g. ``/-/log?limit=10``.
        body: Sent as JSON when not None.
        timeout: Seconds the whole exchange may take.

    Raises:
        Unreachable: No answer within ``timeout``, or the connection failed.
    """
    try:
        return await asyncio.wait_for(_exchange(port, method, path, body), timeout)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
        raise Unreachable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc


async def _exchange(port: int, method: str, path: str, body: Any) -> Answer:
    payload = b"" if body is None else json.dumps(body).encode()
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "Connection: close",
        "Accept: application/json",
        f"Content-Length: {len(payload)}",
    ]
    if body is not None:
        head.append("Content-Type: application/json")
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload)
        await writer.drain()
        status_line = await reader.readline()
        parts = status_line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ValueError(f"not an HTTP answer: {status_line[:80]!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            raw = await _chunked(reader)
        elif "content-length" in headers:
            length = int(headers["content-length"])
            if length > MAX_ANSWER_BYTES:
                raise ValueError(f"an answer of {length} bytes")
            raw = await reader.readexactly(length)
        else:
            raw = await reader.read(MAX_ANSWER_BYTES)
    finally:
        writer.close()
    try:
        decoded = json.loads(raw) if raw.strip() else None
    except ValueError:
        decoded = None
    return Answer(status, decoded)


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        length = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if length == 0:
            await reader.readline()
            return b"".join(chunks)
        size += length
        if size > MAX_ANSWER_BYTES:
            raise ValueError(f"an answer over {MAX_ANSWER_BYTES} bytes")
        chunks.append(await reader.readexactly(length))
        await reader.readline()
