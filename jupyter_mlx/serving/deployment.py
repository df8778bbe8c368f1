"""The model versions one scoring process serves: a primary and an optional canary.

A :class:`Deployment` is one loaded model with its signature, its own micro-batcher and its
own counters. :class:`Deployments` holds the primary and the canary and routes each request:
``canary_percent`` of them go to the canary, spread evenly (of every 100 consecutive requests,
exactly ``canary_percent``). A request keeps the deployment it was routed to until it is
answered, so a deployment swapped out (a reload, a new split) answers the requests it holds
before its batcher closes (:meth:`Deployment.retire`).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from ..errors import InvalidInput
from . import protocol
from .batching import MicroBatcher
from .protocol import ModelSignature

if TYPE_CHECKING:
    from mlflow.pyfunc import PyFuncModel

log = logging.getLogger("jupyter_mlx.serving")

Role = Literal["primary", "canary"]
#: Latencies kept per deployment for its p50 and p99.
LATENCY_WINDOW = 2048


@dataclass(frozen=True, slots=True)
class ModelRef:
    """Where a model URI points in the registry.

    Attributes:
        requested: The URI as given (``models:/churn@champion``).
        model_uri: What is loaded: ``models:/churn/3`` for a registry URI, else ``requested``.
        name: The registered model, or None.
        alias: The alias the URI names, or None.
        version: The registered version, or None.
    """

    requested: str
    model_uri: str
    name: str | None = None
    alias: str | None = None
    version: str | None = None


def alias_of(model_uri: str) -> tuple[str, str] | None:
    """``(name, alias)`` of a ``models:/NAME@ALIAS`` URI, else None."""
    if not model_uri.startswith("models:/"):
        return None
    name, at, alias = model_uri.removeprefix("models:/").rpartition("@")
    if not at or not name or not alias or "/" in alias:
        return None
    return name, alias


def resolve(model_uri: str, *, field: str = "model") -> ModelRef:
    """Look up the version a ``models:/`` URI names now (blocking: MLflow's registry, from
    ``MLFLOW_TRACKING_URI`` / ``MLFLOW_REGISTRY_URI``); other URIs are returned as they are.

    Raises:
        InvalidInput: The model, version or alias does not exist.
    """
    if not model_uri.startswith("models:/"):
        return ModelRef(model_uri, model_uri)
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    named = alias_of(model_uri)
    try:
        if named is not None:
            name, alias = named
            version = MlflowClient().get_model_version_by_alias(name, alias)
            return ModelRef(
                model_uri, f"models:/{name}/{version.version}", name, alias, str(version.version)
            )
        name, _, number = model_uri.removeprefix("models:/").partition("/")
        if number.isdigit():
            MlflowClient().get_model_version(name, number)
            return ModelRef(model_uri, model_uri, name, None, number)
    except MlflowException as exc:
        raise _unresolved(model_uri, exc, field) from exc
    return ModelRef(model_uri, model_uri, name or None)


def _unresolved(model_uri: str, exc: BaseException, field: str) -> InvalidInput:
    lines = str(exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return InvalidInput(f"Model URI {model_uri!r} does not resolve: {reason}", field=field)


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model loaded from the registry or a run, with what serving and monitoring read.

    Attributes:
        ref: Where its URI pointed when it was loaded.
        model: The pyfunc model.
        signature: What parsing needs.
        run_id: The run that logged it, or None.
        input_example: Its logged input example, or None.
        loaded_at: When loading finished.
    """

    ref: ModelRef
    model: PyFuncModel
    signature: ModelSignature
    run_id: str | None
    input_example: Any
    loaded_at: datetime


def load(model_uri: str | ModelRef, *, field: str = "model") -> LoadedModel:
    """Resolve and load ``model_uri`` (blocking: run it in a thread beside a serving loop).

    Args:
        model_uri: The URI, or where it was resolved to.
        field: The option or field named when it is refused.

    Raises:
        InvalidInput: The URI does not resolve to a model.
    """
    import mlflow.pyfunc
    from mlflow.exceptions import MlflowException

    ref = model_uri if isinstance(model_uri, ModelRef) else resolve(model_uri, field=field)
    model_uri = ref.requested
    try:
        model = mlflow.pyfunc.load_model(ref.model_uri)
    except (MlflowException, OSError) as exc:
        raise _unresolved(model_uri, exc, field) from exc
    try:
        example = model.input_example
    except Exception:  # a broken example must not keep a working model from serving
        log.warning("Cannot read the input example of %s", ref.model_uri, exc_info=True)
        example = None
    return LoadedModel(
        ref=ref,
        model=model,
        signature=ModelSignature.of(model),
        run_id=getattr(model.metadata, "run_id", None),
        input_example=example,
        loaded_at=datetime.now(timezone.utc),
    )


