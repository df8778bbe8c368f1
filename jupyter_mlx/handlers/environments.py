"""``/mlx/api/environments``: the workspace's environments, declared, locked and installed.

The environment service blocks (it reads specs and locks, solves, links). Reads and the start
of an install are cheap and run in the quick pool; a lock solves against its channels and
may take seconds, so it runs with creation and removal in the heavy pool, where it never
holds up a read of the environments' state or log.
"""

from __future__ import annotations

import functools

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..environments.schemas import (
    CreateEnvironmentRequest,
    DeleteEnvironmentQuery,
    LockRequest,
    ReadEnvironmentLogQuery,
)
from .base import MLXHandler

NAME = r"(?P<name>[^/]+)"


class EnvironmentsHandler(MLXHandler):
    """Base of the environments routes."""

    auth_resource = "mlx:environments"

    @property
    def environments(self):
        return self.services.environments

    def environment_url(self, name: str) -> str:
        """The URL of an environment's route, under the server's base URL."""
        return url_path_join(self.base_url, "mlx/api/environments", name)


class EnvironmentListHandler(EnvironmentsHandler):
    """``GET /mlx/api/environments``: every environment and the specs that cannot be read;
    ``POST``: declare a new one (write its spec)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_model(await self.quickly(self.environments.list))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parse_body(CreateEnvironmentRequest)
        environment = await self.in_thread(self.environments.create, request)
        self.set_header("Location", self.environment_url(environment.name))
        self.write_model(environment, 201)


class EnvironmentHandler(EnvironmentsHandler):
    """``GET /mlx/api/environments/{name}``: one environment; ``DELETE``: remove its prefix,
    kernel and state (its spec and lock too with ``delete_spec=true``)."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.write_model(await self.quickly(self.environments.get, name))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        query = self.parse_query(DeleteEnvironmentQuery)
        remove = functools.partial(self.environments.remove, delete_spec=query.delete_spec)
        await self.in_thread(remove, name)
        self.set_status(204)
        self.finish()


class EnvironmentLockHandler(EnvironmentsHandler):
    """``POST /mlx/api/environments/{name}/lock``: solve the spec and write its lock."""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        request = self.parse_body(LockRequest) if self.request.body else LockRequest()
        self.write_model(await self.in_thread(self.environments.lock, name, request.solver))


class EnvironmentInstallHandler(EnvironmentsHandler):
    """``POST /mlx/api/environments/{name}/install``: start installing it from its lock;
    answers 202 at once, the environment to poll at ``Location``."""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        environment = await self.quickly(self.environments.start_install, name)
        self.set_header("Location", self.environment_url(environment.name))
        self.write_model(environment, 202)


class EnvironmentLogHandler(EnvironmentsHandler):
    """``GET /mlx/api/environments/{name}/log?offset=``: its lock and install log from a byte
    offset on."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        query = self.parse_query(ReadEnvironmentLogQuery)
        self.write_model(await self.quickly(self.environments.log, name, query.offset))


class EnvironmentLockDiffHandler(EnvironmentsHandler):
    """``GET /mlx/api/environments/{name}/lock-diff``: its lock against the one before."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.write_model(await self.quickly(self.environments.lock_diff, name))


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/environments", EnvironmentListHandler),
    (rf"/mlx/api/environments/{NAME}/lock", EnvironmentLockHandler),
    (rf"/mlx/api/environments/{NAME}/install", EnvironmentInstallHandler),
    (rf"/mlx/api/environments/{NAME}/log", EnvironmentLogHandler),
    (rf"/mlx/api/environments/{NAME}/lock-diff", EnvironmentLockDiffHandler),
    (rf"/mlx/api/environments/{NAME}", EnvironmentHandler),
]
