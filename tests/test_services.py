"""Services own their lifecycle: background tasks and supervised children end with them, and a
new server on the workspace finds what a killed one left."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from jupyter_mlx.config import Settings
from jupyter_mlx.errors import NotFound
from jupyter_mlx.services import Services
from jupyter_mlx.supervisor import ProcessSpec

#: A server stand-in: builds the services, starts a child with a grandchild, reports both pids
#: and then waits to be killed.
SERVER = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from jupyter_mlx.config import Settings
    from jupyter_mlx.services import Services
    from jupyter_mlx.supervisor import ProcessSpec

    async def main():
        services = Services.from_settings(Settings.resolve(sys.argv[1], environ={}))
        await services.start()
        child = await services.processes.start(ProcessSpec(
            name="endpoint-a",
            kind="endpoint",
            argv=["sh", "-c", "sleep 60 & echo $!; wait"],
            log_path=Path(sys.argv[1]) / "endpoint.log",
        ))
        print(json.dumps({"child": child.pid}), flush=True)
        await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def started_services(root: Path) -> Services:
    return Services.from_settings(Settings.resolve(root, environ={}))


async def test_stop_ends_background_tasks_and_children(tmp_path: Path) -> None:
    # Given running services with a background loop and a supervised child,
    services = started_services(tmp_path)
    await services.start()
    ticks: list[int] = []

    async def loop() -> None:
        while not await services.tasks.sleep(0.01):
            ticks.append(1)

    services.tasks.start("ticker", loop)
    child = await services.processes.start(
        ProcessSpec(name="sleeper", argv=["sleep", "60"], log_path=tmp_path / "sleeper.log")
    )
    await asyncio.sleep(0.1)
    pid = child.pid
    assert pid is not None and psutil.pid_exists(pid)

    # when they stop,
    await asyncio.wait_for(services.stop(), timeout=15)

    # then the loop ran and ended, and the child is gone.
    assert ticks
    assert {task.name: task.state.value for task in services.tasks.describe()} == {
        "jobs": "stopped",
        "scheduler": "stopped",
        "sweeps": "stopped",
        "ticker": "stopped",
    }
    assert not _running(pid)


@pytest.mark.slow
async def test_a_new_server_stops_what_a_killed_one_left(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a server that started a supervised child and was then killed with SIGKILL,
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    child = json.loads(await asyncio.to_thread(server.stdout.readline))["child"]
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    server.stdout.close()
    assert _running(child)

    # when the next server starts its services on the same workspace,
    services = started_services(tmp_path)
    try:
        await asyncio.wait_for(services.start(), timeout=30)
    finally:
        await services.stop()

    # then the orphan (and its process group) is stopped, and the log says so.
    assert not _running(child)
    assert "Stopped endpoint 'endpoint-a'" in caplog.text


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_read_refuses_a_missing_workspace_and_creates_nothing(tmp_path: Path) -> None:
    settings = Settings.resolve(tmp_path, environ={})

    with pytest.raises(NotFound) as refused, Services.opened(settings):
        pass
    with Services.opened(settings, allow_missing=True) as services:
        assert services.describe().store.healthy is False

    assert refused.value.field == "workspace"
    assert refused.value.message == (
        f"No jupyter-mlx workspace in {tmp_path.resolve()} (no .mlx/ folder): start JupyterLab "
        "there, or track a run with %mlx_track, to create one."
    )
    assert os.listdir(tmp_path) == []


def test_a_read_of_a_workspace_without_a_tracking_store_creates_none(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()

    settings = Settings.resolve(tmp_path, workspace=workspace, environ={})

    with pytest.raises(NotFound) as refused, Services.opened(settings):
        pass

    assert refused.value.field == "tracking_uri"
    assert refused.value.message.startswith(
        f"No MLflow tracking store at {workspace.resolve() / 'mlflow.db'} yet: "
    )
    assert os.listdir(workspace) == []


def test_a_read_of_a_remote_tracking_store_needs_no_local_workspace(tmp_path: Path) -> None:
    settings = Settings.resolve(tmp_path, tracking_uri="http://127.0.0.1:1", environ={})

    with Services.opened(settings) as services:
        assert services.tracking.connection.tracking_uri == "http://127.0.0.1:1"

    assert os.listdir(tmp_path) == []


# MLflow 3.17's SQLAlchemy store uses the ``noload`` loader strategy that SQLAlchemy 2.1
# deprecates; the warning is raised inside MLflow when the process first opens a SQLite store.
@pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)
def test_the_server_creates_the_tracking_store_with_the_workspace_artifact_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow.tracking import MlflowClient

    from jupyter_mlx.tracking.schemas import ListExperimentsQuery

    # Given a server started from another folder than its root,
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = Settings.resolve(tmp_path / "root", environ={})

    # when it migrates its new workspace and first reads from MLflow,
    services = Services.from_settings(settings)
    services.tracking.list_experiments(ListExperimentsQuery())
    services.close()

    # then MLflow's Default experiment keeps its artifacts in the workspace, not in ./mlruns.
    default = MlflowClient(tracking_uri=settings.tracking_uri).get_experiment("0")
    assert default.artifact_location == (settings.workspace / "artifacts" / "0").as_uri()
    assert os.listdir(elsewhere) == []
