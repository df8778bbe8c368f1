"""A real server killed with SIGKILL while a schedule is due: the next server fires what the
catch-up policy says, counts the rest as skipped, and a second kill doubles nothing."""

from __future__ import annotations

import os
import signal
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import servers
from jobnotebooks import write_notebook
from test_jobs_recovery import wait_for

from jupyter_mlx.config import Settings
from jupyter_mlx.jobs.definition_records import DefinitionRecords
from jupyter_mlx.store import Store

pytestmark = pytest.mark.slow


def start(home: Path) -> servers.Server:
    return servers.start_server(
        home / "jupyter",
        home / "root",
        f"--MLXApp.workspace_dir={home / 'root' / '.mlx'}",
        "--MLXApp.warm_kernels=0",
        "--MLXApp.max_catchup_runs=3",
    )


def kill(server: servers.Server) -> None:
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def test_fires_missed_by_a_killed_server_run_per_policy_and_never_twice(tmp_path: Path) -> None:
    root = tmp_path / "root"
    write_notebook(root / "nb.ipynb", "print(epochs)")
    # An hourly schedule whose minute was 20 minutes ago: every fire in the window is missed,
    # none is on time, whatever the second the test starts at.
    last = (datetime.now(timezone.utc) - timedelta(minutes=20)).replace(second=0, microsecond=0)
    cron = f"{last.minute} * * * *"
    server = start(tmp_path)
    try:
        # Given a definition catching up every missed fire (capped at 3 by the server),
        job = server.post("jobs", {"notebook": "nb.ipynb", "cron": cron, "catchup": "all"}).json()
        # when the server is killed and stays down for five fires (its cursor five hours back),
        kill(server)
        records = DefinitionRecords(Store(Settings.resolve(root, environ={}).db_url))
        records.update(
            job["id"],
            last_fire_at=last - timedelta(hours=4, minutes=1),
            next_fire_at=last - timedelta(hours=4),
        )
        records.store.dispose()
        server = start(tmp_path)

        # then the new server fires the latest three at once and counts two as skipped,
        def runs() -> list[dict]:
            return server.get(f"jobs/{job['id']}/runs").json()["runs"]

        wait_for(lambda: len(runs()) == 3, timeout=30)
        expected = [last - timedelta(hours=h) for h in (2, 1, 0)]
        fired = sorted(runs(), key=lambda run: run["scheduled_for"])
        assert [datetime.fromisoformat(r["scheduled_for"]) for r in fired] == expected
        assert {r["trigger"] for r in fired} == {"catchup"}
        described = server.get(f"jobs/{job['id']}").json()
        assert described["skipped_fires"] == 2
        assert datetime.fromisoformat(described["next_fire_at"]) == last + timedelta(hours=1)

        # and when it is killed too, mid-run, the server after it fires none of them again.
        kill(server)
        server = start(tmp_path)
        wait_for(lambda: all(r["status"] not in ("queued", "running") for r in runs()), 90)
        assert sorted(r["id"] for r in runs()) == sorted(r["id"] for r in fired)
        assert server.get(f"jobs/{job['id']}").json()["skipped_fires"] == 2
    finally:
        server.stop()
