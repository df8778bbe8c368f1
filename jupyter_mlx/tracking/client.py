"""The MLflow client of the server: built lazily, with MLflow's errors turned into ours.

Importing MLflow costs seconds, so nothing here imports it until the first call.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..config import redact_url
from ..errors import InvalidInput, MLXError, NotFound, Unavailable

if TYPE_CHECKING:
    from mlflow.tracking import MlflowClient

PROBE_TIMEOUT_S = 2.0
PROBE_TTL_S = 10.0


class TrackingConnection:
    """One tracking server (or embedded store) and the client that talks to it.

    Args:
        tracking_uri: MLflow tracking URI; the registry uses the same URI.
    """

    def __init__(self, tracking_uri: str) -> None:
        self.tracking_uri = tracking_uri
        self._client: MlflowClient | None = None
        self._probed_at = 0.0

    @property
    def client(self) -> MlflowClient:
        """The ``MlflowClient`` (never MLflow's process-global fluent state)."""
        if self._client is None:
            from mlflow.tracking import MlflowClient

            with self.errors():
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

        Args:
            field: The input field an invalid-parameter error is about.
        """
        self.ensure_reachable()
        from mlflow.exceptions import MlflowException

        try:
            yield
        except MLXError:
            raise
        except MlflowException as exc:
            raise self._translate(exc, field) from exc
        except (ConnectionError, OSError) as exc:
            raise self.unavailable(exc) from exc
        except Exception as exc:
            if _is_database_error(exc):
                raise self.unavailable(exc) from exc
            raise

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


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError)