def smoke_test(loaded: LoadedModel) -> tuple[bool, str]:
    """Predict on the model's input example and judge the output as a promotion's smoke test
    does (the rows match, no NaN); blocking.

    Returns:
        Whether it passed, and what was checked or why it failed. A model without an input
        example passes: there is nothing to try it on.
    """
    import time

    from ..models.smoke import Interpreter, _verdict
    from ..models.smoke_probe import nan_count, rows, shape

    if loaded.input_example is None:
        return True, "no input example to try"
    started = time.monotonic()
    report: dict[str, Any] = {}
    try:
        output = protocol.predict(loaded.model, loaded.signature, loaded.input_example, None)
        report.update(
            rows_in=rows(loaded.input_example),
            rows_out=rows(output),
            shape=shape(output),
            nan=nan_count(output),
        )
    except protocol.ScoringError as exc:
        report["error"] = exc.message.strip().splitlines()[-1]
    except Exception as exc:  # whatever the model raises is the verdict
        report["error"] = f"{type(exc).__name__}: {exc}".strip().splitlines()[-1]
    report["seconds"] = round(time.monotonic() - started, 2)
    return _verdict(report, Interpreter(sys.executable, "the endpoint's process"))


class Deployment:
    """One loaded model serving requests, with its batcher and counters.

    Args:
        role: ``primary`` or ``canary``.
        loaded: The model.
        batch_window_ms: Its batcher's window; 0: no batching.
        max_batch_rows: Its batcher's largest batch.
    """

    def __init__(
        self, role: Role, loaded: LoadedModel, *, batch_window_ms: float, max_batch_rows: int
    ) -> None:
        self.role: Role = role
        self.loaded = loaded
        self.signature = loaded.signature
        #: How requests and metrics name it: the registered version, else the role.
        self.label = loaded.ref.version or role
        self.batcher = MicroBatcher(
            self._predict, batch_window_ms=batch_window_ms, max_batch_rows=max_batch_rows
        )
        self.requests = 0
        self.errors = 0
        self.latencies: collections.deque[float] = collections.deque(maxlen=LATENCY_WINDOW)
        self.in_flight = 0
        self._drained: asyncio.Event | None = None

    def _predict(self, data: Any, params: dict[str, Any] | None) -> Any:
        return protocol.predict(self.loaded.model, self.signature, data, params)

    def sibling(self, role: Role, *, batch_window_ms: float, max_batch_rows: int) -> Deployment:
        """The same model under ``role`` with a new batcher, keeping the counters."""
        twin = Deployment(
            role, self.loaded, batch_window_ms=batch_window_ms, max_batch_rows=max_batch_rows
        )
        twin.requests, twin.errors = self.requests, self.errors
        twin.latencies.extend(self.latencies)
        return twin

    def done(self, latency_ms: float, ok: bool) -> None:
        """Count one answered request (on the event loop)."""
        self.requests += 1
        if not ok:
            self.errors += 1
        self.latencies.append(latency_ms)
        self.release()

    def release(self) -> None:
        """One request routed here is no longer in flight (answered, or its client left)."""
        self.in_flight -= 1
        if self._drained is not None and not self.in_flight:
            self._drained.set()

    async def retire(self) -> None:
        """Wait for the requests routed here, then close the batcher."""
        if self.in_flight:
            self._drained = asyncio.Event()
            await self._drained.wait()
        await self.batcher.close()

    def describe(self) -> dict[str, Any]:
        """This deployment as ``/-/state`` lists it."""
        ordered = sorted(self.latencies)
        return {
            "role": self.role,
            "model_uri": self.loaded.ref.model_uri,
            "version": self.loaded.ref.version,
            "run_id": self.loaded.run_id,
            "loaded_at": iso(self.loaded.loaded_at),
            "requests": self.requests,
            "errors": self.errors,
            "p50_ms": percentile(ordered, 50),
            "p99_ms": percentile(ordered, 99),
        }


