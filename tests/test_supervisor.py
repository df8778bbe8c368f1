"""Supervised children: restarts, health checks, and recovery after a killed server.

Every test uses real processes. Children that a test leaves behind when it fails are killed
by the fixtures, so a failure never leaves ``sleep 60`` running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

from jupyter_mlx.errors import Conflict
from jupyter_mlx.store import Store
from jupyter_mlx.store.tables import ProcessRecord
from jupyter_mlx.supervisor import (
    HealthCheck,
    OrphanProcess,
    ProcessSpec,
    ProcessState,
    RestartPolicy,
    Supervisor,
)

pytestmark = pytest.mark.timeout(30)

#: Restarts fast enough for tests.
QUICK = RestartPolicy(backoff_initial=0.05, backoff_max=0.2, max_quick_failures=3)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaped does not count)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.02)


async def pid_in(path: Path) -> int:
    await eventually(lambda: path.exists() and path.read_text().strip() != "")
    return int(path.read_text())


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'mlx.db'}")
    store.upgrade()
    yield store
    with store.session() as session:
        for record in session.scalars(select(ProcessRecord)):
            if psutil.pid_exists(record.pid) and record.pid != os.getpid():
                kill_group(record.pgid)
    store.dispose()


@pytest.fixture
def spawned() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts itself, each in its own group; killed and reaped at the end."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        kill_group(process.pid)
        process.wait()


def records(store: Store) -> list[ProcessRecord]:
    with store.session() as session:
        return list(session.scalars(select(ProcessRecord)))


# --- supervised children ---------------------------------------------------------------------


async def test_a_child_is_recorded_logged_and_stopped_with_its_whole_group(
    store: Store, tmp_path: Path
) -> None:
    # Given a supervised child that starts a grandchild,
    supervisor = Supervisor(store)
    pidfile = tmp_path / "grandchild"
    log_path = tmp_path / "logs" / "worker.log"
    script = f"echo hello; sleep 60 & echo $! > {pidfile}; wait"
    child = await supervisor.start(
        ProcessSpec("worker", ["sh", "-c", script], log_path, kind="endpoint")
    )
    grandchild = await pid_in(pidfile)
    assert child.pid is not None
    leader = child.pid

    # it runs, recorded with its start time, its output in its log file;
    assert child.state is ProcessState.RUNNING
    [record] = records(store)
    assert (record.name, record.kind, record.pid, record.pgid) == (
        "worker",
        "endpoint",
        leader,
        leader,
    )
    assert record.create_time == pytest.approx(psutil.Process(leader).create_time())
    assert (record.owner_pid, record.argv) == (os.getpid(), ["sh", "-c", script])
    await eventually(lambda: "hello" in log_path.read_text())
    assert "starting sh -c" in log_path.read_text()

    # when it is stopped,
    await child.stop()

    # then the grandchild went with it, and the record is gone.
    assert not alive(grandchild)
    assert not alive(leader)
    assert child.status().state is ProcessState.STOPPED
    assert records(store) == []


async def test_a_crashing_child_is_restarted_then_given_up_as_failed(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a child that always exits with status 3 at once, and a policy of three quick
    # failures,
    caplog.set_level(logging.WARNING, logger="jupyter_mlx")
    runs = tmp_path / "runs"
    spec = ProcessSpec(
        "flaky", ["sh", "-c", f"echo run >> {runs}; exit 3"], tmp_path / "flaky.log", restart=QUICK
    )

    # when it is supervised,
    started = time.monotonic()
    child = await Supervisor(store).start(spec)
    state = await asyncio.wait_for(child.wait(), timeout=10)

    # then it ran three times, backing off 0.05 s then 0.1 s, and is failed with its status.
    assert state is ProcessState.FAILED
    assert time.monotonic() - started >= 0.15
    assert runs.read_text() == "run\n" * 3
    status = child.status()
    assert (status.restarts, status.exit_code, status.pid) == (2, 3, None)
    assert status.last_error == "exited with status 3"
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING", "ERROR"]
    assert "restarting it in 0.05 s" in caplog.messages[0]
    assert "not restarting it" in caplog.messages[2]
    assert records(store) == []


async def test_a_child_that_crashes_once_runs_again(store: Store, tmp_path: Path) -> None:
    # Given a child that fails on its first run only,
    runs = tmp_path / "runs"
    script = f'echo run >> {runs}; [ "$(wc -l < {runs})" -ge 2 ] && exec sleep 60; exit 1'
    supervisor = Supervisor(store)

    # when it is supervised,
    child = await supervisor.start(
        ProcessSpec("second-try", ["sh", "-c", script], tmp_path / "c.log", restart=QUICK)
    )
    first = child.pid
    await eventually(lambda: child.restarts == 1 and child.state is ProcessState.RUNNING)

    # then its second process runs, recorded in place of the first.
    assert child.pid != first
    assert [r.pid for r in records(store)] == [child.pid]
    await supervisor.stop()
    assert child.state is ProcessState.STOPPED


async def test_a_child_that_exits_with_status_0_is_not_restarted(
    store: Store, tmp_path: Path
) -> None:
    child = await Supervisor(store).start(ProcessSpec("once", ["true"], tmp_path / "once.log"))

    assert await asyncio.wait_for(child.wait(), timeout=5) is ProcessState.STOPPED
    assert (child.restarts, child.exit_code) == (0, 0)


async def test_a_child_failing_its_health_check_is_restarted(store: Store, tmp_path: Path) -> None:
    # Given a served child whose health check will fail twice,
    failures_to_come = 0

    async def ping() -> bool:
        nonlocal failures_to_come
        if failures_to_come:
            failures_to_come -= 1
            raise ConnectionRefusedError("connection refused")
        return True

    health = HealthCheck(ping, interval=0.05, timeout=1, failures=2, startup=0)
    spec = ProcessSpec(
        "endpoint", ["sleep", "60"], tmp_path / "e.log", health=health, restart=QUICK
    )
    supervisor = Supervisor(store)
    child = await supervisor.start(spec)
    assert child.state is ProcessState.STARTING
    await eventually(lambda: child.state is ProcessState.RUNNING)
    first = child.pid
    assert first is not None

    # when the check fails twice in a row,
    failures_to_come = 2

    # then the unhealthy process is stopped and a new one serves.
    await eventually(lambda: child.restarts == 1 and child.state is ProcessState.RUNNING)
    assert not alive(first)
    assert child.pid != first
    assert child.last_error == (
        "failed 2 health checks in a row (ConnectionRefusedError: connection refused)"
    )
    await supervisor.stop()


async def test_a_starting_child_gets_its_startup_time(store: Store, tmp_path: Path) -> None:
    # Given a child that takes a while to serve, with a strict check and a long startup,
    ready = False

    async def ping() -> bool:
        return ready

    health = HealthCheck(ping, interval=0.02, failures=1, startup=30)
    supervisor = Supervisor(store)
    child = await supervisor.start(
        ProcessSpec("slow-start", ["sleep", "60"], tmp_path / "s.log", health=health)
    )

    # when its first checks fail, it is starting, not restarted;
    await asyncio.sleep(0.3)
    assert (child.state, child.restarts) == (ProcessState.STARTING, 0)

    # once a check passes, it is running.
    ready = True
    await eventually(lambda: child.state is ProcessState.RUNNING)
    await supervisor.stop()


async def test_a_name_runs_once(store: Store, tmp_path: Path) -> None:
    supervisor = Supervisor(store)
    await supervisor.start(ProcessSpec("one", ["sleep", "60"], tmp_path / "1.log"))

    with pytest.raises(Conflict, match="'one' is already running"):
        await supervisor.start(ProcessSpec("one", ["sleep", "60"], tmp_path / "2.log"))
    await supervisor.stop()


# --- recovery after a killed server ----------------------------------------------------------

ABANDONING_SERVER = """
import asyncio, sys
from pathlib import Path
from jupyter_mlx.supervisor import ProcessSpec, Supervisor
from jupyter_mlx.store import Store

