"""The endpoint service without a Jupyter server: real scoring processes (``python -m
jupyter_mlx.serving``) serving a registered scikit-learn model of a real MLflow registry,
supervised by a real :class:`~jupyter_mlx.supervisor.Supervisor` over a real store.

Processes restart fast here (a 0.2 s backoff, given up after three quick crashes) and are
pinged every half second; they look at their alias only when told, so a reload proves the
Models service told them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
import requests
from modelruns import log_model_run

from jupyter_mlx.config import Settings
from jupyter_mlx.environments.service import EnvironmentService
from jupyter_mlx.errors import Conflict, InvalidInput, NotFound
from jupyter_mlx.models.schemas import MoveAliasRequest, RollbackRequest
from jupyter_mlx.models.service import ModelService
from jupyter_mlx.services import EndpointSizes, JobSizes, Services
from jupyter_mlx.serving.schemas import CreateEndpoint, Endpoint, UpdateEndpoint
from jupyter_mlx.serving.service import EndpointService, read_endpoints
from jupyter_mlx.store import Store
from jupyter_mlx.supervisor import RestartPolicy, Supervisor
from jupyter_mlx.tracking.client import TrackingConnection

#: Seconds an endpoint may take to load its model and answer (a loaded 2-core machine).
RUNNING_WITHIN_S = 90.0
#: Three rows of the model's three features.
ROWS = [[0.9, 0.1, 0.1], [0.1, 0.5, 0.5], [0.7, 0.2, 0.9]]
FAST_RESTARTS = RestartPolicy(
    backoff_initial=0.2, backoff_max=1.0, quick_failure_s=120.0, max_quick_failures=3
)

pytestmark = pytest.mark.timeout(240)


@dataclass
class Workspace:
    """A workspace whose registry has ``churn`` (versions 1 and 2, ``champion`` on 1)."""

    settings: Settings
    runs: list[str]

    @property
    def tracking_uri(self) -> str:
        return self.settings.tracking_uri


@dataclass
class Serving:
    """The endpoint service and what it is built on."""

    service: EndpointService
    supervisor: Supervisor
    models: ModelService
    store: Store


def register(tracking_uri: str, name: str, runs: list[str], alias: str) -> None:
    """Each run's model as a version of ``name``, in order; ``alias`` on version 1."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    try:
        for run_id in runs:
            mlflow.register_model(f"runs:/{run_id}/model", name)
        mlflow.MlflowClient().set_registered_model_alias(name, alias, "1")
    finally:
        mlflow.set_tracking_uri(None)


@pytest.fixture
def empty_workspace(tmp_path: Path) -> Workspace:
    """A workspace with no registered model."""
    root = tmp_path / "root"
    (root / ".mlx").mkdir(parents=True)
    return Workspace(Settings.resolve(root, environ={}), [])


@pytest.fixture
def workspace(tmp_path: Path, mlflow_state: None) -> Workspace:
    root = tmp_path / "root"
    (root / ".mlx").mkdir(parents=True)
    settings = Settings.resolve(root, environ={})
    runs = [log_model_run(settings.tracking_uri) for _ in range(2)]
    register(settings.tracking_uri, "churn", runs, "champion")
    return Workspace(settings, runs)


@asynccontextmanager
async def serving_of(workspace: Workspace) -> AsyncIterator[Serving]:
    """The endpoint service of ``workspace``, started; stopped with its processes after."""
    settings = workspace.settings
    store = Store(settings.db_url)
    store.upgrade()
    supervisor = Supervisor(store)
    connection = TrackingConnection(settings.tracking_uri)
    models = ModelService(settings, store, connection, EnvironmentService(settings))
    service = EndpointService(
        settings,
        store,
        supervisor,
        connection,
        models,
        restart=FAST_RESTARTS,
        health_interval_s=0.5,
        reload_interval_s=0,
    )
    models.on_alias_moved = service.notify_alias_moved
    await service.start()
    try:
        yield Serving(service, supervisor, models, store)
    finally:
        await service.stop()
        await supervisor.stop()
        store.dispose()


