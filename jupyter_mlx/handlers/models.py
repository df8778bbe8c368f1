"""``/mlx/api/models``, ``/mlx/api/promotions`` and ``/mlx/api/runs/{id}/models``: registered
models, their aliases and the promotions that move them.

A promotion runs gates (metric conditions, a smoke test) that may take a while: its request is
validated at once (400 or 404), then it is answered 202 with the promotion, ``running``, whose
URL (``Location``) is polled until its state is ``promoted``, ``refused`` or ``failed``. Reads
go through MLflow's registry and run in the heavy pool.
"""

from __future__ import annotations

import functools

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..models.schemas import (
    Gates,
    ListModelsQuery,
    MoveAliasRequest,
    PromoteRequest,
    Promotion,
    RollbackRequest,
)
from .base import MLXHandler

NAME = r"(?P<name>[^/]+)"
ALIAS = r"(?P<alias>[^/]+)"
PROMOTION_ID = r"(?P<promotion_id>[^/]+)"
RUN_ID = r"(?P<run_id>[^/]+)"


class ModelsHandler(MLXHandler):
    """Base of the models routes."""

    auth_resource = "mlx:models"

    @property
    def models(self):
        return self.services.models

    @property
    def user(self) -> str | None:
        """Who asks: the Jupyter user's name, recorded on the alias moves they make."""
        return getattr(self.current_user, "username", None)

    async def accepted(self, plan) -> None:
        """Start a prepared promotion in the background; answer 202 with it, ``running``, and
        its URL to poll at ``Location``."""
        promotion: Promotion = self.services.promotions.start(self.models, plan, self.user)
        url = url_path_join(self.base_url, "mlx/api/promotions", promotion.promotion_id)
        self.set_header("Location", url)
        self.write_model(promotion, 202)


class ModelListHandler(ModelsHandler):
    """``GET /mlx/api/models?search=``: a page of registered models, by name."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListModelsQuery)
        self.write_model(await self.in_thread(self.models.list, query))


class ModelHandler(ModelsHandler):
    """``GET /mlx/api/models/{name}``: its versions (newest first), aliases and default gates."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.write_model(await self.in_thread(self.models.describe, name))


class ModelHistoryHandler(ModelsHandler):
    """``GET /mlx/api/models/{name}/history``: every move of its aliases, newest first."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.write_model(await self.in_thread(self.models.history, name))


class ModelGatesHandler(ModelsHandler):
    """``PUT /mlx/api/models/{name}/gates``: set the gates its promotions run by default."""

    @web.authenticated
    @authorized
    async def put(self, name: str) -> None:
        gates = self.parse_body(Gates)
        self.write_model(await self.in_thread(self.models.set_gates, name, gates))


class ModelAliasHandler(ModelsHandler):
    """``PUT /mlx/api/models/{name}/aliases/{alias}``: move the alias to a version behind
    gates (202, poll ``Location``); ``DELETE``: remove the alias (204)."""

    @web.authenticated
    @authorized
    async def put(self, name: str, alias: str) -> None:
        request = self.parse_body(MoveAliasRequest)
        await self.accepted(await self.in_thread(self.models.prepare_move, name, alias, request))

    @web.authenticated
    @authorized
    async def delete(self, name: str, alias: str) -> None:
        remove = functools.partial(self.models.remove_alias, user=self.user)
        await self.in_thread(remove, name, alias)
        self.set_status(204)
        self.finish()


class ModelRollbackHandler(ModelsHandler):
    """``POST /mlx/api/models/{name}/aliases/{alias}/rollback``: move the alias back to the
    version it held before its last move."""

    @web.authenticated
    @authorized
    async def post(self, name: str, alias: str) -> None:
        request = self.parse_body(RollbackRequest) if self.request.body else RollbackRequest()
        rollback = functools.partial(self.models.rollback, user=self.user)
        self.write_model(await self.in_thread(rollback, name, alias, request))


class PromoteHandler(ModelsHandler):
    """``POST /mlx/api/models/promote``: register a run's model behind gates and move an alias
    to it (202, poll ``Location``)."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parse_body(PromoteRequest)
        await self.accepted(await self.in_thread(self.models.prepare_promotion, request))


class PromotionHandler(ModelsHandler):
    """``GET /mlx/api/promotions/{id}``: a promotion, its gates as they run, then its outcome."""

    @web.authenticated
    @authorized
    async def get(self, promotion_id: str) -> None:
        self.write_model(self.services.promotions.get(promotion_id))


class RunModelsHandler(ModelsHandler):
    """``GET /mlx/api/runs/{run_id}/models``: the models a run holds, which can be promoted."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.write_model(await self.in_thread(self.models.run_models, run_id))


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/models", ModelListHandler),
    (r"/mlx/api/models/promote", PromoteHandler),
    (rf"/mlx/api/models/{NAME}/history", ModelHistoryHandler),
    (rf"/mlx/api/models/{NAME}/gates", ModelGatesHandler),
    (rf"/mlx/api/models/{NAME}/aliases/{ALIAS}/rollback", ModelRollbackHandler),
    (rf"/mlx/api/models/{NAME}/aliases/{ALIAS}", ModelAliasHandler),
    (rf"/mlx/api/models/{NAME}", ModelHandler),
    (rf"/mlx/api/promotions/{PROMOTION_ID}", PromotionHandler),
    (rf"/mlx/api/runs/{RUN_ID}/models", RunModelsHandler),
]
