"""The MLflow client of the server: built lazily, with MLflow's errors turned into ours.

Importing MLflow costs seconds, so nothing here imports it until the first call.

For an ``http(s)://`` tracking server MLflow retries a failed request for minutes (7 retries
with exponential backoff, 120 s per attempt), reading ``MLFLOW_HTTP_REQUEST_TIMEOUT``,
``MLFLOW_HTTP_REQUEST_MAX_RETRIES`` and ``MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR`` from the
environment at each request and offering no other way to set them. A connection built with
``request_timeout_s`` (the server's) bounds its calls instead: while :meth:`TrackingConnection.
errors` runs, those three variables read as that connection's values *in the calling thread
only*. ``os.environ`` is left alone, so kernels and jobs the server starts, and MLflow calls of
other threads, keep their settings. MLflow's artifact downloads run in MLflow's own thread pool
and so keep MLflow's settings; the listing that precedes each download is bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..config import redact_url
from ..errors import InvalidInput, MLXError, NotFound, Unavailable

if TYPE_CHECKING:
    from mlflow.tracking import MlflowClient

PROBE_TIMEOUT_S = 2.0
PROBE_TTL_S = 10.0

SERVER_REQUEST_TIMEOUT_S = 3
"""Seconds the server waits for each HTTP response of MLflow (to connect, then between bytes).

The server does not retry: the panel polls again with backoff, and a request that waits on
retries holds a server thread and the user's view for minutes."""

#: Tracking URIs whose store MLflow has set up in this process (see ``_first_call``).
_WARM_URIS: set[str] = set()
_FIRST_CALL_LOCK = threading.RLock()

#: Whether :func:`load_mlflow` has imported MLflow in this process.
_MLFLOW_LOADED = False

#: MLflow's modules the server uses; a database store's are among them.
_MLFLOW_MODULES = (
    "mlflow",
    "mlflow.entities",
    "mlflow.exceptions",
    "mlflow.tracking",
    "mlflow.utils.search_utils",
    "mlflow.utils.file_utils",
    "mlflow.store.db.db_types",
    "mlflow.store.tracking.sqlalchemy_store",
)


def load_mlflow() -> None:
    """Import MLflow's modules once, one thread at a time, before any of them is used.

    MLflow's modules import one another in cycles. Two threads importing them at once can
    deadlock on Python's module locks: a first job run and the panel's first run search did
    (``_DeadlockError`` on ``mlflow.store.db.db_types``), and the half-imported ``mlflow``
    then failed every later call. Every thread of the server that may be the first to touch
    MLflow calls this first.
    """
    global _MLFLOW_LOADED
    if _MLFLOW_LOADED:
        return
    import importlib

    with _FIRST_CALL_LOCK:
        if not _MLFLOW_LOADED:
            for name in _MLFLOW_MODULES:
                importlib.import_module(name)
            _MLFLOW_LOADED = True


#: MLflow's HTTP settings (environment variable -> value) in force in this thread.
_HTTP_SETTINGS: ContextVar[Mapping[str, str] | None] = ContextVar(
    "mlx_mlflow_http_settings", default=None
)
_SCOPED_VARIABLES = (
    "MLFLOW_HTTP_REQUEST_TIMEOUT",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR",
)


