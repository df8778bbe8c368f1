"""``/mlx/api/experiments`` and ``/mlx/api/runs``: MLflow experiments and runs of the workspace."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..tracking.schemas import CompareRunsRequest, ListExperimentsQuery, ListRunsQuery
from .base import MLXHandler

RUN_ID = r"(?P<run_id>[^/]+)"


class TrackingHandler(MLXHandler):
    """Base of the experiments routes."""

    auth_resource = "mlx:experiments"

    @property
    def tracking(self):
        return self.services.tracking


class ExperimentsHandler(TrackingHandler):
    """``GET /mlx/api/experiments``: a page of experiments."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListExperimentsQuery)
        self.write_model(await self.in_thread(self.tracking.list_experiments, query))


class RunsHandler(TrackingHandler):
    """``GET /mlx/api/runs``: a page of runs of a notebook or of experiments."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListRunsQuery)
        self.write_model(await self.in_thread(self.tracking.search_runs, query))


class RunHandler(TrackingHandler):
    """``GET /mlx/api/runs/{run_id}``: one run in full."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.write_model(await self.in_thread(self.tracking.get_run, run_id))


class RunArtifactsHandler(TrackingHandler):
    """``GET /mlx/api/runs/{run_id}/artifacts?path=``: one folder of a run's artifacts."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        path = self.get_query_argument("path", "")
        self.write_model(await self.in_thread(self.tracking.list_artifacts, run_id, path))


class RunArtifactContentHandler(TrackingHandler):
    """``GET /mlx/api/runs/{run_id}/artifacts/content?path=``: one artifact's bytes.

    ``format=html`` renders a notebook artifact as HTML. Content is served sandboxed: an
    HTML artifact's scripts run in an opaque origin, away from the user's Jupyter session.
    """

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        path = self.get_query_argument("path", "")
        as_html = self.get_query_argument("format", "") == "html"
        render = self.tracking.read_artifact
        if as_html:
            from ..tracking.render import notebook_html

            data, media_type = await self.in_thread(notebook_html, render, run_id, path)
        else:
            data, media_type = await self.in_thread(render, run_id, path)
        self.set_header("Content-Security-Policy", "sandbox allow-scripts")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data, set_content_type=media_type)


class CompareRunsHandler(TrackingHandler):
    """``POST /mlx/api/runs/compare``: aligned metric histories and params of runs."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parse_body(CompareRunsRequest)
        self.write_model(await self.in_thread(self.tracking.compare, request))


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/experiments", ExperimentsHandler),
    (r"/mlx/api/runs", RunsHandler),
    (r"/mlx/api/runs/compare", CompareRunsHandler),
    (rf"/mlx/api/runs/{RUN_ID}/artifacts/content", RunArtifactContentHandler),
    (rf"/mlx/api/runs/{RUN_ID}/artifacts", RunArtifactsHandler),
    (rf"/mlx/api/runs/{RUN_ID}", RunHandler),
]