async def main():
    supervisor = Supervisor(Store(sys.argv[1]))
    for kind in ("endpoint", "job"):
        spec = ProcessSpec(f"{kind}:a", ["sleep", "60"], Path(sys.argv[2]) / kind, kind=kind)
        child = await supervisor.start(spec)
        print(child.pid, flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


async def children_of_a_killed_server(store: Store, tmp_path: Path) -> tuple[int, int]:
    """Start a server-like process with an endpoint and a job child, then SIGKILL it."""
    argv = [sys.executable, "-c", ABANDONING_SERVER, store.url, str(tmp_path)]
    server = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE)
    try:
        assert server.stdout is not None
        endpoint = int(await asyncio.wait_for(server.stdout.readline(), timeout=20))
        job = int(await asyncio.wait_for(server.stdout.readline(), timeout=20))
    finally:
        server.kill()
        await server.wait()
        assert server.stdout is not None
        await server.stdout.read()
    return endpoint, job


def adopt_endpoints(orphan: OrphanProcess) -> ProcessSpec | None:
    if orphan.kind != "endpoint":
        return None
    return ProcessSpec(orphan.name, orphan.argv, orphan.log_path, kind=orphan.kind, restart=QUICK)


@pytest.mark.slow
async def test_recover_adopts_or_stops_what_a_killed_server_left(
    store: Store, tmp_path: Path
) -> None:
    # Given a server that was SIGKILLed while supervising an endpoint and a job,
    endpoint, job = await children_of_a_killed_server(store, tmp_path)
    assert alive(endpoint) and alive(job)

    # when the next server recovers, adopting endpoints only,
    supervisor = Supervisor(store)
    recovery = await supervisor.recover(adopt_endpoints, grace=1)

    # then the endpoint runs on under it, the job was stopped, and the records say so.
    [adopted] = recovery.adopted
    assert (adopted.name, adopted.pid, adopted.adopted) == ("endpoint:a", endpoint, True)
    assert adopted.state is ProcessState.RUNNING
    assert [o.name for o in recovery.stopped] == ["job:a"]
    assert recovery.gone == ()
    assert alive(endpoint)
    assert not alive(job)
    [record] = records(store)
    assert (record.pid, record.owner_pid, record.owner_id) == (
        endpoint,
        os.getpid(),
        supervisor.owner_id,
    )

    # And the adopted endpoint stops like a child of this server.
    await supervisor.stop()
    assert not alive(endpoint)
    assert records(store) == []


