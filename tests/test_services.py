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
    assert [task.state.value for task in services.tasks.describe()] == ["stopped"]
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


def test_read_only_services_create_nothing(tmp_path: Path) -> None:
    with Services.opened(Settings.resolve(tmp_path, environ={})) as services:
        assert services.describe().store.healthy is False

    assert not (tmp_path / ".mlx").exists()
    assert os.listdir(tmp_path) == []
