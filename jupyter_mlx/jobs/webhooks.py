"""Webhooks of job definitions: a POST of JSON telling a URL how a run ended.

Delivery is best effort: one POST with a short timeout, whose outcome is recorded on the run
and logged; a failed delivery never changes the run.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..errors import InvalidInput
from .records import now
from .schemas import JobRun, WebhookDelivery

log = logging.getLogger("jupyter_mlx")

#: Seconds a delivery may take, connection included.
DELIVERY_TIMEOUT_S = 10.0
#: Statuses told as ``failure``; ``succeeded`` is ``success``; a stop is the user's and is not told.
FAILURES = frozenset({"failed", "timed_out", "interrupted"})


def check_url(url: str, *, field: str = "webhook_url") -> str:
    """A webhook URL: http or https, with a host.

    Raises:
        InvalidInput: Another scheme, or no host (``field`` names the input).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"Webhook URL {url!r} is not an http(s) URL: give one such as "
            "'https://hooks.example.com/mlx'.",
            field=field,
        )
    return url


def event_of(run: JobRun) -> str | None:
    """``success`` or ``failure`` for a run that ended so; None for a stopped run."""
    if run.status == "succeeded":
        return "success"
    return "failure" if run.status in FAILURES else None


def deliver(url: str, event: str, body: dict[str, Any]) -> WebhookDelivery:
    """POST ``body`` as JSON to ``url`` (blocking) and say how it went."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"jupyter-mlx/{__version__}",
            "X-MLX-Event": event,
        },
        method="POST",
    )
    status: int | None = None
    error: str | None = None
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_S) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"cannot reach the URL: {reason}"
    delivered = error is None and status is not None and 200 <= status < 300
    if not delivered:
        log.warning("Webhook %s (%s) was not delivered: %s", url, event, error or status)
    return WebhookDelivery(
        url=url, event=event, delivered=delivered, status_code=status, error=error, at=now()
    )  # type: ignore[arg-type]
