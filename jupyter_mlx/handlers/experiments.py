"""``/mlx/api/experiments`` and ``/mlx/api/runs``: MLflow experiments and runs of the workspace."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..tracking.schemas import (
    CompareRunsRequest,
    ListArtifactsQuery,
    ListExperimentsQuery,
    ListRunsQuery,
    ReadArtifactQuery,
)
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


class RunMetricsHandler(TrackingHandler):
    """``GET /mlx/api/runs/{run_id}/metrics``: the history of each metric of one run."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        metrics = self.tracking.run_metrics
        self.write_model(await self.in_thread(metrics, run_id, self.disconnected))


class RunArtifactsHandler(TrackingHandler):
    """``GET /mlx/api/runs/{run_id}/artifacts?path=``: one folder of a run's artifacts."""

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        query = self.parse_query(ListArtifactsQuery)
        self.write_model(await self.in_thread(self.tracking.list_artifacts, run_id, query.path))


class RunArtifactContentHandler(TrackingHandler):
    """``GET /mlx/api/runs/{run_id}/artifacts/content?path=``: one artifact's bytes.

    ``format=html`` renders a notebook artifact as HTML. Content is served sandboxed: an
    HTML artifact's scripts run in an opaque origin, away from the user's Jupyter session.
    """

    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        query = self.parse_query(ReadArtifactQuery)
        read = self.tracking.read_artifact
        if query.format == "html":
            from ..tracking.render import notebook_html

            data, media_type = await self.in_thread(notebook_html, read, run_id, query.path)
        else:
            data, media_type = await self.in_thread(read, run_id, query.path)
        self.set_header("Content-Security-Policy", "sandbox allow-scripts")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data, set_content_type=media_type)


class CompareRunsHandler(TrackingHandler):
    """``POST /mlx/api/runs/compare``: aligned metric histories and params of runs."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        request = self.parse_body(CompareRunsRequest)
        compare = self.tracking.compare
        self.write_model(await self.in_thread(compare, request, self.disconnected))


class RunReproduceHandler(TrackingHandler):
    """``POST /mlx/api/runs/{run_id}/reproduce``: queue a job run that runs it again."""

    auth_resource = "mlx:jobs"

    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        self.write_model(await self.services.reproducer.reproduce(run_id), 202)


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/experiments", ExperimentsHandler),
    (r"/mlx/api/runs", RunsHandler),
    (r"/mlx/api/runs/compare", CompareRunsHandler),
    (rf"/mlx/api/runs/{RUN_ID}/artifacts/content", RunArtifactContentHandler),
    (rf"/mlx/api/runs/{RUN_ID}/artifacts", RunArtifactsHandler),
    (rf"/mlx/api/runs/{RUN_ID}/metrics", RunMetricsHandler),
    (rf"/mlx/api/runs/{RUN_ID}/reproduce", RunReproduceHandler),
    (rf"/mlx/api/runs/{RUN_ID}", RunHandler),
]
