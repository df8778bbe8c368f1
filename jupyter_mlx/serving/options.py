"""How an endpoint serves its model: port, batching, request limits, reload and traffic split,
with their defaults.

Light to import (the CLI reads the defaults for its help).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInput

HOST = "127.0.0.1"
#: How long a batch stays open for more requests while the model is busy (see
#: docs/serving.md, "Performance", for the measurement behind it).
DEFAULT_BATCH_WINDOW_MS = 5.0
#: The most rows one batched predict call takes.
DEFAULT_MAX_BATCH_ROWS = 256
#: Larger request bodies are answered 413 (64 MiB).
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024
#: Seconds between two looks at the registry for a ``models:/NAME@ALIAS`` URI.
DEFAULT_RELOAD_INTERVAL_S = 5.0
#: What an endpoint is called; also the name of its folder.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How an endpoint serves its model.

    Attributes:
        port: The port; 0 takes a free one.
        host: The address listened on: 127.0.0.1 (loopback only) unless a container serves it.
        batch_window_ms: How long a batch of concurrent requests stays open; 0: no batching.
        max_batch_rows: The most rows one batched predict call takes.
        max_request_bytes: Larger request bodies are answered 413.
        name: The endpoint's name (shown by ``/-/state``); None: the model URI's.
        state_dir: Where the request log (``requests.jsonl``) is written; None: no file.
        reload_interval_s: Seconds between looks at the registry when the URI names an alias;
            0: only when told (``POST /-/reload``).
        canary_uri: A second model that takes ``canary_percent`` of the requests, or None.
        canary_percent: The share of requests the canary answers (0-100).
    """

    port: int = 0
    host: str = HOST
    batch_window_ms: float = DEFAULT_BATCH_WINDOW_MS
    max_batch_rows: int = DEFAULT_MAX_BATCH_ROWS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    name: str | None = None
    state_dir: Path | None = None
    reload_interval_s: float = DEFAULT_RELOAD_INTERVAL_S
    canary_uri: str | None = None
    canary_percent: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise InvalidInput(f"Port {self.port} is not a port number (0-65535).", field="port")
        check_batching(self.batch_window_ms, self.max_batch_rows)
        if self.max_request_bytes < 1:
            raise InvalidInput("The request limit must be positive.", field="max_request_bytes")
        if self.name is not None and not NAME_PATTERN.match(self.name):
            raise InvalidInput(
                f"{self.name!r} is not an endpoint name: letters, digits, '_', '.' and '-', "
                "starting with a letter or digit, at most 63 characters.",
                field="name",
            )
        if self.reload_interval_s < 0:
            raise InvalidInput("The reload interval cannot be negative.", field="reload_interval")
        check_canary_percent(self.canary_percent)
        if self.canary_percent and not self.canary_uri:
            raise InvalidInput("A canary percent needs a --canary model.", field="canary_percent")


def check_batching(batch_window_ms: float, max_batch_rows: int) -> None:
    """Refuse a negative batch window or an empty batch.

    Raises:
        InvalidInput: Naming the field.
    """
    if batch_window_ms < 0:
        raise InvalidInput("The batch window cannot be negative.", field="batch_window_ms")
    if max_batch_rows < 1:
        raise InvalidInput("A batch holds at least one row.", field="max_batch_rows")


def check_canary_percent(percent: int) -> None:
    """Refuse a share outside 0-100.

    Raises:
        InvalidInput: Naming ``canary_percent``.
    """
    if not 0 <= percent <= 100:
        raise InvalidInput(
            f"The canary percent is {percent}: it must be within 0-100.", field="canary_percent"
        )