async def until(
    read: Callable[[], Awaitable[Endpoint]],
    done: Callable[[Endpoint], bool],
    within: float = RUNNING_WITHIN_S,
) -> Endpoint:
    """Poll ``read`` until ``done`` holds of its answer; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        endpoint = await read()
        if done(endpoint):
            return endpoint
        assert time.monotonic() < deadline, f"not done after {within:g} s: {endpoint}"
        await asyncio.sleep(0.2)


async def running(service: EndpointService, name: str) -> Endpoint:
    return await until(lambda: service.get(name), lambda e: e.state == "running")


def invoke(endpoint: Endpoint, rows: list[list[float]] = ROWS) -> list:
    assert endpoint.url is not None
    response = requests.post(f"{endpoint.url}/invocations", json={"inputs": rows}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["predictions"]


def in_process(workspace: Workspace, uri: str) -> list:
    import mlflow.pyfunc
    import numpy as np

    mlflow.set_tracking_uri(workspace.tracking_uri)
    try:
        model = mlflow.pyfunc.load_model(uri)
    finally:
        mlflow.set_tracking_uri(None)
    return np.asarray(model.predict(np.asarray(ROWS))).tolist()


def gone(pid: int) -> bool:
    """Whether the process ``pid`` has ended (a zombie nobody reaped yet has)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def taken_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.mark.slow
async def test_create_serve_stop_restart_and_delete(workspace: Workspace) -> None:
    async with serving_of(workspace) as serving:
        service = serving.service
        # Given a created endpoint on the champion alias, starting at once on a free port,
        created = await service.create(
            CreateEndpoint(name="churn", model_uri="models:/churn@champion"), user="ann"
        )
        assert (created.state, created.created_by, created.proxy_path) == (
            "starting",
            "ann",
            "mlx/endpoints/churn/",
        )
        assert created.port is not None and created.url == f"http://127.0.0.1:{created.port}"

        # when it runs, it answers as the model does in-process, and reports what it serves;
        endpoint = await running(service, "churn")
        assert invoke(endpoint) == in_process(workspace, "models:/churn@champion")
        assert [(v.role, v.version) for v in endpoint.versions] == [("primary", "1")]
        assert endpoint.example_request is not None
        assert endpoint.log_tail == [] and endpoint.restarts == 0
        assert [e.name for e in (await service.list()).endpoints] == ["churn"]
        assert [r.name for r in read_endpoints(serving.store)] == ["churn"]
        folder = service.folder("churn")
        assert (folder / "process.log").is_file()

        # a second endpoint of that name is refused;
        with pytest.raises(Conflict) as duplicate:
            await service.create(
                CreateEndpoint(name="churn", model_uri="models:/churn/2"), user=None
            )
        assert duplicate.value.field == "name"

        # stopped, its process is gone and it is kept, not wanted running;
        pid = endpoint.pid
        stopped = await service.stop_endpoint("churn")
        assert (stopped.state, stopped.port, stopped.pid) == ("stopped", None, None)
        assert pid is not None and not psutil.pid_exists(pid)
        assert read_endpoints(serving.store)[0].wanted_running is False

        # restarted, it serves again;
        assert (await service.restart("churn")).state == "starting"
        assert invoke(await running(service, "churn")) == in_process(workspace, "models:/churn/1")
        assert read_endpoints(serving.store)[0].wanted_running is True

        # deleted, it is gone with its folder.
        pid = (await service.get("churn")).pid
        await service.delete("churn")
        with pytest.raises(NotFound):
            await service.get("churn")
        assert pid is not None and not psutil.pid_exists(pid)
        assert read_endpoints(serving.store) == []
        assert not folder.exists()


@pytest.mark.slow
async def test_refused_input_starts_nothing(workspace: Workspace) -> None:
    async with serving_of(workspace) as serving:
        service = serving.service
        refused = {
            "models:/churn@nope": "alias nope not found",
            "models:/nothing/1": "nothing",
            "runs:/0123456789abcdef0123456789abcdef/model": "0123456789abcdef",
            f"runs:/{workspace.runs[0]}/elsewhere": "has no model",
            str(workspace.settings.root_dir / "missing"): "no MLmodel",
        }
        for uri, reason in refused.items():
            with pytest.raises(InvalidInput) as caught:
                await service.create(CreateEndpoint(name="bad", model_uri=uri), user=None)
            assert caught.value.field == "model_uri", uri
            assert f"Model URI {uri!r} does not resolve" in caught.value.message
            assert reason in caught.value.message, caught.value.message

        with taken_port() as sock:
            port = sock.getsockname()[1]
            with pytest.raises(InvalidInput) as caught:
                await service.create(
                    CreateEndpoint(name="bad", model_uri="models:/churn/1", port=port), user=None
                )
        assert caught.value.field == "port"
        assert f"Port {port}" in caught.value.message

        assert serving.supervisor.describe() == []
        assert read_endpoints(serving.store) == []
        for call in (service.get, service.stop_endpoint, service.restart, service.delete):
            with pytest.raises(NotFound):
                await call("bad")


