"""Job runs, job definitions and sweeps from the command line and the magics: through the
server, or in this process.

When a server with jupyter-mlx serves the workspace's root, runs, definitions and sweeps are
created, read and stopped through its API, so the server owns them. Without one, ``jupyter mlx
run`` (and ``jobs trigger``, and ``sweep``) executes the work in this process, recorded in the
same store exactly as the server would, and waits for its end; ``jupyter mlx scheduler`` runs
the server's background loops (job dispatcher, scheduler, sweep watch) in the foreground.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..client import RunningServer, ServerClient, find_server
from ..config import SERVER_URL_ENV, Settings
from ..errors import InvalidInput, NotFound
from .schemas import (
    FINAL_STATUSES,
    CreateJobRequest,
    CreateJobRunRequest,
    CreateSweepRequest,
    JobDefinition,
    JobRun,
    ListJobRunsQuery,
    ListJobRunsResponse,
    ListJobsResponse,
    Reproduction,
    SchedulePreview,
    Sweep,
    SweepParameter,
    SweepSpec,
    TriggerJobResponse,
)

if TYPE_CHECKING:
    from ..environments.service import EnvironmentConfig
    from ..services import JobSizes, Services
    from .definitions import ScheduleLimits
    from .service import AcceptedRequest

#: Seconds between two reads of a run or a sweep that is being waited for.
WAIT_POLL_S = 0.25

#: Called with the run each time it is read while being waited for.
OnUpdate = Callable[[JobRun], None]
#: Called with the sweep each time it is read while being waited for.
OnSweepUpdate = Callable[[Sweep], None]


def parse_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value: JSON where it parses (``5``, ``true``, ``[1, 2]``), else the
    text itself (``bob``, ``2024-01-01``)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _whole(text: str) -> bool:
    return text.strip().lstrip("+-").isdigit()


def sweep_parameter(name: str, text: str, *, grid: bool) -> SweepParameter:
    """The values a sweep's ``-p NAME VALUES`` gives one parameter.

    ``V1,V2,...`` lists values, each JSON where it parses (a value that is a whole JSON list,
    ``[[32, 32], [64]]``, lists its items); ``LOW:HIGH`` or ``LOW:HIGH:STEP`` is a numeric
    range. A grid steps a range by STEP; without one, a range written in whole numbers steps
    by 1 and any other is refused (a grid of floats needs its step).

    Raises:
        InvalidInput: An empty list, a bad range, or a grid range of floats without a step
            (``field`` ``parameters.<name>``).
    """
    field = f"parameters.{name}"
    parts = text.split(":")
    bounds = [_number(part) for part in parts]
    if len(parts) in (2, 3) and all(bound is not None for bound in bounds):
        low, high = bounds[0], bounds[1]
        step = bounds[2] if len(parts) == 3 else None
        if step is None and grid:
            if not (_whole(parts[0]) and _whole(parts[1])):
                raise InvalidInput(
                    f"-p {name} {text}: a grid range of floats needs a step (LOW:HIGH:STEP), "
                    "or list the values (V1,V2,...).",
                    field=field,
                )
            step = 1.0
        if step is not None and step <= 0:
            raise InvalidInput(f"-p {name} {text}: the step must be above 0.", field=field)
        return SweepParameter(low=low, high=high, step=step)
    whole = parse_value(text)
    if text.lstrip().startswith("[") and isinstance(whole, list):
        values = whole
    else:
        values = [parse_value(item.strip()) for item in text.split(",") if item.strip()]
    if not values:
        raise InvalidInput(f"-p {name}: give values (V1,V2,...) or a range.", field=field)
    return SweepParameter(values=values)


def sweep_progress(sweep: Sweep) -> str:
    """``running, 2 of 4 trials done, best loss=0.0123 (trial 3)``."""
    text = f"{sweep.status}, {sweep.done} of {sweep.total} trials done"
    if sweep.best is not None and sweep.metric and sweep.best.objective is not None:
        text += f", best {sweep.metric}={sweep.best.objective:.4g} (trial {sweep.best.number})"
    if sweep.error:
        text += f": {sweep.error}"
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


def _route(path: str, params: Mapping[str, Any]) -> str:
    """A route with its query string.

    The values go unencoded: :meth:`ServerClient.request` percent-encodes the whole route,
    so an encoded value would be encoded twice (``sub dir/nb.ipynb`` would not match).

    Raises:
        InvalidInput: A value holds ``&``, which cannot be sent this way.
    """
    pairs = []
    for name, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            text = json.dumps(item) if isinstance(item, bool) else str(item)
            if "&" in text:
                raise InvalidInput(f"{text!r}: '&' cannot be sent in a query.", field=name)
            pairs.append(f"{name}={text}")
    return path + ("?" + "&".join(pairs) if pairs else "")


def _servers_may_run() -> bool:
    """Whether a Jupyter server may be running: one started this process, or the runtime
    folder holds a server's file (``jpserver-<pid>.json``, which Jupyter Server writes).

    Looked at first because finding the servers imports ``jupyter_server``, which takes
    about two seconds: a command on a machine where none runs is that much faster.
    """
    from jupyter_core.paths import jupyter_runtime_dir

    if os.environ.get(SERVER_URL_ENV):
        return True
    return any(Path(jupyter_runtime_dir()).glob("jpserver-*.json"))


class ServerJobs:
    """Job runs, definitions and sweeps through the API of the server that owns the workspace."""

    def __init__(self, server: RunningServer) -> None:
        self.api = ServerClient(server)

    @classmethod
    def find(cls, settings: Settings) -> ServerJobs | None:
        """The jobs of the server serving the workspace's root, or None when none runs."""
        if not _servers_may_run():
            return None
        server = find_server(settings)
        return None if server is None else cls(server)

    # --- runs ----------------------------------------------------------------------------

    def create(self, request: CreateJobRunRequest) -> JobRun:
        body = request.model_dump(exclude_defaults=True)
        return JobRun.model_validate(self.api.request("POST", "job-runs", body))

    def get(self, run_id: str) -> JobRun:
        return JobRun.model_validate(self.api.get(f"job-runs/{run_id}"))

    def list_runs(self, query: ListJobRunsQuery) -> ListJobRunsResponse:
        route = _route("job-runs", query.model_dump(exclude_defaults=True))
        return ListJobRunsResponse.model_validate(self.api.get(route))

    def stop(self, run_id: str) -> JobRun:
        return JobRun.model_validate(self.api.request("POST", f"job-runs/{run_id}/stop"))

    def reproduce(self, run_id: str) -> Reproduction:
        """Queue a job run that runs the MLflow run ``run_id`` again."""
        return Reproduction.model_validate(self.api.request("POST", f"runs/{run_id}/reproduce"))

    def wait(self, run: JobRun, on_update: OnUpdate | None = None) -> JobRun:
        """Poll the run until it ends."""
        while run.status not in FINAL_STATUSES:
            if on_update is not None:
                on_update(run)
            time.sleep(WAIT_POLL_S)
            run = self.get(run.id)
        return run

    # --- definitions ---------------------------------------------------------------------

    def create_job(self, request: CreateJobRequest) -> JobDefinition:
        body = request.model_dump(mode="json", exclude_defaults=True)
        return JobDefinition.model_validate(self.api.request("POST", "jobs", body))

    def list_jobs(self, notebook: str | None = None) -> ListJobsResponse:
        route = _route("jobs", {"notebook": notebook} if notebook else {})
        return ListJobsResponse.model_validate(self.api.get(route))

    def get_job(self, job_id: str) -> JobDefinition:
        return JobDefinition.model_validate(self.api.get(f"jobs/{job_id}"))

    def trigger(self, job_id: str) -> TriggerJobResponse:
        return TriggerJobResponse.model_validate(
            self.api.request("POST", f"jobs/{job_id}/trigger", {})
        )

    def pause(self, job_id: str) -> JobDefinition:
        return JobDefinition.model_validate(self.api.request("POST", f"jobs/{job_id}/pause"))

    def resume(self, job_id: str) -> JobDefinition:
        return JobDefinition.model_validate(self.api.request("POST", f"jobs/{job_id}/resume"))

    def delete_job(self, job_id: str, *, keep_runs: bool = True, stop_runs: bool = True) -> None:
        route = _route(f"jobs/{job_id}", {"keep_runs": keep_runs, "stop_runs": stop_runs})
        self.api.request("DELETE", route)

    def preview(self, cron: str, tz: str = "UTC", count: int = 5) -> SchedulePreview:
        route = _route("schedules/preview", {"cron": cron, "tz": tz, "count": count})
        return SchedulePreview.model_validate(self.api.get(route))

    # --- sweeps --------------------------------------------------------------------------

    def create_sweep(self, request: CreateSweepRequest) -> Sweep:
        body = request.model_dump(mode="json", exclude_defaults=True)
        return Sweep.model_validate(self.api.request("POST", "sweeps", body))

    def get_sweep(self, sweep_id: str) -> Sweep:
        return Sweep.model_validate(self.api.get(f"sweeps/{sweep_id}"))

    def wait_sweep(self, sweep: Sweep, on_update: OnSweepUpdate | None = None) -> Sweep:
        """Poll the sweep until it ends."""
        while sweep.status == "running":
            if on_update is not None:
                on_update(sweep)
            time.sleep(WAIT_POLL_S)
            sweep = self.get_sweep(sweep.id)
        return sweep


