"""Endpoints from the command line and the magics: through the server that supervises them.

An endpoint's process belongs to the Jupyter server of its workspace, so creating, stopping or
restarting one goes through that server's API (:class:`ServerEndpoints`); without a server
these are refused (:data:`NO_SERVER`). Reading the records (list, show, export) also works
without one, from the workspace's store (:func:`endpoints_for`), where every endpoint is
stopped. Predictions go through the server's authenticated proxy,
``/mlx/endpoints/NAME/invocations``, as a teammate with the server's URL sends them.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlencode

from ..client import RunningServer, ServerClient, find_server, servers_may_run
from ..config import Settings
from ..errors import InvalidInput, NotFound, Unavailable, from_json
from .schemas import (
    ENDPOINT_NAME_PATTERN,
    CreateEndpoint,
    Endpoint,
    EndpointCanary,
    EndpointDrift,
    EndpointLog,
    EndpointMetrics,
    ListEndpointsResponse,
    UpdateEndpoint,
)

if TYPE_CHECKING:
    from .service import EndpointConfig

#: Seconds between two reads of an endpoint that is starting.
POLL_S = 0.25
#: Seconds an endpoint may take to start answering (its model loaded, maybe downloaded).
START_TIMEOUT_S = 300.0
#: Seconds a prediction through the proxy may take.
PREDICT_TIMEOUT_S = 60.0
#: States an endpoint stays in until someone acts.
SETTLED = frozenset({"running", "stopped", "failed"})

#: Why create, stop and restart are refused without a server (``{root}``: the server root).
NO_SERVER = (
    "No Jupyter server with jupyter-mlx serves {root}: start JupyterLab there, or serve in the "
    "foreground with `jupyter mlx serve`."
)

#: Called with the endpoint each time its state changes while it is waited for.
OnChange = Callable[[Endpoint], None]


def _segment(name: str) -> str:
    return quote(name, safe="")


class EndpointReader(Protocol):
    """What reads endpoint records, from the server or from the store."""

    def list(self) -> ListEndpointsResponse: ...

    def get(self, name: str) -> Endpoint: ...


@dataclass(frozen=True, slots=True)
class Prediction:
    """An endpoint's answer to one request.

    Attributes:
        body: Its decoded JSON (``{"predictions": ...}``).
        latency_ms: Milliseconds from sending the request to reading the whole answer.
    """

    body: Any
    latency_ms: float

    @property
    def predictions(self) -> Any:
        """The predictions, or the whole answer when it has no ``predictions`` key."""
        if isinstance(self.body, dict) and "predictions" in self.body:
            return self.body["predictions"]
        return self.body


class ServerEndpoints:
    """The endpoints of the server that owns the workspace, through its API.

    Args:
        server: The server.
    """

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.api = ServerClient(server)

    @classmethod
    def find(cls, settings: Settings) -> ServerEndpoints | None:
        """The endpoints of the server serving the workspace's root; None when none runs."""
        if not servers_may_run():
            return None
        server = find_server(settings)
        return None if server is None else cls(server)

    @classmethod
    def require(cls, settings: Settings) -> ServerEndpoints:
        """The endpoints of the server serving the workspace's root.

        Raises:
            InvalidInput: No server serves it (:data:`NO_SERVER`, field ``server``).
        """
        found = cls.find(settings)
        if found is None:
            raise InvalidInput(NO_SERVER.format(root=settings.root_dir), field="server")
        return found

    def list(self) -> ListEndpointsResponse:
        return ListEndpointsResponse.model_validate(self.api.get("endpoints"))

    def get(self, name: str) -> Endpoint:
        return Endpoint.model_validate(self.api.get(f"endpoints/{_segment(name)}"))

    def create(self, request: CreateEndpoint) -> Endpoint:
        """Create an endpoint and start it; answered at once, ``starting``."""
        body = request.model_dump(mode="json", exclude_none=True)
        return Endpoint.model_validate(self.api.request("POST", "endpoints", body))

    def update(self, name: str, request: UpdateEndpoint) -> Endpoint:
        """Change its canary split or batching (only the fields set on ``request``)."""
        body = request.model_dump(mode="json", exclude_unset=True)
        answer = self.api.request("PATCH", f"endpoints/{_segment(name)}", body)
        return Endpoint.model_validate(answer)

    def stop(self, name: str) -> Endpoint:
        answer = self.api.request("POST", f"endpoints/{_segment(name)}/stop")
        return Endpoint.model_validate(answer)

    def restart(self, name: str) -> Endpoint:
        answer = self.api.request("POST", f"endpoints/{_segment(name)}/restart")
        return Endpoint.model_validate(answer)

    def delete(self, name: str) -> None:
        self.api.request("DELETE", f"endpoints/{_segment(name)}")

    def metrics(self, name: str, since: float | None = None) -> EndpointMetrics:
        suffix = "" if since is None else f"?{urlencode({'since': since})}"
        answer = self.api.get(f"endpoints/{_segment(name)}/metrics{suffix}")
        return EndpointMetrics.model_validate(answer)

    def drift(self, name: str) -> EndpointDrift:
        return EndpointDrift.model_validate(self.api.get(f"endpoints/{_segment(name)}/drift"))

    def log(self, name: str, limit: int = 100) -> EndpointLog:
        answer = self.api.get(f"endpoints/{_segment(name)}/log?{urlencode({'limit': limit})}")
        return EndpointLog.model_validate(answer)

    def wait(
        self,
        endpoint: Endpoint,
        *,
        timeout: float = START_TIMEOUT_S,
        on_change: OnChange | None = None,
    ) -> Endpoint:
        """Read the endpoint every :data:`POLL_S` seconds until it runs, is stopped or has
        failed (a crash is waited through: its supervisor starts it again).

        Args:
            endpoint: The endpoint as the call that started it answered.
            timeout: Seconds to wait.
            on_change: Called with it first, then each time its state changes.

        Raises:
            Unavailable: It is still starting after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        if on_change is not None:
            on_change(endpoint)
        while endpoint.state not in SETTLED:
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"Endpoint {endpoint.name} is still {endpoint.state} after {timeout:.0f} s; "
                    f"see `jupyter mlx endpoints show {endpoint.name}`."
                )
            time.sleep(POLL_S)
            current = self.get(endpoint.name)
            if current.state != endpoint.state and on_change is not None:
                on_change(current)
            endpoint = current
        return endpoint

    def proxy_url(self, name: str) -> str:
        """The endpoint's authenticated URL through the server (ends with ``/``)."""
        return f"{self.server.url}mlx/endpoints/{_segment(name)}/"

    def predict(
        self,
        name: str,
        body: Any,
        *,
        content_type: str = "application/json",
        timeout: float = PREDICT_TIMEOUT_S,
    ) -> Prediction:
        """Send one scoring request through the server's proxy.

        Args:
            name: The endpoint.
            body: A JSON-serializable request (``{"inputs": ...}``), or bytes (CSV).
            content_type: The body's content type.
            timeout: Seconds the answer may take.

        Raises:
            MLXError: The endpoint or the server refused it (the scoring server's message for
                a payload it refuses, 404 unknown endpoint, 503 not running).
            Unavailable: The server cannot be reached.
        """
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        if self.server.token:
            headers["Authorization"] = f"token {self.server.token}"
        request = urllib.request.Request(
            self.proxy_url(name) + "invocations", data=data, headers=headers, method="POST"
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise from_json(exc.code, _json_or_none(exc.read())) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unavailable(
                f"The jupyter-mlx server at {self.server.url} cannot be reached: {reason}"
            ) from exc
        latency_ms = (time.perf_counter() - started) * 1000.0
        return Prediction(_json_or_none(raw), latency_ms)


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


class StoreEndpoints:
    """The endpoint records of a workspace's store, read in this process while no server runs
    (so every endpoint is stopped: a server stops its endpoints when it stops).

    Args:
        configs: The records, by name.
    """

    def __init__(self, configs: Sequence[EndpointConfig]) -> None:
        self.configs = {config.name: config for config in configs}

    def list(self) -> ListEndpointsResponse:
        return ListEndpointsResponse(endpoints=[self.get(name) for name in sorted(self.configs)])

    def get(self, name: str) -> Endpoint:
        config = self.configs.get(name)
        if config is None:
            raise NotFound(f"No endpoint is named {name}.", field="name")
        canary = None
        if config.canary_model_uri is not None:
            canary = EndpointCanary(
                model_uri=config.canary_model_uri, percent=config.canary_percent
            )
        return Endpoint(
            name=config.name,
            model_uri=config.model_uri,
            state="stopped",
            port=None,
            url=None,
            proxy_path=f"mlx/endpoints/{config.name}/",
            batch_window_ms=config.batch_window_ms,
            max_batch_rows=config.max_batch_rows,
            canary=canary,
            pid=None,
            restarts=0,
            last_error=None,
            log_tail=[],
            versions=[],
            reload=None,
            example_request=None,
            created_at=config.created_at,
            created_by=config.created_by,
        )


@contextmanager
def endpoints_for(settings: Settings) -> Iterator[EndpointReader]:
    """The server's endpoints when one serves the workspace's root, else the records of the
    workspace's store (:class:`StoreEndpoints`; nothing is created).

    Raises:
        NotFound: No workspace there (field ``workspace``).
    """
    server = ServerEndpoints.find(settings)
    if server is not None:
        yield server
        return
    from ..services import Services
    from .service import read_endpoints

    with Services.opened(settings) as services:
        configs = read_endpoints(services.store)
    yield StoreEndpoints(configs)


def checked_name(name: str) -> str:
    """An endpoint name as given, refused in one line unless it is one."""
    if not re.match(ENDPOINT_NAME_PATTERN, name):
        raise InvalidInput(
            f"{name!r} is not an endpoint name: a letter or digit, then up to 62 letters, "
            "digits, '_', '.' or '-'.",
            field="name",
        )
    return name


def request_body(value: Any) -> dict[str, Any]:
    """A scoring request for a Python value: a pandas DataFrame as ``dataframe_split``, a
    numpy array, a list or a tuple as ``inputs``, a dict of columns as ``inputs``, a dict
    already holding one of the protocol's keys as it is.

    Raises:
        InvalidInput: Another kind of value (field ``variable``).
    """
    import sys

    pandas = sys.modules.get("pandas")
    numpy = sys.modules.get("numpy")
    if pandas is not None and isinstance(value, pandas.DataFrame):
        split = json.loads(value.to_json(orient="split", date_format="iso", index=False))
        return {"dataframe_split": {"columns": split["columns"], "data": split["data"]}}
    if pandas is not None and isinstance(value, pandas.Series):
        return {"inputs": json.loads(value.to_json(orient="values"))}
    if numpy is not None and isinstance(value, numpy.ndarray):
        return {"inputs": value.tolist()}
    if isinstance(value, list | tuple):
        return {"inputs": list(value)}
    if isinstance(value, dict):
        keys = {"dataframe_split", "dataframe_records", "instances", "inputs"}
        return value if keys & value.keys() else {"inputs": value}
    raise InvalidInput(
        f"Send a DataFrame, an array, a list or a dict, not a {type(value).__name__}.",
        field="variable",
    )
