"""How an endpoint serves its model: port, batching and request limits, with their defaults.

Light to import (the CLI reads the defaults for its help).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInput

HOST = "127.0.0.1"
#: How long a batch stays open for more requests while the model is busy (see
#: docs/serving.md, "Performance", for the measurement behind it).
DEFAULT_BATCH_WINDOW_MS = 2.0
#: The most rows one batched predict call takes.
DEFAULT_MAX_BATCH_ROWS = 256
#: Larger request bodies are answered 413 (64 MiB).
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How an endpoint serves its model.

    Attributes:
        port: The port on 127.0.0.1; 0 takes a free one.
        batch_window_ms: How long a batch of concurrent requests stays open; 0: no batching.
        max_batch_rows: The most rows one batched predict call takes.
        max_request_bytes: Larger request bodies are answered 413.
    """

    port: int = 0
    batch_window_ms: float = DEFAULT_BATCH_WINDOW_MS
    max_batch_rows: int = DEFAULT_MAX_BATCH_ROWS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise InvalidInput(f"Port {self.port} is not a port number (0-65535).", field="port")
        if self.batch_window_ms < 0:
            raise InvalidInput("The batch window cannot be negative.", field="batch_window_ms")
        if self.max_batch_rows < 1:
            raise InvalidInput("A batch holds at least one row.", field="max_batch_rows")
        if self.max_request_bytes < 1:
            raise InvalidInput("The request limit must be positive.", field="max_request_bytes")