# --- in this process ---------------------------------------------------------------------


def run_here(
    settings: Settings, request: CreateJobRunRequest, on_update: OnUpdate | None = None
) -> JobRun:
    """Create a run and execute it in this process, recorded in the workspace's store.

    An interrupt (Ctrl-C) stops it: the run ends ``interrupted``, its kernel killed.
    """
    from ..services import JobSizes

    # Refused input creates no workspace: the request is checked before one is made.
    check_here(settings, request)

    async def execute(services: Services) -> JobRun:
        run, _ = await services.jobs.create(request)
        return await _follow_run(services, run, on_update)

    sizes = JobSizes(max_concurrent_runs=1, warm_kernels=0)
    return _with_services(settings, execute, migrate=True, job_sizes=sizes)


def reproduce_here(
    settings: Settings, run_id: str, on_update: OnUpdate | None = None
) -> Reproduction:
    """Reproduce the MLflow run ``run_id`` in this process and wait for the reproduction."""
    from ..services import JobSizes

    async def execute(services: Services) -> Reproduction:
        reproduction = await services.reproducer.reproduce(run_id)
        run = await _follow_run(services, reproduction.job_run, on_update)
        return reproduction.model_copy(update={"job_run": run})

    sizes = JobSizes(max_concurrent_runs=1, warm_kernels=0)
    return _with_services(settings, execute, migrate=True, job_sizes=sizes)