@pytest.mark.slow
async def test_an_adopted_child_that_dies_is_restarted_from_its_spec(
    store: Store, tmp_path: Path
) -> None:
    endpoint, _job = await children_of_a_killed_server(store, tmp_path)
    supervisor = Supervisor(store)
    [adopted] = (await supervisor.recover(adopt_endpoints, grace=1)).adopted

    os.kill(endpoint, signal.SIGKILL)

    await eventually(lambda: adopted.restarts == 1 and adopted.state is ProcessState.RUNNING)
    assert adopted.pid != endpoint
    assert adopted.status().adopted is False
    await supervisor.stop()


def orphan_record(
    supervisor: Supervisor, pid: int, create_time: float, **fields: object
) -> ProcessRecord:
    """A record on this host left by a supervisor that is gone (no process started then)."""
    values: dict[str, object] = {
        "id": f"{pid:032d}",
        "name": f"orphan-{pid}",
        "kind": "endpoint",
        "host": supervisor.host,
        "pid": pid,
        "pgid": pid,
        "create_time": create_time,
        "argv": ["sleep", "60"],
        "log_path": "/dev/null",
        "owner_id": "f" * 32,
        "owner_pid": os.getpid(),
        "owner_create_time": 0.0,
        "started_at": datetime.now(timezone.utc),
    }
    values.update(fields)
    return ProcessRecord(**values)


def sleeper(spawned: list[subprocess.Popen[bytes]], script: str = "exec sleep 60") -> int:
    process = subprocess.Popen(["sh", "-c", script], start_new_session=True)
    spawned.append(process)
    return process.pid


def adopt_all(orphan: OrphanProcess) -> ProcessSpec:
    return ProcessSpec(orphan.name, orphan.argv, orphan.log_path)


async def test_recover_leaves_a_process_that_reused_a_recorded_pid(
    store: Store, spawned: list[subprocess.Popen[bytes]]
) -> None:
    # Given a record whose pid now belongs to a process started long after the recorded one,
    supervisor = Supervisor(store)
    stranger = sleeper(spawned)
    started = psutil.Process(stranger).create_time()
    with store.session() as session:
        session.add(orphan_record(supervisor, stranger, started - 1000))

    # when a server recovers, ready to adopt anything,
    recovery = await supervisor.recover(adopt_all, grace=1)

    # then the stranger is neither adopted nor signalled, and the stale record is gone.
    assert recovery.adopted == recovery.stopped == ()
    assert [o.pid for o in recovery.gone] == [stranger]
    assert recovery.gone[0].started_at.tzinfo is not None
    assert alive(stranger)
    assert records(store) == []


async def test_recover_leaves_records_of_live_supervisors_and_other_hosts(
    store: Store, spawned: list[subprocess.Popen[bytes]]
) -> None:
    # Given a child of a supervisor that still runs (this process) and one on another host,
    supervisor = Supervisor(store)
    mine, theirs = sleeper(spawned), sleeper(spawned)
    me = psutil.Process()
    with store.session() as session:
        session.add(
            orphan_record(
                supervisor,
                mine,
                psutil.Process(mine).create_time(),
                owner_create_time=me.create_time(),
            )
        )
        session.add(
            orphan_record(supervisor, theirs, psutil.Process(theirs).create_time(), host="gpu-7")
        )

    # when a server recovers,
    recovery = await supervisor.recover(grace=1)

    # then neither is touched.
    assert recovery.adopted == recovery.stopped == recovery.gone == ()
    assert alive(mine) and alive(theirs)
    assert sorted(r.pid for r in records(store)) == sorted([mine, theirs])


async def test_recover_stops_what_remains_of_a_group_whose_leader_died(
    store: Store, tmp_path: Path, spawned: list[subprocess.Popen[bytes]]
) -> None:
    # Given a recorded child that died, leaving its own child behind in its process group,
    supervisor = Supervisor(store)
    pidfile = tmp_path / "grandchild"
    leader = sleeper(spawned, f"sleep 60 & echo $! > {pidfile}; wait")
    grandchild = await pid_in(pidfile)
    with store.session() as session:
        session.add(orphan_record(supervisor, leader, psutil.Process(leader).create_time()))
    os.kill(leader, signal.SIGKILL)
    spawned[0].wait()

    # when a server recovers,
    recovery = await supervisor.recover(adopt_all, grace=1)

    # then the child is reported gone, and what it left in its group is stopped too.
    assert [o.pid for o in recovery.gone] == [leader]
    assert recovery.adopted == ()
    assert not alive(grandchild)
    assert records(store) == []
