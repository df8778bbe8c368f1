"""The admin routes of a scoring process (``/-/...``), JSON, for the Jupyter server only.

The process listens on 127.0.0.1, and the Jupyter server's proxy forwards only the scoring
routes, so these are reached from the machine itself:

- ``GET /-/state``: name, URIs, batching, the versions served with their counts and latency,
  the reload state, a request body built from the input example, and the totals.
- ``GET /-/metrics?since=EPOCH_SECONDS``: per-second buckets of the last 15 minutes.
- ``GET /-/log?limit=N``: the last requests, newest first (default 100, at most 1000).
- ``GET /-/drift``: PSI of each numeric feature of recent inputs against the input example.
- ``POST /-/reload``: look at the aliases now (202).
- ``PATCH /-/config``: change the model, the canary, the split or the batching; answers the
  new state.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from ..errors import InvalidInput
from . import drift
from .deployment import LoadedModel, load, smoke_test
from .options import check_batching, check_canary_percent
from .protocol import ScoringError

if TYPE_CHECKING:
    from .app import ScoringApp

#: ``/-/log`` answers this many records unless asked for another number...
DEFAULT_LOG_LIMIT = 100
#: ...and at most this many.
MAX_LOG_LIMIT = 1000
#: What ``PATCH /-/config`` takes.
CONFIG_FIELDS = frozenset(
    {"model_uri", "canary_model_uri", "canary_percent", "batch_window_ms", "max_batch_rows"}
)


def state(app: ScoringApp) -> dict[str, Any]:
    """``GET /-/state``."""
    deployments = app.deployments
    return {
        "name": app.name,
        "model_uri": deployments.primary_uri,
        "pid": os.getpid(),
        "batch_window_ms": deployments.batch_window_ms,
        "max_batch_rows": deployments.max_batch_rows,
        "canary_percent": deployments.canary_percent if deployments.canary is not None else 0,
        "versions": [deployment.describe() for deployment in deployments.all()],
        "reload": app.reloader.describe(),
        "example_request": example_request(deployments.primary.loaded.input_example),
        "requests": app.monitor.requests,
        "errors": app.monitor.errors,
    }


def example_request(example: Any) -> dict[str, Any] | None:
    """A ``POST /invocations`` body holding the input example: ``dataframe_split`` for a
    DataFrame, ``inputs`` for arrays, lists and dicts of them; None without an example."""
    import numpy as np
    import orjson
    import pandas as pd

    if example is None:
        return None
    if isinstance(example, pd.DataFrame):
        split = orjson.loads(example.to_json(orient="split", index=False, date_format="iso"))
        return {"dataframe_split": split}
    if isinstance(example, (np.ndarray, list, dict)):
        try:
            inputs = orjson.loads(orjson.dumps(example, option=orjson.OPT_SERIALIZE_NUMPY))
        except TypeError:
            return None
        return {"inputs": inputs}
    return None


def metrics(app: ScoringApp, query: dict[str, list[str]]) -> dict[str, Any]:
    """``GET /-/metrics?since=EPOCH_SECONDS``."""
    since = _number(query, "since", float, None)
    return app.monitor.metrics(since)


def request_log(app: ScoringApp, query: dict[str, list[str]]) -> dict[str, Any]:
    """``GET /-/log?limit=N``."""
    limit = _number(query, "limit", int, DEFAULT_LOG_LIMIT)
    return app.monitor.log(max(0, min(MAX_LOG_LIMIT, limit)))


async def drift_report(app: ScoringApp) -> dict[str, Any]:
    """``GET /-/drift``, computed in a thread."""
    example = app.deployments.primary.loaded.input_example
    return await asyncio.to_thread(drift.report, example, app.monitor.live.snapshot())


async def configure(app: ScoringApp, body: Any) -> dict[str, Any]:
    """``PATCH /-/config``: load what changed (in threads), then swap it in at once.

    Raises:
        ScoringError: 400 for a bad field, a URI that does not resolve or a model that fails
            its smoke test; what is served does not change then.
    """
    if not isinstance(body, dict):
        raise _bad("The body must be a JSON object.")
    if unknown := sorted(set(body) - CONFIG_FIELDS):
        raise _bad(
            f"Unknown fields: {', '.join(unknown)}; known: {', '.join(sorted(CONFIG_FIELDS))}."
        )
    deployments = app.deployments
    try:
        window = _field(body, "batch_window_ms", (int, float), deployments.batch_window_ms)
        rows = _field(body, "max_batch_rows", int, deployments.max_batch_rows)
        check_batching(float(window), rows)
        percent = _field(body, "canary_percent", int, None)
        if percent is not None:
            check_canary_percent(percent)
        model_uri = _field(body, "model_uri", str, None)
        canary_uri = _field(body, "canary_model_uri", str, None)
    except InvalidInput as exc:
        raise _bad(exc.message) from exc
    async with app.reloader.lock:
        primary = canary = None
        if model_uri is not None and model_uri != deployments.primary_uri:
            primary = await _load(model_uri, "model_uri")
        if canary_uri is not None and canary_uri != deployments.canary_uri:
            canary = await _load(canary_uri, "canary_model_uri")
        if (window, rows) != (deployments.batch_window_ms, deployments.max_batch_rows):
            deployments.rebatch(float(window), rows)
        if primary is not None:
            deployments.replace("primary", primary, model_uri)
        if "canary_model_uri" in body and canary_uri is None:
            deployments.drop_canary()
            deployments.canary_percent = 0
        elif canary is not None:
            deployments.replace("canary", canary, canary_uri)
        if percent is not None:
            deployments.canary_percent = percent
    return state(app)


async def _load(model_uri: str, field: str) -> LoadedModel:
    try:
        loaded = await asyncio.to_thread(load, model_uri, field=field)
    except InvalidInput as exc:
        raise _bad(exc.message) from exc
    passed, detail = await asyncio.to_thread(smoke_test, loaded)
    if not passed:
        raise _bad(f"{model_uri} failed its smoke test: {detail}")
    return loaded


def _field(body: dict[str, Any], name: str, kind: Any, default: Any) -> Any:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InvalidInput(f"'{name}' has the wrong type: {value!r}.", field=name)
    return value


def _number(query: dict[str, list[str]], name: str, kind: Any, default: Any) -> Any:
    values = query.get(name)
    if not values or not values[-1]:
        return default
    try:
        return kind(values[-1])
    except ValueError as exc:
        raise _bad(f"'{name}' must be a number, not {values[-1]!r}.") from exc


def _bad(message: str) -> ScoringError:
    return ScoringError(400, "BAD_REQUEST", message)


def query_of(scope: Any) -> dict[str, list[str]]:
    """The query string of an ASGI scope, parsed."""
    return parse_qs(scope.get("query_string", b"").decode("latin-1"))