async def _follow_run(services: Services, run: JobRun, on_update: OnUpdate | None) -> JobRun:
    """Execute a queued run here and wait for its end."""
    jobs = services.jobs
    dispatcher = asyncio.ensure_future(jobs.dispatch(only={run.id}))
    try:
        while run.status not in FINAL_STATUSES:
            if on_update is not None:
                on_update(run)
            run = await jobs.wait(run.id, timeout=WAIT_POLL_S)
        return run
    finally:
        dispatcher.cancel()


async def _follow_sweep(services: Services, sweep: Sweep, on_update: OnSweepUpdate | None) -> Sweep:
    """Execute a sweep's trials here and wait for its end; an interrupt stops it."""
    trials = {trial.run.id for trial in sweep.trials}
    dispatcher = asyncio.ensure_future(services.jobs.dispatch(only=trials))
    watch = asyncio.ensure_future(services.sweeps.watch(asyncio.sleep))
    try:
        while sweep.status == "running":
            if on_update is not None:
                on_update(sweep)
            await asyncio.sleep(WAIT_POLL_S)
            sweep = await services.sweeps.get(sweep.id)
            # An optuna sweep queues a trial as another ends. The dispatcher's thread copies
            # the set while this adds to it: each is one C call under the interpreter lock.
            trials.update(trial.run.id for trial in sweep.trials)
        return sweep
    finally:
        if sweep.status == "running":
            await services.sweeps.stop(sweep.id)
        dispatcher.cancel()
        watch.cancel()