@pytest.mark.slow
async def test_a_killed_process_is_restarted(workspace: Workspace) -> None:
    async with serving_of(workspace) as serving:
        service = serving.service
        await service.create(CreateEndpoint(name="churn", model_uri="models:/churn/1"), user=None)
        first = await running(service, "churn")
        assert first.pid is not None

        os.kill(first.pid, signal.SIGKILL)

        again = await until(
            lambda: service.get("churn"), lambda e: e.state == "running" and e.pid != first.pid
        )
        assert again.restarts == 1
        assert again.port == first.port
        assert len(invoke(again)) == len(ROWS)


@pytest.mark.slow
async def test_a_process_that_keeps_crashing_fails_with_its_last_lines(
    workspace: Workspace,
) -> None:
    async with serving_of(workspace) as serving:
        # Given a version whose artifacts were deleted after it was registered (it resolves in
        # the registry, but no process can load it),
        import shutil

        from mlflow.tracking import MlflowClient
        from mlflow.utils.file_utils import local_file_uri_to_path

        client = MlflowClient(tracking_uri=workspace.tracking_uri)
        location = client.get_model_version_download_uri("churn", "2")
        shutil.rmtree(local_file_uri_to_path(location))

        # when it is served,
        service = serving.service
        await service.create(CreateEndpoint(name="broken", model_uri="models:/churn/2"), user=None)

        # then after three quick crashes it is given up, showing why.
        failed = await until(lambda: service.get("broken"), lambda e: e.state == "failed")
        assert failed.restarts == 2
        assert failed.last_error == "exited with status 2"
        assert any(line.startswith("error: ") for line in failed.log_tail), failed.log_tail
        assert (failed.port, failed.pid) == (None, None)


@pytest.mark.slow
async def test_an_alias_move_reloads_the_endpoint_and_a_canary_is_promoted(
    workspace: Workspace,
) -> None:
    async with serving_of(workspace) as serving:
        service, models = serving.service, serving.models
        # Given an endpoint on churn@champion (version 1), looking at its alias only when told,
        await service.create(
            CreateEndpoint(name="churn", model_uri="models:/churn@champion"), user=None
        )
        await running(service, "churn")

        def served(endpoint: Endpoint) -> list[tuple[str, str | None]]:
            return [(v.role, v.version) for v in endpoint.versions]

        # when the Models service moves the alias to version 2, the endpoint serves it;
        move = MoveAliasRequest(version="2", gates=[], smoke=False)
        promotion = await asyncio.to_thread(
            models.move_alias, "churn", "champion", move, user="ann"
        )
        assert promotion.state == "promoted", promotion.error
        await until(lambda: service.get("churn"), lambda e: served(e) == [("primary", "2")])

        # a rollback moves it back, and the endpoint follows again;
        await asyncio.to_thread(models.rollback, "churn", "champion", RollbackRequest(), user="ann")
        await until(lambda: service.get("churn"), lambda e: served(e) == [("primary", "1")])

        # a promotion without a canary, or a canary that names nothing, is refused;
        with pytest.raises(InvalidInput) as caught:
            await service.update("churn", UpdateEndpoint(promote_canary=True), user=None)
        assert caught.value.field == "promote_canary"
        with pytest.raises(InvalidInput) as caught:
            await service.update(
                "churn", UpdateEndpoint(canary_model_uri="models:/churn/9"), user=None
            )
        assert caught.value.field == "canary_model_uri"

        # a canary on version 2 takes a share of requests,
        changed = await service.update(
            "churn",
            UpdateEndpoint(canary_model_uri="models:/churn/2", canary_percent=50),
            user=None,
        )
        assert changed.canary is not None and changed.canary.percent == 50
        assert served(changed) == [("primary", "1"), ("canary", "2")]
        assert read_endpoints(serving.store)[0].canary_model_uri == "models:/churn/2"

        # and promoted, the alias moves to it (recorded in the history) and the canary is dropped.
        promoted = await service.update("churn", UpdateEndpoint(promote_canary=True), user="ann")
        assert promoted.canary is None and promoted.model_uri == "models:/churn@champion"
        history = await asyncio.to_thread(models.history, "churn")
        assert (history.moves[0].to_version, history.moves[0].user) == ("2", "ann")
        await until(lambda: service.get("churn"), lambda e: served(e) == [("primary", "2")])
        record = read_endpoints(serving.store)[0]
        assert (record.canary_model_uri, record.canary_percent) == (None, 0)


