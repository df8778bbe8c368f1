"""``/mlx/api/endpoints``: registered models served by supervised scoring processes, and
``/mlx/endpoints/{name}/...``: each endpoint's scoring routes behind the server's
authentication.

An endpoint is created ``starting`` (its model URI resolved and its port checked first) and
polled until ``running``. The proxy forwards ``ping``, ``health``, ``version`` and
``invocations`` to the endpoint's process on 127.0.0.1, passing method, body, content type and
status through; the process's admin routes (``/-/...``) are never reachable through it.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import httpclient, web

from ..errors import MLXError, NotFound, Unavailable
from ..serving.schemas import (
    CreateEndpoint,
    EndpointLogQuery,
    EndpointMetricsQuery,
    UpdateEndpoint,
)
from ..serving.service import EndpointService
from .base import MLXHandler

NAME = r"(?P<name>[^/]+)"
#: The scoring routes the proxy forwards.
PROXIED_ROUTES = frozenset({"ping", "health", "version", "invocations"})
#: Seconds the proxy waits for a connection to, and an answer of, an endpoint's process.
PROXY_CONNECT_TIMEOUT_S = 5.0
PROXY_REQUEST_TIMEOUT_S = 120.0
#: Requests the proxy forwards at once (all endpoints together); more wait their turn.
PROXY_CONCURRENCY = 256


class RequestTooLarge(MLXError):
    """A request body over ``MLXApp.max_request_bytes`` (HTTP 413)."""

    status = 413
    code = "too_large"


class EndpointsHandler(MLXHandler):
    """Base of the endpoints routes."""

    auth_resource = "mlx:endpoints"

    @property
    def endpoints(self) -> EndpointService:
        return self.services.endpoints

    @property
    def user(self) -> str | None:
        """Who asks: the Jupyter user's name, recorded on what they create and move."""
        return getattr(self.current_user, "username", None)


class EndpointListHandler(EndpointsHandler):
    """``GET /mlx/api/endpoints``: every endpoint; ``POST``: create one (201, ``starting``)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_model(await self.endpoints.list())

    @web.authenticated
    @authorized
    async def post(self) -> None:
        endpoint = await self.endpoints.create(self.parse_body(CreateEndpoint), user=self.user)
        location = url_path_join(self.base_url, "mlx/api/endpoints", endpoint.name)
        self.set_header("Location", location)
        self.write_model(endpoint, 201)


class EndpointHandler(EndpointsHandler):
    """``GET /mlx/api/endpoints/{name}``: one endpoint; ``PATCH``: change its canary or
    batching, or promote its canary; ``DELETE``: stop and remove it (204)."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.write_model(await self.endpoints.get(name))

    @web.authenticated
    @authorized
    async def patch(self, name: str) -> None:
        request = self.parse_body(UpdateEndpoint)
        self.write_model(await self.endpoints.update(name, request, user=self.user))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await self.endpoints.delete(name)
        self.set_status(204)
        self.finish()


class EndpointStopHandler(EndpointsHandler):
    """``POST /mlx/api/endpoints/{name}/stop``: stop its process; it is kept, ``stopped``."""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        self.write_model(await self.endpoints.stop_endpoint(name))


class EndpointRestartHandler(EndpointsHandler):
    """``POST /mlx/api/endpoints/{name}/restart``: start its process again, ``starting``."""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        self.write_model(await self.endpoints.restart(name))


class EndpointMetricsHandler(EndpointsHandler):
    """``GET /mlx/api/endpoints/{name}/metrics?since=``: per-second request buckets."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        query = self.parse_query(EndpointMetricsQuery)
        self.write_model(await self.endpoints.metrics(name, query.since))


class EndpointDriftHandler(EndpointsHandler):
    """``GET /mlx/api/endpoints/{name}/drift``: input drift per feature (PSI)."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.write_model(await self.endpoints.drift(name))


class EndpointLogHandler(EndpointsHandler):
    """``GET /mlx/api/endpoints/{name}/log?limit=``: its latest requests, newest first."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        query = self.parse_query(EndpointLogQuery)
        self.write_model(await self.endpoints.request_log(name, query.limit))


class EndpointProxyHandler(EndpointsHandler):
    """``/mlx/endpoints/{name}/(ping|health|version|invocations)``: the endpoint's scoring
    routes, forwarded to its process (404 unknown endpoint, 503 not running, 413 too large)."""

    @web.authenticated
    @authorized
    async def get(self, name: str, route: str) -> None:
        await self._forward(name, route)

    @web.authenticated
    @authorized
    async def post(self, name: str, route: str) -> None:
        await self._forward(name, route)

    async def _forward(self, name: str, route: str) -> None:
        if route not in PROXIED_ROUTES:
            raise NotFound(
                f"No route {route!r}: an endpoint serves ping, health, version and invocations.",
                field="route",
            )
        limit = self.endpoints.max_request_bytes
        body = self.request.body or b""
        if len(body) > limit:
            raise RequestTooLarge(
                f"The request body is larger than this server takes ({limit} bytes): send "
                "fewer rows per request."
            )
        port = await self.endpoints.target(name)
        headers = {}
        if "Content-Type" in self.request.headers:
            headers["Content-Type"] = self.request.headers["Content-Type"]
        request = httpclient.HTTPRequest(
            f"http://127.0.0.1:{port}/{route}",
            method=self.request.method or "GET",
            headers=headers,
            body=body if self.request.method == "POST" else None,
            connect_timeout=PROXY_CONNECT_TIMEOUT_S,
            request_timeout=PROXY_REQUEST_TIMEOUT_S,
            follow_redirects=False,
            decompress_response=False,
        )
        client = self._client()
        try:
            response = await client.fetch(request, raise_error=False)
        except OSError as exc:
            raise Unavailable(f"Endpoint {name!r} did not answer: {exc}") from exc
        if response.code == 599:  # tornado's code for no answer (refused, timed out)
            raise Unavailable(f"Endpoint {name!r} did not answer: {response.error}")
        self.set_status(response.code)
        content_type = response.headers.get("Content-Type", "application/json")
        self.finish(response.body or b"", set_content_type=content_type)

    def _client(self) -> httpclient.AsyncHTTPClient:
        """The server's own client for the proxy: tornado's shared one forwards ten requests
        at once, which would queue a loaded endpoint's traffic behind the server's."""
        client = self.settings.get("mlx_proxy_client")
        if client is None:
            client = httpclient.AsyncHTTPClient(force_instance=True, max_clients=PROXY_CONCURRENCY)
            self.settings["mlx_proxy_client"] = client
        return client


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/endpoints", EndpointListHandler),
    (rf"/mlx/api/endpoints/{NAME}/stop", EndpointStopHandler),
    (rf"/mlx/api/endpoints/{NAME}/restart", EndpointRestartHandler),
    (rf"/mlx/api/endpoints/{NAME}/metrics", EndpointMetricsHandler),
    (rf"/mlx/api/endpoints/{NAME}/drift", EndpointDriftHandler),
    (rf"/mlx/api/endpoints/{NAME}/log", EndpointLogHandler),
    (rf"/mlx/api/endpoints/{NAME}", EndpointHandler),
    (rf"/mlx/endpoints/{NAME}/(?P<route>[^/]+)", EndpointProxyHandler),
]