def _with_services(
    settings: Settings,
    call: Callable[[Services], Any],
    *,
    migrate: bool,
    limits: ScheduleLimits | None = None,
    job_sizes: JobSizes | None = None,
) -> Any:
    """Run ``call(services)`` (a coroutine) on the workspace's services in this process, then
    stop what they execute here and release them."""

    async def main() -> Any:
        from ..services import Services

        services = Services.from_settings(
            settings,
            migrate=migrate,
            limits=limits,
            job_sizes=job_sizes,
            environments=configured_environments(),
        )
        try:
            return await call(services)
        finally:
            await services.jobs.close()
            services.close()

    return asyncio.run(main())


def use_here(
    settings: Settings,
    call: Callable[[Services], Any],
    *,
    migrate: bool = False,
    limits: ScheduleLimits | None = None,
) -> Any:
    """Run ``call(services)`` (a coroutine) on the services of an existing workspace.

    Args:
        settings: The workspace.
        call: What to do.
        migrate: Bring the store up to date first (a command that changes state).
        limits: Bounds of catch-up and sweeps.

    Raises:
        NotFound: No store there; nothing is created.
    """
    require_store(settings)
    return _with_services(settings, call, migrate=migrate, limits=limits)


def read_here(settings: Settings, call: Callable[[Any], Any]) -> Any:
    """Run ``call(jobs)`` (a coroutine) on the workspace's job service in this process."""
    return use_here(settings, lambda services: call(services.jobs))


def configured_environments() -> EnvironmentConfig:
    """Where this workspace's environments are found, as the server's ``c.MLXApp`` says."""
    from ..config import load_server_config
    from ..environments.client import environment_config

    return environment_config(load_server_config())


def check_here(settings: Settings, request: CreateJobRunRequest) -> AcceptedRequest:
    """Check a run request as the job service will, before a workspace exists to hold it
    (blocking): its notebook, values, kernel or environment, and inputs.

    Raises:
        InvalidInput: A bad value (``field`` names it).
        NotFound: No such notebook.
    """
    from ..environments.service import EnvironmentService
    from .kernels import KernelSpecs
    from .service import accept_request

    kernelspecs = KernelSpecs((settings.kernels_dir,))
    environments = EnvironmentService(settings, configured_environments())
    try:
        return accept_request(settings, kernelspecs, request, environments=environments)
    finally:
        environments.close()


def accept_definition(settings: Settings, request: CreateJobRequest) -> None:
    """Check a definition before a workspace exists to store it (blocking), as the definition
    service will: its cron, zone, webhook, notebook, values and kernel (not a sweep).

    Raises:
        InvalidInput: A bad value (``field`` names it).
        NotFound: No such notebook.
    """
    from .schedule import check_cron, zone
    from .webhooks import check_url

    if request.cron is not None:
        check_cron(request.cron)
    zone(request.timezone)
    if request.webhook_url is not None:
        check_url(request.webhook_url)
    fields = set(CreateJobRunRequest.model_fields)
    run = CreateJobRunRequest.model_validate(request.model_dump(include=fields))
    check_here(settings, run)


def accept_sweep(settings: Settings, request: CreateSweepRequest, max_runs: int) -> None:
    """Check a sweep before a workspace exists to store it (blocking), as the sweep service
    will: its space and size, notebook, fixed values, kernel, and each listed value.

    Raises:
        InvalidInput: A bad value (``field`` names it).
        NotFound: No such notebook.
    """
    from .parameters import check_parameters
    from .service import parameter_specs
    from .space import check_space
    from .sweeps import check_sweep_names

    spec = SweepSpec.model_validate(request.model_dump(include=set(SweepSpec.model_fields)))
    check_space(spec, max_runs)
    base = request.base.model_dump(include=set(CreateJobRunRequest.model_fields))
    run = CreateJobRunRequest.model_validate(
        {**base, "notebook": request.notebook, "allow_extra": request.allow_extra}
    )
    accepted = check_here(settings, run)
    check_sweep_names(accepted.notebook, spec)
    specs, has_cell = parameter_specs(accepted.notebook)
    for name, parameter in spec.parameters.items():
        for value in parameter.values or []:
            values = {**accepted.parameters, name: value}
            check_parameters(specs, values, has_cell=has_cell, allow_extra=request.allow_extra)


