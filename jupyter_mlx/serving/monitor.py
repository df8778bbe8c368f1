"""What an endpoint keeps about the requests it answered: a log, metrics and live inputs.

Per request, :meth:`Monitor.record` only appends (O(1) on the event loop): the record to a ring
of the last :data:`LOG_RECORDS` requests (and to a queue for the log file), the latency to the
current one-second bucket, the input rows to the window drift is measured on. Everything else
happens when asked: samples are decoded for ``/-/log``, a bucket's percentiles are computed when
the next second starts or when ``/-/metrics`` reads it, and the file is written by a thread once
a second (``requests.jsonl``, rotated at 10 MiB keeping 3: ``requests.jsonl.1`` .. ``.3``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .deployment import iso, percentile

log = logging.getLogger("jupyter_mlx.serving")

#: Records kept in memory for ``/-/log``.
LOG_RECORDS = 1000
#: Bytes of a request's body (and of its answer) kept as its sample.
SAMPLE_BYTES = 2048
#: Seconds of per-second metrics kept (15 minutes).
METRICS_SECONDS = 900
#: The log file is rotated when it grows past this many bytes...
LOG_FILE_BYTES = 10 * 1024 * 1024
#: ...keeping this many rotated files.
LOG_FILE_KEEP = 3
#: Records waiting for the file; beyond, the oldest are dropped (the file lags, serving not).
PENDING_RECORDS = 100_000
#: Input rows kept for drift (the most recent ones).
LIVE_ROWS = 5000
#: A request with more rows adds only its first rows to the drift window.
ROWS_PER_REQUEST = 256

#: ``(time, latency_ms, status, version, input sample, output sample)``.
Record = tuple[float, float, int, str, bytes, bytes]


@dataclass(slots=True)
class _Bucket:
    t: int
    requests: int = 0
    errors: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    latencies: list[float] | None = field(default_factory=list)
    summary: tuple[float | None, float | None, float | None] = (None, None, None)

    def close(self) -> None:
        if self.latencies is not None:
            ordered = sorted(self.latencies)
            self.summary = tuple(percentile(ordered, q) for q in (50, 95, 99))  # type: ignore[assignment]
            self.latencies = None

    def describe(self) -> dict[str, Any]:
        if self.latencies is not None:
            ordered = sorted(self.latencies)
            p50, p95, p99 = (percentile(ordered, q) for q in (50, 95, 99))
        else:
            p50, p95, p99 = self.summary
        return {
            "t": self.t,
            "requests": self.requests,
            "errors": self.errors,
            "p50_ms": p50,
            "p95_ms": p95,
            "p99_ms": p99,
            "versions": dict(self.versions),
        }


class LiveRows:
    """The input rows of the most recent requests (at most :data:`LIVE_ROWS`)."""

    def __init__(self, limit: int = LIVE_ROWS) -> None:
        self.limit = limit
        self.chunks: collections.deque[tuple[Any, int]] = collections.deque()
        self.rows = 0

    def add(self, data: Any, rows: int) -> None:
        """Keep the rows of one request's input (a DataFrame, an array, a dict of arrays)."""
        if rows > ROWS_PER_REQUEST:
            data = _head(data, ROWS_PER_REQUEST)
            rows = ROWS_PER_REQUEST
        self.chunks.append((data, rows))
        self.rows += rows
        while self.rows - self.chunks[0][1] >= self.limit:
            self.rows -= self.chunks.popleft()[1]

    def snapshot(self) -> list[Any]:
        """The kept inputs, oldest first (a copy of the list; the inputs are not copied)."""
        return [data for data, _ in self.chunks]


def _head(data: Any, rows: int) -> Any:
    if isinstance(data, dict):
        return {name: value[:rows].copy() for name, value in data.items()}
    if hasattr(data, "iloc"):
        return data.iloc[:rows].copy()
    return data[:rows].copy()


