"""A job run's log: what its kernel printed and how far it got, appended while it runs.

Writes are buffered and flushed to the file in a worker thread a few times a second, so the
event loop never waits for a disk; a reader tails the file by byte offset.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

#: Seconds between flushes of a log being written.
FLUSH_INTERVAL_S = 0.2

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    """``text`` without ANSI colour and cursor codes (as tracebacks carry them)."""
    return _ANSI.sub("", text)


def stamp() -> str:
    """The time as the log's lines begin with it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


#: Runs blocking work in a thread and returns its result (a ``BlockingPool.run``).
Runner = Callable[..., Awaitable[Any]]


class RunLog:
    """The log file of one run, appended to from the event loop.

    Args:
        path: The file (created with its folder if missing).
        run: Runs a blocking call in a worker thread.
    """

    def __init__(self, path: Path, run: Runner) -> None:
        self.path = path
        self._run = run
        self._pending: list[str] = []
        self._flushing: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    def write(self, text: str) -> None:
        """Append ``text`` (a flush follows within :data:`FLUSH_INTERVAL_S`)."""
        if not text:
            return
        self._pending.append(text)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush_soon())

    def line(self, text: str) -> None:
        """Append one line of the run's own, stamped with the time."""
        self.write(f"[{stamp()}] {text}\n")

    async def close(self) -> None:
        """Write everything appended so far, now."""
        self._closing.set()
        if self._flushing is not None:
            await asyncio.shield(self._flushing)
        await self._flush()

    async def _flush_soon(self) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closing.wait(), FLUSH_INTERVAL_S)
        await self._flush()

    async def _flush(self) -> None:
        if self._pending:
            text, self._pending = "".join(self._pending), []
            await self._run(append_text, self.path, text)


def append_text(path: Path, text: str) -> None:
    """Append ``text`` to the file at ``path`` (blocking)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8", errors="replace") as file:
        file.write(text)


def read_chunk(path: Path, offset: int, max_bytes: int) -> tuple[str, int]:
    """The log from byte ``offset`` on, at most ``max_bytes``, cut at a whole character.

    Returns:
        The text and the offset to read on from.
    """
    try:
        with path.open("rb") as file:
            file.seek(offset)
            data = file.read(max_bytes)
    except FileNotFoundError:
        return "", offset
    cut = len(data)
    # Back off over a multi-byte UTF-8 character the chunk ends inside of.
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:  # the first byte of the last character
            if back < _utf8_width(byte):
                cut = len(data) - back
            break
    return data[:cut].decode("utf-8", errors="replace"), offset + cut


def _utf8_width(lead: int) -> int:
    """Bytes of the UTF-8 character whose first byte is ``lead``."""
    if lead < 0x80:
        return 1
    if lead >= 0xF0:
        return 4
    return 3 if lead >= 0xE0 else 2
