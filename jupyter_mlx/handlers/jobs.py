"""``/mlx/api/job-runs`` and ``/mlx/api/notebooks/parameters``: notebooks run as jobs."""

from __future__ import annotations

from pathlib import PurePosixPath

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..jobs.schemas import (
    CreateJobRunRequest,
    ListJobRunsQuery,
    NotebookParametersQuery,
    ReadJobLogQuery,
    ReadJobOutputQuery,
)
from .base import MLXHandler

JOB_RUN_ID = r"(?P<job_run_id>[^/]+)"


class JobsHandler(MLXHandler):
    """Base of the jobs routes."""

    auth_resource = "mlx:jobs"

    @property
    def jobs(self):
        return self.services.jobs


class NotebookParametersHandler(JobsHandler):
    """``GET /mlx/api/notebooks/parameters?path=``: a notebook's typed parameters."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(NotebookParametersQuery)
        self.write_model(await self.jobs.notebook_parameters(query.path))


class JobRunsHandler(JobsHandler):
    """``GET /mlx/api/job-runs``: a page of runs; ``POST``: queue a run."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_model(await self.jobs.list_runs(self.parse_query(ListJobRunsQuery)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        run, created = await self.jobs.create(self.parse_body(CreateJobRunRequest))
        self.write_model(run, 201 if created else 200)


class JobRunHandler(JobsHandler):
    """``GET /mlx/api/job-runs/{id}``: one run; ``DELETE``: delete a run that has ended."""

    @web.authenticated
    @authorized
    async def get(self, job_run_id: str) -> None:
        self.write_model(await self.jobs.get(job_run_id))

    @web.authenticated
    @authorized
    async def delete(self, job_run_id: str) -> None:
        await self.jobs.delete(job_run_id)
        self.set_status(204)
        self.finish()


class JobRunStopHandler(JobsHandler):
    """``POST /mlx/api/job-runs/{id}/stop``: stop a queued or running run."""

    @web.authenticated
    @authorized
    async def post(self, job_run_id: str) -> None:
        self.write_model(await self.jobs.stop(job_run_id))


class JobRunLogHandler(JobsHandler):
    """``GET /mlx/api/job-runs/{id}/log?offset=``: the run's log from a byte offset on."""

    @web.authenticated
    @authorized
    async def get(self, job_run_id: str) -> None:
        query = self.parse_query(ReadJobLogQuery)
        self.write_model(await self.jobs.read_log(job_run_id, query.offset, query.max_bytes))


class JobRunOutputHandler(JobsHandler):
    """``GET /mlx/api/job-runs/{id}/output?format=``: the output notebook, ipynb or HTML.

    HTML is served sandboxed: its scripts run in an opaque origin, away from the user's session.
    """

    @web.authenticated
    @authorized
    async def get(self, job_run_id: str) -> None:
        query = self.parse_query(ReadJobOutputQuery)
        run = await self.jobs.get(job_run_id)
        data, media_type = await self.jobs.output(job_run_id, query.format)
        if query.format == "html":
            self.set_header("Content-Security-Policy", "sandbox allow-scripts")
        else:
            name = f"{PurePosixPath(run.notebook).stem}-{job_run_id[:8]}.ipynb"
            self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data, set_content_type=media_type)


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/notebooks/parameters", NotebookParametersHandler),
    (r"/mlx/api/job-runs", JobRunsHandler),
    (rf"/mlx/api/job-runs/{JOB_RUN_ID}/stop", JobRunStopHandler),
    (rf"/mlx/api/job-runs/{JOB_RUN_ID}/log", JobRunLogHandler),
    (rf"/mlx/api/job-runs/{JOB_RUN_ID}/output", JobRunOutputHandler),
    (rf"/mlx/api/job-runs/{JOB_RUN_ID}", JobRunHandler),
]