async def test_an_unknown_endpoint_is_not_found(empty_workspace: Workspace) -> None:
    async with serving_of(empty_workspace) as serving:
        service = serving.service
        with pytest.raises(NotFound) as caught:
            await service.update("nothing", UpdateEndpoint(canary_percent=5), user=None)
        assert caught.value.field == "name"
        for read in (service.metrics, service.drift, service.request_log, service.target):
            with pytest.raises(NotFound):
                await read("nothing")


@pytest.mark.slow
async def test_endpoints_running_at_a_server_stop_start_again_at_the_next(
    workspace: Workspace,
) -> None:
    settings = workspace.settings
    sizes = JobSizes(max_concurrent_runs=1, warm_kernels=0)

    # Given a server whose endpoint runs, and one stopped on request,
    first = Services.from_settings(settings, job_sizes=sizes)
    assert first.models.on_alias_moved == first.endpoints.notify_alias_moved
    await first.start()
    try:
        await first.endpoints.create(
            CreateEndpoint(name="churn", model_uri="models:/churn/1"), user=None
        )
        await first.endpoints.create(
            CreateEndpoint(name="idle", model_uri="models:/churn/1"), user=None
        )
        pid = (await running(first.endpoints, "churn")).pid
        await first.endpoints.stop_endpoint("idle")
    finally:
        # when the server stops, the process stops with it;
        await first.stop()
    assert pid is not None and not psutil.pid_exists(pid)

    # at the next start, the endpoint that ran starts again, the stopped one does not;
    second = Services.from_settings(settings, job_sizes=sizes)
    await second.start()
    try:
        again = await running(second.endpoints, "churn")
        assert again.pid != pid
        assert len(invoke(again)) == len(ROWS)
        assert (await second.endpoints.get("idle")).state == "stopped"
    finally:
        await second.stop()

    # and a server told not to restart endpoints leaves them stopped (still wanted).
    third = Services.from_settings(
        settings, job_sizes=sizes, endpoints=EndpointSizes(restart_endpoints=False)
    )
    await third.start()
    try:
        assert (await third.endpoints.get("churn")).state == "stopped"
        assert read_endpoints(third.store)[0].wanted_running is True
    finally:
        await third.stop()


#: A server stand-in: starts the services of a root, serves churn version 1, prints the
#: endpoint's pid once it runs, then waits to be killed.
KILLED_SERVER = textwrap.dedent(
    """
    import asyncio, json, sys
    from jupyter_mlx.config import Settings
    from jupyter_mlx.services import JobSizes, Services
    from jupyter_mlx.serving.schemas import CreateEndpoint

    async def main():
        settings = Settings.resolve(sys.argv[1], environ={})
        services = Services.from_settings(settings, job_sizes=JobSizes(1, 0))
        await services.start()
        endpoints = services.endpoints
        await endpoints.create(CreateEndpoint(name="churn", model_uri="models:/churn/1"), user=None)
        while (endpoint := await endpoints.get("churn")).state != "running":
            await asyncio.sleep(0.2)
        print(json.dumps({"pid": endpoint.pid}), flush=True)
        await asyncio.sleep(300)

    asyncio.run(main())
    """
)


@pytest.mark.slow
async def test_a_killed_servers_endpoint_is_stopped_and_started_again(
    workspace: Workspace,
) -> None:
    # Given a server that was killed while its endpoint ran (left in its own process group),
    root = workspace.settings.root_dir
    server = subprocess.Popen(
        [sys.executable, "-c", KILLED_SERVER, str(root)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(server.stdout.readline), 180)
        left = json.loads(line)["pid"]
    finally:
        server.kill()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()
    assert not gone(left)

    # when the next server starts, the process left behind is stopped and the endpoint
    # started again.
    services = Services.from_settings(
        workspace.settings, job_sizes=JobSizes(max_concurrent_runs=1, warm_kernels=0)
    )
    await services.start()
    try:
        assert gone(left)
        again = await running(services.endpoints, "churn")
        assert again.pid != left
        assert len(invoke(again)) == len(ROWS)
    finally:
        await services.stop()
