"""`jupyter mlx jobs create|list|show|trigger|pause|resume|delete`, `jupyter mlx sweep` and
`jupyter mlx scheduler` as a user types them: in this process on a root no server serves, and
through the server that serves one. Real kernels, a real store, real server processes."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import servers
from commands import COMMAND_TIMEOUT_S, clean_env, finish, launch, ok
from jobnotebooks import write_notebook
from sqlalchemy import select

from jupyter_mlx.config import Settings
from jupyter_mlx.jobs.definition_records import DefinitionRecords
from jupyter_mlx.jobs.records import aware
from jupyter_mlx.jobs.schedule import next_fire
from jupyter_mlx.store import Store
from jupyter_mlx.store.tables import JobRunRecord


def start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``jupyter mlx COMMAND --root-dir=ROOT ARGS...`` typed in ``root``; by default where no
    server runs (an empty runtime folder: servers of other tests are not looked at)."""
    words = 2 if args[0] == "jobs" else 1
    return launch(
        root,
        [*args[:words], f"--root-dir={root}", *args[words:]],
        env or clean_env(JUPYTER_RUNTIME_DIR=str(root.parent / f"{root.name}-no-servers")),
    )


def each(
    root: Path, *commands: tuple[str, ...], env: dict[str, str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Several commands at once, each in its own process (the CLI's start dominates)."""
    children = [start(root, *args, env=env) for args in commands]
    return [finish(child) for child in children]


def one(root: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    """The JSON a command printed; it must have exited 0."""
    [result] = each(root, args, env=env)
    return ok(result)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root no server serves, with a notebook that prints its parameters; its workspace is
    shared by the tests of this module that run in this process (the MLflow store is created
    once)."""
    folder = tmp_path_factory.mktemp("schedules-root")
    write_notebook(folder / "nb.ipynb", "print('epochs', epochs, 'lr', lr)")
    return folder


@pytest.mark.slow
def test_definitions_in_this_process_from_create_to_delete(root: Path) -> None:
    # Given a definition created on a root that no server serves,
    nightly = one(
        root,
        *("jobs", "create", "nb.ipynb", "--name", "nightly", "--cron", "30 6 * * 1-5"),
        *("--tz", "Europe/Paris", "-p", "epochs", "5", "--json"),
    )
    assert (nightly["name"], nightly["cron"], nightly["timezone"]) == (
        "nightly",
        "30 6 * * 1-5",
        "Europe/Paris",
    )
    assert nightly["parameters"] == {"epochs": 5} and nightly["active"]
    fires = datetime.fromisoformat(nightly["next_fire_at"]).astimezone(ZoneInfo("Europe/Paris"))
    assert (fires.hour, fires.minute, fires.weekday() < 5) == (6, 30, True)

    # when it is listed and shown, and an on-demand one is created beside it,
    listed, table, shown, created = each(
        root,
        ("jobs", "list", "--json"),
        ("jobs", "list"),
        ("jobs", "show", nightly["id"], "--json"),
        ("jobs", "create", "nb.ipynb", "--name", "adhoc"),
    )

    # then the list has it, its table a line with its schedule and next fire time,
    assert [job["id"] for job in ok(listed)] == [nightly["id"]]
    assert table.returncode == 0, table.stderr
    heading, line = table.stdout.splitlines()
    assert heading.split() == ["ID", "NAME", "SCHEDULE", "NEXT", "FIRE", "STATE", "LAST", "RUN"]
    assert line.startswith(f"{nightly['id']}  nightly  30 6 * * 1-5 (Europe/Paris)  ")
    assert fires.strftime("%Y-%m-%d 06:30 CE") in line and " active " in line
    assert ok(shown)["id"] == nightly["id"]
    # and the text of a creation names its id and that it runs on demand.
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("job          ") and "on demand" in created.stdout
    adhoc_id = created.stdout.split()[1]

    # When one is paused while the other is triggered (executed here, waited for),
    paused, triggered = each(
        root,
        ("jobs", "pause", nightly["id"], "--json"),
        ("jobs", "trigger", adhoc_id, "--json"),
    )
    assert (ok(paused)["active"], ok(paused)["next_fire_at"]) == (False, None)
    run = ok(triggered)
    assert (run["job_id"], run["status"], run["trigger"]) == (adhoc_id, "succeeded", "manual")

    # then resuming fires it again, the run shows as a run, and a deleted definition is gone
    # while its run stays.
    resumed, run_shown, deleted = each(
        root,
        ("jobs", "resume", nightly["id"], "--json"),
        ("jobs", "show", run["id"], "--json"),
        ("jobs", "delete", adhoc_id, "--json"),
    )
    assert ok(resumed)["active"] and ok(resumed)["next_fire_at"] == nightly["next_fire_at"]
    assert ok(run_shown)["id"] == run["id"]
    assert ok(deleted) == {"deleted": adhoc_id}
    after, gone = each(root, ("jobs", "list", "--json"), ("jobs", "show", adhoc_id))
    assert [job["id"] for job in ok(after)] == [nightly["id"]]
    assert (gone.returncode, gone.stdout) == (2, "")
    assert gone.stderr == f"error: No job definition or job run {adhoc_id!r}.\n"


#: Command lines refused before anything is created, and how the one line they print begins.
REFUSED = {
    "invalid cron": (("jobs", "create", "nb.ipynb", "--cron", "61 * * * *"), "--cron: "),
    "unknown zone": (
        ("jobs", "create", "nb.ipynb", "--cron", "0 6 * * *", "--tz", "Mars/Olympus"),
        "--tz: Unknown time zone 'Mars/Olympus'",
    ),
    "webhook not http": (
        ("jobs", "create", "nb.ipynb", "--webhook", "ftp://example.com/hook"),
        "--webhook: Webhook URL 'ftp://example.com/hook' is not an http(s) URL",
    ),
    "unknown catch-up": (
        ("jobs", "create", "nb.ipynb", "--catchup", "sometimes"),
        "--catchup: expected any of ['none', 'latest', 'all']",
    ),
    "no varied parameter": (("sweep", "nb.ipynb"), "-p: A sweep needs at least one varied"),
    "over the limit": (
        ("sweep", "nb.ipynb", "-p", "epochs", "1:11", "-p", "lr", "0:1:0.1"),
        "-p: The sweep would make 121 runs",
    ),
    "grid of floats without a step": (
        ("sweep", "nb.ipynb", "-p", "lr", "0.1:0.5"),
        "-p lr 0.1:0.5: a grid range of floats needs a step",
    ),
    "optuna without a metric": (
        ("sweep", "nb.ipynb", "-p", "lr", "0.1:0.5", "--strategy", "optuna"),
        "--metric: An optuna sweep optimises a metric",
    ),
    "trigger without a workspace": (("jobs", "trigger", "0" * 32), "No jupyter-mlx workspace"),
}


def test_refused_input_exits_2_in_one_line_naming_the_option_and_creates_nothing(
    tmp_path: Path,
) -> None:
    folders = {}
    for index, case in enumerate(REFUSED):
        folders[case] = tmp_path / f"root-{index}"
        write_notebook(folders[case] / "nb.ipynb", "print(epochs)")

    children = {case: start(folders[case], *args) for case, (args, _) in REFUSED.items()}
    results = {case: finish(child) for case, child in children.items()}

    outcomes = {
        case: (
            result.returncode,
            result.stdout,
            len(result.stderr.splitlines()),
            result.stderr.startswith(f"error: {REFUSED[case][1]}"),
            sorted(os.listdir(folders[case])),
        )
        for case, result in results.items()
    }
    assert outcomes == {case: (2, "", 1, True, ["nb.ipynb"]) for case in REFUSED}, {
        case: result.stderr for case, result in results.items()
    }


@pytest.mark.slow
def test_a_grid_sweep_in_this_process_runs_every_combination(root: Path) -> None:
    result = each(
        root,
        (
            *("sweep", "nb.ipynb", "-p", "epochs", "1,2", "-p", "lr", "0.1:0.2:0.1"),
            *("--max-concurrent", "4", "--wait", "--json"),
        ),
    )[0]

    sweep = ok(result)
    assert (sweep["status"], sweep["total"], sweep["done"]) == ("succeeded", 4, 4)
    assert [t["values"] for t in sweep["trials"]] == [
        {"epochs": 1, "lr": 0.1},
        {"epochs": 1, "lr": 0.2},
        {"epochs": 2, "lr": 0.1},
        {"epochs": 2, "lr": 0.2},
    ]
    assert [t["run"]["status"] for t in sweep["trials"]] == ["succeeded"] * 4
    assert [t["run"]["sweep_id"] for t in sweep["trials"]] == [sweep["id"]] * 4
    assert [t["run"]["parameters"] for t in sweep["trials"]] == [
        t["values"] for t in sweep["trials"]
    ]


def _first_line(child: subprocess.Popen[str], timeout: float) -> str:
    """The first line a child prints on stdout, waited for at most ``timeout`` seconds."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(child.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert lines, f"nothing printed in {timeout} s"
    return lines[0]


def _runs(store: Store) -> list[JobRunRecord]:
    with store.session() as session:
        return list(session.scalars(select(JobRunRecord)))


@pytest.mark.slow
def test_the_scheduler_fires_a_missed_instant_and_a_sigterm_interrupts_its_run(
    tmp_path: Path,
) -> None:
    # Given a daily definition whose last handled instant is 36 hours old: two instants,
    # 25 h and 1 h ago, were missed, and the catch-up policy runs the latest,
    root = tmp_path
    write_notebook(root / "nb.ipynb", "import time\ntime.sleep(120)")
    moment = datetime.now(timezone.utc) - timedelta(hours=1)
    instant = moment.replace(second=0, microsecond=0)
    cron = f"{instant.minute} {instant.hour} * * *"
    job = one(root, "jobs", "create", "nb.ipynb", "--cron", cron, "--catchup", "latest", "--json")
    store = Store(Settings.resolve(root, environ={}).db_url)
    cursor = instant - timedelta(hours=35)
    DefinitionRecords(store).update(
        job["id"],
        last_fire_at=cursor,
        next_fire_at=next_fire(cron, ZoneInfo("UTC"), cursor),
    )

    # when the scheduler starts on that root,
    child = start(root, "scheduler")
    try:
        line = _first_line(child, COMMAND_TIMEOUT_S)
        # then it names the workspace and its one schedule,
        assert line == (
            f"jupyter-mlx scheduler: workspace {root / '.mlx'}, 1 active schedule; "
            "SIGINT or SIGTERM stops it.\n"
        )
        # fires the latest missed instant, whose run starts executing,
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while not [run for run in _runs(store) if run.status == "running"]:
            assert child.poll() is None, finish(child).stderr
            assert time.monotonic() < deadline, "no run started"
            time.sleep(0.2)
        [run] = _runs(store)
        assert (run.job_id, run.trigger) == (job["id"], "catchup")
        assert aware(run.scheduled_for) == instant
        assert DefinitionRecords(store).get(job["id"]).skipped_fires == 1
        # and a SIGTERM ends it with status 0, its run interrupted rather than left running.
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert [run.status for run in _runs(store)] == ["interrupted"]
    finally:
        finish(child)
        store.dispose()


#: The notebook of the server's root.
NOTEBOOK = "sub dir/nb.ipynb"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[servers.Server, Path, dict[str, str]]]:
    """A server on a root with ``sub dir/nb.ipynb``, and the environment of a terminal that
    finds it (a path with a space and a folder goes through query strings intact)."""
    home, root = tmp_path / "jupyter", tmp_path / "root"
    write_notebook(root / NOTEBOOK, "print('epochs', epochs)")
    server = servers.start_server(home, root, f"--MLXApp.workspace_dir={root / '.mlx'}")
    env = servers.home_env(home)
    yield server, root, env
    server.stop()


@pytest.mark.slow
def test_through_the_server_that_serves_the_root(served) -> None:
    server, root, env = served
    # Given a definition created through the server,
    job = one(
        root,
        *("jobs", "create", NOTEBOOK, "--name", "nightly", "--cron", "0 6 * * *"),
        *("--tz", "Europe/Paris", "-p", "epochs", "4", "--json"),
        env=env,
    )
    assert [j["id"] for j in server.get("jobs").json()["jobs"]] == [job["id"]]

    # when it is listed, shown, paused and triggered, and a sweep is run,
    listed, shown, paused, triggered, swept = each(
        root,
        ("jobs", "list", "--notebook", NOTEBOOK, "--json"),
        ("jobs", "show", job["id"], "--json"),
        ("jobs", "pause", job["id"], "--json"),
        ("jobs", "trigger", job["id"], "--json"),
        ("sweep", NOTEBOOK, "-p", "epochs", "1,2", "--wait", "--json"),
        env=env,
    )

    # then each answers as the server does,
    assert [(j["id"], j["notebook"]) for j in ok(listed)] == [(job["id"], NOTEBOOK)]
    assert ok(shown)["id"] == job["id"]
    assert ok(paused)["active"] is False
    assert server.get(f"jobs/{job['id']}").json()["active"] is False
    # the run is queued on the server, which executes it (the command does not wait),
    run = ok(triggered)
    assert (run["job_id"], run["status"], run["parameters"]) == (job["id"], "queued", {"epochs": 4})
    # and the sweep ran its two trials there.
    sweep = ok(swept)
    assert (sweep["status"], [t["values"] for t in sweep["trials"]]) == (
        "succeeded",
        [{"epochs": 1}, {"epochs": 2}],
    )
    assert server.get(f"sweeps/{sweep['id']}").json()["status"] == "succeeded"

    # When the run is waited for and the definition resumed, then deleted with its runs,
    deadline = time.monotonic() + COMMAND_TIMEOUT_S
    while server.get(f"job-runs/{run['id']}").json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the triggered run did not end"
        time.sleep(0.2)
    resumed = one(root, "jobs", "resume", job["id"], "--json", env=env)
    deleted = one(root, "jobs", "delete", job["id"], "--delete-runs", "--json", env=env)

    # then the server has neither the definition nor its run.
    assert resumed["active"] is True
    assert deleted == {"deleted": job["id"]}
    assert server.get("jobs").json()["jobs"] == []
    assert server.get(f"job-runs/{run['id']}").status_code == 404
