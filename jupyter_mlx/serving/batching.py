"""Micro-batching: concurrent requests for one model answered by one predict call.

A request joins the open batch of the requests it can be concatenated with
(:attr:`~jupyter_mlx.serving.protocol.Invocation.batch_key`: same kind of input, columns or
trailing shape, dtypes and params). A batch goes when it holds ``max_batch_rows`` rows; else,
when the model is idle, as soon as the requests that arrived together have joined it (a lone
client waits for nothing); when the model is busy, as soon as the running predict call ends,
or ``batch_window_ms`` after the batch opened, whichever comes first. Its inputs are
concatenated, predicted in one call in a thread, and the output is split back by each
request's rows.

When the output cannot be split by rows (a model answering one value for a whole input), or
the batch fails (one request's data breaks the model or the schema), each request of the
batch is predicted alone, so each gets its own answer or its own error. Batching assumes a
model predicts each row independently of the others; a model that does not should be served
with ``batch_window_ms=0``, where every request is its own predict call (still in a thread).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .protocol import Invocation, ScoringError

#: ``predict(data, params)`` of the served model, blocking.
Predict = Callable[[Any, "dict[str, Any] | None"], Any]


@dataclass(slots=True)
class BatchStats:
    """What the batcher has done since it started (shown by ``GET /health``).

    Attributes:
        requests: Requests predicted (answered or failed).
        predict_calls: Calls of the model's ``predict``.
        batched_requests: Requests answered by a call shared with other requests.
        largest_batch_rows: The most rows one shared call predicted.
    """

    requests: int = 0
    predict_calls: int = 0
    batched_requests: int = 0
    largest_batch_rows: int = 0


@dataclass(slots=True)
class _Batch:
    invocations: list[Invocation] = field(default_factory=list)
    futures: list[asyncio.Future[Any]] = field(default_factory=list)
    rows: int = 0
    closing: asyncio.Handle | None = None


class MicroBatcher:
    """Collects concurrent requests into predict calls.

    Args:
        predict: The model's blocking ``predict(data, params)``; raises
            :class:`~jupyter_mlx.serving.protocol.ScoringError` for a request it refuses.
        batch_window_ms: How long a batch waits for a busy model; 0 turns batching off.
        max_batch_rows: The most rows one batch holds; a request with more goes alone.
    """

    def __init__(self, predict: Predict, *, batch_window_ms: float, max_batch_rows: int) -> None:
        self._predict = predict
        self._window_s = batch_window_ms / 1000
        self._max_rows = max_batch_rows
        self._open: dict[Any, _Batch] = {}
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.stats = BatchStats()

    async def predict(self, invocation: Invocation) -> Any:
        """The predictions for one request's rows.

        Raises:
            ScoringError: The model refused this request's data.
        """
        rows = invocation.rows
        key = invocation.batch_key
        if self._window_s <= 0 or rows is None or key is None or rows >= self._max_rows:
            return await self._alone(invocation)
        loop = asyncio.get_running_loop()
        batch = self._open.get(key)
        if batch is not None and batch.rows + rows > self._max_rows:
            self._close(key)
            batch = None
        if batch is None:
            batch = self._open[key] = _Batch()
            if self._running:
                batch.closing = loop.call_later(self._window_s, self._close, key)
            else:
                # An idle model takes the batch once the requests that arrived with this one
                # (their tasks already queued on the loop) have joined it.
                batch.closing = loop.call_soon(self._close, key)
        future: asyncio.Future[Any] = loop.create_future()
        batch.invocations.append(invocation)
        batch.futures.append(future)
        batch.rows += rows
        if batch.rows >= self._max_rows:
            self._close(key)
        return await future

    async def close(self) -> None:
        """Send the open batches and wait for every predict call in flight."""
        for key in list(self._open):
            self._close(key)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _alone(self, invocation: Invocation) -> Any:
        self._running += 1
        try:
            return await asyncio.to_thread(self._predict, invocation.data, invocation.params)
        finally:
            self._running -= 1
            self.stats.requests += 1
            self.stats.predict_calls += 1

    def _close(self, key: Any) -> None:
        batch = self._open.pop(key, None)
        if batch is None:
            return
        if batch.closing is not None:
            batch.closing.cancel()
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: _Batch) -> None:
        self._running += 1
        try:
            outcomes, shared = await asyncio.to_thread(self._predict_batch, batch.invocations)
        finally:
            self._running -= 1
            if not self._running:
                for key in list(self._open):
                    self._close(key)
        count = len(batch.invocations)
        self.stats.requests += count
        if shared:
            self.stats.predict_calls += 1
            self.stats.batched_requests += count
            self.stats.largest_batch_rows = max(self.stats.largest_batch_rows, batch.rows)
        else:
            self.stats.predict_calls += count + (count > 1)
        for future, outcome in zip(batch.futures, outcomes, strict=True):
            if future.done():  # its client went away
                continue
            if isinstance(outcome, ScoringError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def _predict_batch(self, invocations: list[Invocation]) -> tuple[list[Any], bool]:
        """Each request's predictions or :class:`ScoringError`, and whether one call served
        them all (runs in a thread)."""
        if len(invocations) > 1:
            sizes = [int(invocation.rows or 0) for invocation in invocations]
            try:
                output = self._predict(concat([i.data for i in invocations]), invocations[0].params)
            except ScoringError:
                parts = None
            else:
                parts = split(output, sizes)
            if parts is not None:
                return parts, True
        outcomes: list[Any] = []
        for invocation in invocations:
            try:
                outcomes.append(self._predict(invocation.data, invocation.params))
            except ScoringError as exc:
                outcomes.append(exc)
        return outcomes, False


def concat(inputs: list[Any]) -> Any:
    """One input holding the rows of ``inputs`` (DataFrames, arrays or dicts of arrays of one
    batch key), in order."""
    import numpy as np
    import pandas as pd

    first = inputs[0]
    if isinstance(first, pd.DataFrame):
        return pd.concat(inputs, ignore_index=True)
    if isinstance(first, dict):
        return {name: np.concatenate([part[name] for part in inputs]) for name in first}
    return np.concatenate(inputs)


def split(output: Any, sizes: list[int]) -> list[Any] | None:
    """``output`` cut into consecutive parts of ``sizes`` rows; None when its rows are not
    the inputs' rows."""
    import numpy as np
    import pandas as pd

    total = sum(sizes)
    bounds = [0]
    for size in sizes:
        bounds.append(bounds[-1] + size)
    pairs = list(itertools.pairwise(bounds))
    if isinstance(output, (pd.DataFrame, pd.Series)):
        if len(output) != total:
            return None
        return [output.iloc[start:end] for start, end in pairs]
    if isinstance(output, (np.ndarray, list)):
        if np.ndim(output) == 0 or len(output) != total:
            return None
        return [output[start:end] for start, end in pairs]
    if isinstance(output, dict) and output:
        parts = {name: split(value, sizes) for name, value in output.items()}
        if any(part is None for part in parts.values()):
            return None
        return [{name: part[index] for name, part in parts.items()} for index in range(len(sizes))]  # type: ignore[index]
    return None
