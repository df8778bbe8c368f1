"""``/mlx/api/jobs``, ``/mlx/api/sweeps`` and ``/mlx/api/schedules/preview``: job definitions
run on demand or on cron, sweeps over parameters, and what a cron expression means."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..jobs.schemas import (
    CreateJobRequest,
    CreateSweepRequest,
    DeleteJobQuery,
    DeleteSweepQuery,
    ListJobRunsQuery,
    ListJobsQuery,
    ListSweepsQuery,
    SchedulePreviewQuery,
    TriggerJobRequest,
    UpdateJobRequest,
)
from .jobs import JobsHandler

JOB_ID = r"(?P<job_id>[^/]+)"
SWEEP_ID = r"(?P<sweep_id>[^/]+)"


class DefinitionsHandler(JobsHandler):
    """``GET /mlx/api/jobs``: every job definition; ``POST``: create one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(ListJobsQuery)
        self.write_model(await self.services.definitions.list_jobs(query.notebook))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        job = await self.services.definitions.create(self.parse_body(CreateJobRequest))
        self.set_header("Location", self.request.path.rstrip("/") + f"/{job.id}")
        self.write_model(job, 201)


class DefinitionHandler(JobsHandler):
    """``GET /mlx/api/jobs/{id}``: one definition; ``PATCH``: change it; ``DELETE``: delete it."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        self.write_model(await self.services.definitions.get(job_id))

    @web.authenticated
    @authorized
    async def patch(self, job_id: str) -> None:
        request = self.parse_body(UpdateJobRequest)
        self.write_model(await self.services.definitions.update(job_id, request))

    @web.authenticated
    @authorized
    async def delete(self, job_id: str) -> None:
        query = self.parse_query(DeleteJobQuery)
        await self.services.definitions.delete(
            job_id, keep_runs=query.keep_runs, stop_runs=query.stop_runs
        )
        self.set_status(204)
        self.finish()


class DefinitionTriggerHandler(JobsHandler):
    """``POST /mlx/api/jobs/{id}/trigger``: run a definition now."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        body = self.parse_body(TriggerJobRequest) if self.request.body else TriggerJobRequest()
        self.write_model(await self.services.definitions.trigger(job_id, body.parameters), 201)


class DefinitionPauseHandler(JobsHandler):
    """``POST /mlx/api/jobs/{id}/pause``: stop firing its schedule."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        self.write_model(await self.services.definitions.pause(job_id))


class DefinitionResumeHandler(JobsHandler):
    """``POST /mlx/api/jobs/{id}/resume``: fire its schedule again, from now on."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        self.write_model(await self.services.definitions.resume(job_id))


class DefinitionSnapshotHandler(JobsHandler):
    """``POST /mlx/api/jobs/{id}/update-from-notebook``: take a new copy of its notebook."""

    @web.authenticated
    @authorized
    async def post(self, job_id: str) -> None:
        self.write_model(await self.services.definitions.update_from_notebook(job_id))


class DefinitionRunsHandler(JobsHandler):
    """``GET /mlx/api/jobs/{id}/runs``: a page of a definition's runs, newest first."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        query = self.parse_query(ListJobRunsQuery)
        self.write_model(await self.services.definitions.runs(job_id, query))


class SweepsHandler(JobsHandler):
    """``GET /mlx/api/sweeps``: sweeps, newest first; ``POST``: start one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.write_model(await self.services.sweeps.list_sweeps(self.parse_query(ListSweepsQuery)))

    @web.authenticated
    @authorized
    async def post(self) -> None:
        sweep = await self.services.sweeps.create(self.parse_body(CreateSweepRequest))
        self.set_header("Location", self.request.path.rstrip("/") + f"/{sweep.id}")
        self.write_model(sweep, 201)


class SweepHandler(JobsHandler):
    """``GET /mlx/api/sweeps/{id}``: a sweep with its trials; ``DELETE``: delete it."""

    @web.authenticated
    @authorized
    async def get(self, sweep_id: str) -> None:
        self.write_model(await self.services.sweeps.get(sweep_id))

    @web.authenticated
    @authorized
    async def delete(self, sweep_id: str) -> None:
        query = self.parse_query(DeleteSweepQuery)
        await self.services.sweeps.delete(sweep_id, keep_runs=query.keep_runs)
        self.set_status(204)
        self.finish()


class SweepStopHandler(JobsHandler):
    """``POST /mlx/api/sweeps/{id}/stop``: stop a sweep's remaining trials."""

    @web.authenticated
    @authorized
    async def post(self, sweep_id: str) -> None:
        self.write_model(await self.services.sweeps.stop(sweep_id))


class SchedulePreviewHandler(JobsHandler):
    """``GET /mlx/api/schedules/preview?cron=&tz=``: a cron expression in words and its next
    fire times."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        query = self.parse_query(SchedulePreviewQuery)
        self.write_model(self.services.definitions.preview(query))


ROUTES: list[tuple[str, type]] = [
    (r"/mlx/api/jobs", DefinitionsHandler),
    (rf"/mlx/api/jobs/{JOB_ID}/trigger", DefinitionTriggerHandler),
    (rf"/mlx/api/jobs/{JOB_ID}/pause", DefinitionPauseHandler),
    (rf"/mlx/api/jobs/{JOB_ID}/resume", DefinitionResumeHandler),
    (rf"/mlx/api/jobs/{JOB_ID}/update-from-notebook", DefinitionSnapshotHandler),
    (rf"/mlx/api/jobs/{JOB_ID}/runs", DefinitionRunsHandler),
    (rf"/mlx/api/jobs/{JOB_ID}", DefinitionHandler),
    (r"/mlx/api/sweeps", SweepsHandler),
    (rf"/mlx/api/sweeps/{SWEEP_ID}/stop", SweepStopHandler),
    (rf"/mlx/api/sweeps/{SWEEP_ID}", SweepHandler),
    (r"/mlx/api/schedules/preview", SchedulePreviewHandler),
]