class Deployments:
    """The primary and the canary of one endpoint, the split between them and their batching.

    Args:
        primary_uri: The primary's URI as asked for (``models:/churn@champion``).
        primary: Its model.
        canary_uri: The canary's URI as asked for, or None.
        canary: Its model, or None.
        canary_percent: The share of requests the canary answers (0-100).
        batch_window_ms: Each batcher's window; 0: no batching.
        max_batch_rows: Each batcher's largest batch.
    """

    def __init__(
        self,
        primary_uri: str,
        primary: LoadedModel,
        *,
        canary_uri: str | None = None,
        canary: LoadedModel | None = None,
        canary_percent: int = 0,
        batch_window_ms: float,
        max_batch_rows: int,
    ) -> None:
        self.batch_window_ms = batch_window_ms
        self.max_batch_rows = max_batch_rows
        self.primary_uri = primary_uri
        self.primary = self._deploy("primary", primary)
        self.canary_uri = canary_uri if canary is not None else None
        self.canary = self._deploy("canary", canary) if canary is not None else None
        self.canary_percent = canary_percent
        self._credit = 0
        self._retiring: set[asyncio.Task[None]] = set()

    def _deploy(self, role: Role, loaded: LoadedModel) -> Deployment:
        return Deployment(
            role, loaded, batch_window_ms=self.batch_window_ms, max_batch_rows=self.max_batch_rows
        )

    def route(self) -> Deployment:
        """The deployment the next request goes to, counted in flight there (on the loop)."""
        deployment = self.primary
        if self.canary is not None and self.canary_percent:
            # Of every 100 consecutive requests, exactly canary_percent go to the canary.
            self._credit += self.canary_percent
            if self._credit >= 100:
                self._credit -= 100
                deployment = self.canary
        deployment.in_flight += 1
        return deployment

    def all(self) -> list[Deployment]:
        """The primary, then the canary when there is one."""
        return [self.primary] if self.canary is None else [self.primary, self.canary]

    def replace(self, role: Role, loaded: LoadedModel, requested: str | None = None) -> None:
        """Serve ``loaded`` as ``role`` from the next request on; the deployment it replaces
        answers the requests it holds, then closes (on the loop).

        Args:
            role: ``primary`` or ``canary``.
            loaded: The model.
            requested: The URI asked for, when it changes (else the current one is kept).
        """
        old = self.primary if role == "primary" else self.canary
        new = self._deploy(role, loaded)
        if role == "primary":
            self.primary = new
            self.primary_uri = requested or self.primary_uri
        else:
            self.canary = new
            self.canary_uri = requested or self.canary_uri
        if old is not None:
            self._retire(old)

    def drop_canary(self) -> None:
        """Send every request to the primary (the canary answers what it holds, then closes)."""
        if self.canary is not None:
            self._retire(self.canary)
        self.canary = None
        self.canary_uri = None

    def rebatch(self, batch_window_ms: float, max_batch_rows: int) -> None:
        """Batch with new settings from the next request on (the counters are kept)."""
        self.batch_window_ms, self.max_batch_rows = batch_window_ms, max_batch_rows
        olds = self.all()
        self.primary = olds[0].sibling(
            "primary", batch_window_ms=batch_window_ms, max_batch_rows=max_batch_rows
        )
        if self.canary is not None:
            self.canary = olds[1].sibling(
                "canary", batch_window_ms=batch_window_ms, max_batch_rows=max_batch_rows
            )
        for old in olds:
            self._retire(old)

    def _retire(self, old: Deployment) -> None:
        task = asyncio.get_running_loop().create_task(old.retire())
        self._retiring.add(task)
        task.add_done_callback(self._retiring.discard)

    async def close(self) -> None:
        """Close every batcher once the requests it holds are answered."""
        for deployment in self.all():
            self._retire(deployment)
        if self._retiring:
            await asyncio.gather(*self._retiring, return_exceptions=True)


def percentile(ordered: list[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank) of sorted values, in ms rounded to 0.001; None
    for no values."""
    if not ordered:
        return None
    rank = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return round(ordered[rank], 3)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z``, to the millisecond; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