def create_here(
    settings: Settings, request: CreateJobRequest, limits: ScheduleLimits
) -> JobDefinition:
    """Store a definition in the workspace (created when missing, once the request is
    accepted); nothing fires it until a server or ``jupyter mlx scheduler`` runs there."""
    accept_definition(settings, request)
    return _with_services(
        settings, lambda services: services.definitions.create(request), migrate=True, limits=limits
    )


def trigger_here(
    settings: Settings,
    job_id: str,
    limits: ScheduleLimits,
    on_run: OnUpdate | None = None,
    on_sweep: OnSweepUpdate | None = None,
) -> JobRun | Sweep:
    """Run a definition now in this process and wait for the run's (or sweep's) end.

    Raises:
        NotFound: No workspace, or no such definition; nothing is created.
    """
    from ..services import JobSizes

    require_store(settings)

    async def execute(services: Services) -> JobRun | Sweep:
        fired = await services.definitions.trigger(job_id)
        if fired.sweep is not None:
            return await _follow_sweep(services, fired.sweep, on_sweep)
        assert fired.run is not None
        return await _follow_run(services, fired.run, on_run)

    sizes = JobSizes(warm_kernels=0)
    return _with_services(settings, execute, migrate=True, limits=limits, job_sizes=sizes)


def sweep_here(
    settings: Settings,
    request: CreateSweepRequest,
    limits: ScheduleLimits,
    on_update: OnSweepUpdate | None = None,
) -> Sweep:
    """Create a sweep and execute its trials in this process until it ends.

    An interrupt (Ctrl-C) stops it: the sweep ends ``stopped``, its trials' kernels killed.

    Raises:
        InvalidInput: A refused sweep (``field`` names the part); nothing is created.
    """
    from ..services import JobSizes

    accept_sweep(settings, request, limits.max_sweep_runs)

    async def execute(services: Services) -> Sweep:
        sweep = await services.sweeps.create(request)
        return await _follow_sweep(services, sweep, on_update)

    sizes = JobSizes(warm_kernels=0)
    return _with_services(settings, execute, migrate=True, limits=limits, job_sizes=sizes)


def run_scheduler(
    settings: Settings,
    job_sizes: JobSizes,
    limits: ScheduleLimits,
    on_start: Callable[[int], None],
) -> None:
    """Run the server's background loops here until SIGINT or SIGTERM: the job dispatcher
    (executing queued runs), the scheduler (firing due definitions, missed fires first) and
    the sweep watch. Runs executing at the signal end ``interrupted`` (queued again when they
    have retries left).

    Args:
        settings: The workspace (created and migrated when needed).
        job_sizes: Runs executing at once, kernels started ahead.
        limits: Bounds of catch-up and sweeps.
        on_start: Called once started, with the number of active schedules.
    """
    asyncio.run(_run_scheduler(settings, job_sizes, limits, on_start))


async def _run_scheduler(
    settings: Settings,
    job_sizes: JobSizes,
    limits: ScheduleLimits,
    on_start: Callable[[int], None],
) -> None:
    from ..services import Services

    services = Services.from_settings(settings, job_sizes=job_sizes, limits=limits)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for signum in signals:
        loop.add_signal_handler(signum, stopping.set)
    try:
        await services.start()
        jobs = (await services.definitions.list_jobs()).jobs
        on_start(sum(1 for job in jobs if job.active and job.cron))
        await stopping.wait()
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)
        await services.stop()


def given_parameters(pairs: list[tuple[str, str]], files: list[str]) -> Mapping[str, Any]:
    """Parameters from ``-f`` files (in order), then ``-p NAME VALUE`` pairs, later ones winning."""
    values: dict[str, Any] = {}
    for path in files:
        values.update(read_parameters_file(path))
    for name, text in pairs:
        values[name] = parse_value(text)
    return values