class TrackingConnection:
    """One tracking server (or embedded store) and the client that talks to it.

    Args:
        tracking_uri: MLflow tracking URI; the registry uses the same URI.
        request_timeout_s: Bound each HTTP request of MLflow inside :meth:`errors` to this many
            seconds, without retries (the server passes :data:`SERVER_REQUEST_TIMEOUT_S`).
            None keeps MLflow's settings, as a kernel logging a run wants.
    """

    def __init__(self, tracking_uri: str, *, request_timeout_s: int | None = None) -> None:
        self.tracking_uri = tracking_uri
        self._client: MlflowClient | None = None
        self._probed_at = 0.0
        #: Called once MLflow has set up this URI's store (the server settles its heap then).
        self.after_first_call: Callable[[], None] | None = None
        #: Called before the client is first built (the server creates its embedded store).
        self.prepare: Callable[[], object] | None = None
        self._http_settings: Mapping[str, str] | None = None
        if request_timeout_s is not None:
            self._http_settings = {
                "MLFLOW_HTTP_REQUEST_TIMEOUT": str(request_timeout_s),
                "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
                "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
            }

    @property
    def client(self) -> MlflowClient:
        """The ``MlflowClient`` (never MLflow's process-global fluent state)."""
        if self._client is None:
            load_mlflow()
            from mlflow.tracking import MlflowClient

            with self.errors():
                if self.prepare is not None:
                    self.prepare()
                self._client = MlflowClient(
                    tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri
                )
        return self._client

    def ensure_reachable(self) -> None:
        """Fail fast when an HTTP tracking server is down.

        MLflow retries a refused connection with backoff for minutes; a two-second probe of
        the server's ``/health`` (at most every ten seconds) answers the user at once.

        Raises:
            Unavailable: The server does not answer.
        """
        if urlsplit(self.tracking_uri).scheme not in ("http", "https"):
            return
        if time.monotonic() - self._probed_at < PROBE_TTL_S:
            return
        import requests

        url = self.tracking_uri.rstrip("/") + "/health"
        try:
            requests.get(url, timeout=PROBE_TIMEOUT_S).raise_for_status()
        except requests.RequestException as exc:
            raise self.unavailable(exc) from exc
        self._probed_at = time.monotonic()

    def unavailable(self, exc: BaseException) -> Unavailable:
        """The error a user sees when the tracking store cannot be reached."""
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        return Unavailable(
            f"The MLflow tracking store {redact_url(self.tracking_uri)} cannot be reached: {reason}"
        )

    @contextmanager
    def errors(self, *, field: str | None = None) -> Iterator[None]:
        """Translate MLflow's exceptions into jupyter-mlx errors.

        Connection errors and timeouts become :class:`Unavailable`; any other ``OSError``
        (a temporary file that cannot be written, a missing local file) is not the tracking
        store being down and propagates as it is.

        Args:
            field: The input field an invalid-parameter error is about.
        """
        load_mlflow()
        with self._first_call(), self._translated(field):
            yield

    @contextmanager
    def _first_call(self) -> Iterator[None]:
        """Run the first call of each tracking URI alone.

        MLflow imports a store's modules when the store is first used; threads doing that at
        once can deadlock on Python's import locks (``_DeadlockError`` on
        ``mlflow.store.db.db_types`` with 200 concurrent first requests), so the other calls
        wait until one has finished.
        """
        if self.tracking_uri in _WARM_URIS:
            yield
            return
        with _FIRST_CALL_LOCK:
            try:
                yield
            finally:
                if self.tracking_uri not in _WARM_URIS:
                    _WARM_URIS.add(self.tracking_uri)
                    if self.after_first_call is not None:
                        self.after_first_call()

    @contextmanager
    def _translated(self, field: str | None) -> Iterator[None]:
        self.ensure_reachable()
        from mlflow.exceptions import MlflowException

        token = None
        if self._http_settings is not None:
            _scope_mlflow_http_settings()
            token = _HTTP_SETTINGS.set(self._http_settings)
        try:
            yield
        except MLXError:
            raise
        except MlflowException as exc:
            raise self._translate(exc, field) from exc
        except _connection_errors() as exc:
            raise self.unavailable(exc) from exc
        except Exception as exc:
            if _is_database_error(exc):
                raise self.unavailable(exc) from exc
            raise
        finally:
            if token is not None:
                _HTTP_SETTINGS.reset(token)

    def _translate(self, exc: Any, field: str | None) -> MLXError:
        code = exc.error_code
        message = exc.message.splitlines()[0] if exc.message else str(exc)
        if code == "RESOURCE_DOES_NOT_EXIST":
            return NotFound(message, field=field)
        if code in ("INVALID_PARAMETER_VALUE", "BAD_REQUEST", "INVALID_STATE"):
            return InvalidInput(f"{field}: {message}" if field else message, field=field)
        if code in ("TEMPORARILY_UNAVAILABLE", "ENDPOINT_NOT_FOUND") or "API request" in message:
            return self.unavailable(exc)
        return MLXError(message)


def _connection_errors() -> tuple[type[BaseException], ...]:
    """What a failed connection raises: refused, reset, timed out (sockets and requests).

    ``TimeoutError`` is also ``socket.timeout``; requests' errors derive from ``OSError`` but
    not from the built-in ``ConnectionError``.
    """
    import requests

    return (ConnectionError, TimeoutError, requests.ConnectionError, requests.Timeout)


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError)


def _scope_mlflow_http_settings() -> None:
    """Make MLflow's HTTP variables read :data:`_HTTP_SETTINGS` first (idempotent).

    MLflow reads each variable through ``get_raw()`` of an object in
    ``mlflow.environment_variables``; giving those three objects a ``get_raw`` that looks at
    this thread's settings before ``os.environ`` changes nothing where no settings are set.
    """
    from mlflow import environment_variables

    for name in _SCOPED_VARIABLES:
        variable = getattr(environment_variables, name)
        if not isinstance(variable.__dict__.get("get_raw"), _ScopedValue):
            variable.get_raw = _ScopedValue(name, variable.get_raw)


class _ScopedValue:
    """``get_raw`` of one MLflow environment variable: this thread's setting, else the env."""

    def __init__(self, name: str, from_environ: Any) -> None:
        self.name = name
        self.from_environ = from_environ

    def __call__(self) -> str | None:
        settings = _HTTP_SETTINGS.get()
        if settings is not None and self.name in settings:
            return settings[self.name]
        value: str | None = self.from_environ()
        return value