class Monitor:
    """The request log, per-second metrics and live input rows of one endpoint.

    Args:
        state_dir: Where ``requests.jsonl`` is written; None: memory only.
    """

    def __init__(self, state_dir: Path | None = None) -> None:
        self.records: collections.deque[Record] = collections.deque(maxlen=LOG_RECORDS)
        self.buckets: collections.deque[_Bucket] = collections.deque(maxlen=METRICS_SECONDS)
        self.live = LiveRows()
        self.requests = 0
        self.errors = 0
        self.log_file = state_dir / "requests.jsonl" if state_dir is not None else None
        self._pending: collections.deque[Record] = collections.deque(maxlen=PENDING_RECORDS)
        self._task: asyncio.Task[None] | None = None

    def record(
        self,
        t: float,
        latency_ms: float,
        status: int,
        version: str,
        body: bytes,
        answer: bytes,
    ) -> None:
        """Keep one answered request (on the event loop; appends only)."""
        record = (
            t,
            latency_ms,
            status,
            version,
            body[: SAMPLE_BYTES + 1],
            answer[: SAMPLE_BYTES + 1],
        )
        self.records.append(record)
        if self.log_file is not None:
            self._pending.append(record)
        self.requests += 1
        second = int(t)
        buckets = self.buckets
        bucket = buckets[-1] if buckets else None
        if bucket is None or bucket.t != second:
            if bucket is not None:
                bucket.close()
            bucket = _Bucket(second)
            buckets.append(bucket)
        bucket.requests += 1
        if status != 200:
            self.errors += 1
            bucket.errors += 1
        bucket.versions[version] = bucket.versions.get(version, 0) + 1
        if bucket.latencies is not None:
            bucket.latencies.append(latency_ms)

    def metrics(self, since: float | None = None) -> dict[str, Any]:
        """``/-/metrics``: the buckets of the last 15 minutes from second ``since`` on (the
        current second included, so a poller sees it fill)."""
        oldest = max(time.time() - METRICS_SECONDS, since or 0)
        buckets = [bucket.describe() for bucket in list(self.buckets) if bucket.t >= int(oldest)]
        return {"interval_s": 1, "buckets": buckets}

    def log(self, limit: int) -> dict[str, Any]:
        """``/-/log``: the last ``limit`` records, newest first."""
        records = list(self.records)[-limit:] if limit > 0 else []
        return {"records": [describe(record) for record in reversed(records)]}

    def start(self) -> None:
        """Write the log file once a second (when there is one) until :meth:`stop`."""
        if self.log_file is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._write_loop())

    async def stop(self) -> None:
        """Write what is pending and stop writing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()

    async def flush(self) -> None:
        """Append the pending records to the log file (in a thread)."""
        if self.log_file is None or not self._pending:
            return
        records = list(self._pending)
        self._pending.clear()
        try:
            await asyncio.to_thread(append, self.log_file, records)
        except OSError:
            log.warning("Cannot write the request log %s", self.log_file, exc_info=True)

    async def _write_loop(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            await self.flush()


def describe(record: Record) -> dict[str, Any]:
    """A record as ``/-/log`` and the log file show it."""
    t, latency_ms, status, version, body, answer = record
    return {
        "t": iso(datetime.fromtimestamp(t, timezone.utc)),
        "latency_ms": round(latency_ms, 3),
        "status": status,
        "version": version,
        "input": sample(body),
        "output": sample(answer),
    }


def sample(raw: bytes) -> Any:
    """A body as JSON when it is whole JSON, else its text, cut at :data:`SAMPLE_BYTES` with
    ``…`` marking the cut; None for no body."""
    if not raw:
        return None
    if len(raw) <= SAMPLE_BYTES:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw.decode("utf-8", "replace")
    return raw[:SAMPLE_BYTES].decode("utf-8", "replace") + "…"


def append(path: Path, records: list[Record]) -> None:
    """Append records as JSON lines to ``path``, rotating it at :data:`LOG_FILE_BYTES`
    (blocking)."""
    lines = b"".join(orjson.dumps(describe(record)) + b"\n" for record in records)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_size + len(lines) > LOG_FILE_BYTES:
            rotate(path)
    with path.open("ab") as out:
        out.write(lines)


def rotate(path: Path, keep: int = LOG_FILE_KEEP) -> None:
    """``path`` becomes ``path.1``, ``path.1`` becomes ``path.2``, ..., dropping
    ``path.{keep}``."""
    for index in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{index}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{index + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))
