"""Job runs from the command line and the magics: through the server, or in this process.

When a server with jupyter-mlx serves the workspace's root, runs are created, read and stopped
through its API, so the server owns them. Without one, ``jupyter mlx run`` executes the run in
this process (recorded in the same store, exactly as the server would) and waits for its end.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ..client import RunningServer, ServerClient, find_server
from ..config import Settings
from ..errors import InvalidInput, NotFound
from .schemas import (
    FINAL_STATUSES,
    CreateJobRunRequest,
    JobRun,
    ListJobRunsQuery,
    ListJobRunsResponse,
)

#: Seconds between two reads of a run that is being waited for.
WAIT_POLL_S = 0.25

#: Called with the run each time it is read while being waited for.
OnUpdate = Callable[[JobRun], None]


def parse_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: JSON where it parses (``5``, ``true``, ``[1, 2]``), else the
    text itself (``bob``, ``2024-01-01``)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_parameters_file(path: str) -> dict[str, Any]:
    """The parameters in a YAML (or JSON) file: a mapping of names to values.

    Raises:
        InvalidInput: The file cannot be read or holds no mapping (``field`` ``parameters``).
    """
    import yaml

    try:
        data = yaml.safe_load(Path(path).expanduser().read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror}.", field="parameters") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path} is not YAML: {exc}", field="parameters") from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise InvalidInput(f"{path} must map parameter names to values.", field="parameters")
    return data


def require_store(settings: Settings) -> None:
    """Refuse to read job runs of a workspace whose store does not exist (a read creates none).

    Raises:
        NotFound: No store there (``field`` ``workspace``).
    """
    from sqlalchemy.engine import make_url

    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise NotFound(
            f"No jupyter-mlx workspace at {settings.workspace}: start JupyterLab there, or run "
            "a notebook with `jupyter mlx run`, to create one.",
            field="workspace",
        )


class ServerJobs:
    """Job runs through the API of the server that owns the workspace."""

    def __init__(self, server: RunningServer) -> None:
        self.api = ServerClient(server)

    @classmethod
    def find(cls, settings: Settings) -> ServerJobs | None:
        """The jobs of the server serving the workspace's root, or None when none runs."""
        server = find_server(settings)
        return None if server is None else cls(server)

    def create(self, request: CreateJobRunRequest) -> JobRun:
        body = request.model_dump(exclude_defaults=True)
        return JobRun.model_validate(self.api.request("POST", "job-runs", body))

    def get(self, run_id: str) -> JobRun:
        return JobRun.model_validate(self.api.get(f"job-runs/{run_id}"))

    def list_runs(self, query: ListJobRunsQuery) -> ListJobRunsResponse:
        params = query.model_dump(exclude_defaults=True)
        text = urlencode(params, doseq=True)
        return ListJobRunsResponse.model_validate(
            self.api.get("job-runs" + (f"?{text}" if text else ""))
        )

    def stop(self, run_id: str) -> JobRun:
        return JobRun.model_validate(self.api.request("POST", f"job-runs/{run_id}/stop"))

    def wait(self, run: JobRun, on_update: OnUpdate | None = None) -> JobRun:
        """Poll the run until it ends."""
        while run.status not in FINAL_STATUSES:
            if on_update is not None:
                on_update(run)
            time.sleep(WAIT_POLL_S)
            run = self.get(run.id)
        return run


def run_here(
    settings: Settings, request: CreateJobRunRequest, on_update: OnUpdate | None = None
) -> JobRun:
    """Create a run and execute it in this process, recorded in the workspace's store.

    An interrupt (Ctrl-C) stops it: the run ends ``interrupted``, its kernel killed.
    """
    return asyncio.run(_run_here(settings, request, on_update))


async def _run_here(
    settings: Settings, request: CreateJobRunRequest, on_update: OnUpdate | None
) -> JobRun:
    from ..services import JobSizes, Services
    from .kernels import KernelSpecs
    from .service import accept_request

    # Refused input creates no workspace: the request is checked before one is made.
    await asyncio.to_thread(accept_request, settings, KernelSpecs(), request)
    services = Services.from_settings(
        settings, job_sizes=JobSizes(max_concurrent_runs=1, warm_kernels=0)
    )
    jobs = services.jobs
    dispatcher = None
    try:
        run, _ = await jobs.create(request)
        dispatcher = asyncio.ensure_future(jobs.dispatch(only={run.id}))
        while run.status not in FINAL_STATUSES:
            if on_update is not None:
                on_update(run)
            run = await jobs.wait(run.id, timeout=WAIT_POLL_S)
        return run
    finally:
        if dispatcher is not None:
            dispatcher.cancel()
        await jobs.close()
        services.close()


def read_here(settings: Settings, call: Callable[[Any], Any]) -> Any:
    """Run ``call(jobs)`` (a coroutine) on the workspace's job service in this process."""
    require_store(settings)

    async def main() -> Any:
        from ..services import Services

        services = Services.from_settings(settings, migrate=False)
        try:
            return await call(services.jobs)
        finally:
            services.close()

    return asyncio.run(main())


def given_parameters(pairs: list[tuple[str, str]], files: list[str]) -> Mapping[str, Any]:
    """Parameters from ``-f`` files (in order), then ``-p NAME VALUE`` pairs, later ones winning."""
    values: dict[str, Any] = {}
    for path in files:
        values.update(read_parameters_file(path))
    for name, text in pairs:
        values[name] = parse_value(text)
    return values
