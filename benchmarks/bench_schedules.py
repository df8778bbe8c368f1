"""Schedules and sweeps: fire latency, catch-up at start and a small grid sweep.

Three questions a user of job definitions feels, on a notebook whose one code cell is ``x = 1``:

1. *Fire latency.* A definition with cron ``* * * * *`` created through
   ``POST /mlx/api/jobs`` on a real jupyter-mlx server; for ``--fires`` minute boundaries, the
   delay from the scheduled instant to the run being queued (``created_at - scheduled_for``)
   and to it succeeding (``finished_at - scheduled_for``), read from
   ``GET /mlx/api/jobs/{id}/runs``. Anchor: jupyter-scheduler 2.12.1 (the virtual environment
   ``bench_jobs.py`` makes), a job definition with schedule ``* * * * *`` created through
   ``POST /scheduler/job_definitions``, its jobs' ``create_time`` and ``end_time`` against the
   minute boundary, read from ``GET /scheduler/jobs?job_definition_id=``. Both servers run at
   the same time, so the minutes overlap; each gets one warm-up run first.
2. *Catch-up at start.* A store of 1,000 definitions written directly (``jupyter_mlx.store``),
   each with its copy of the notebook: 500 every five minutes whose last fire was three hours
   ago (policy ``latest``: one catch-up run each, 35 fires skipped), 500 monthly ones not due.
   In a fresh process per repeat, with nbformat imported first (a Jupyter server has it), services
   are built in-process (the dispatcher is not started, so no kernel runs) and the first
   ``Scheduler.tick()`` is timed; then ticks with nothing due (the idle cost of one look, alone
   and with ``next_due()``, as the loop does). A worker started within 35 s after a five-minute
   boundary waits past it, so the latest missed instant is never on time.
3. *A sweep of 8 trials* (a 2x4 grid over ``x`` and ``y``, ``max_concurrent_runs`` 2) through
   ``POST /mlx/api/sweeps``, polled with ``GET /mlx/api/sweeps/{id}`` every 50 ms until it
   ended; anchor: the same 8 parameter sets run one after another with the papermill CLI
   (``python -m papermill in.ipynb out.ipynb -p x V -p y W``).

Every wait is bounded. The helpers that start servers and install jupyter-scheduler are
``bench_tracking.py``'s and ``bench_jobs.py``'s.

Usage::

    python benchmarks/bench_schedules.py [--fires 3] [--repeat 3]
        [--data benchmarks/.data/schedules] [--plot FILE] [--skip-scheduler] [--scheduler-venv DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from bench_jobs import (
    FINAL,
    RUN_TIMEOUT_S,
    SCHEDULER_FINAL,
    SCHEDULER_VENV,
    SETTLE_S,
    median,
    ours_one,
    run_papermill,
    scheduler_env,
    scheduler_one,
    scheduler_python,
    session,
    stop,
    write_notebook,
)
from bench_tracking import TOKEN, free_port, start, start_jupyter_server

HERE = Path(__file__).parent
UTC = timezone.utc
NOTEBOOK = "one-cell.ipynb"
SWEEP_NOTEBOOK = "sweep.ipynb"
#: Polls of the runs of a definition: the times compared are the servers' own stamps.
FIRE_POLL_S = 1.0
#: Beyond the minutes waited for, how long the fires' runs may take to end.
FIRE_SLACK_S = 120.0
DEFINITIONS = 1_000
DUE_CRON = "*/5 * * * *"  # the due half: every five minutes, last fired three hours ago
IDLE_CRON = "0 0 1 * *"  # the other half: monthly, next fire ahead
DOWNTIME = timedelta(hours=3)
IDLE_TICKS = 20
WORKER_TIMEOUT_S = 300.0
SWEEP_X = [1, 2]
SWEEP_Y = [1, 2, 3, 4]
SWEEP_POLL_S = 0.05
SWEEP_TIMEOUT_S = 300.0
SWEEP_FINAL = {"succeeded", "failed", "stopped"}


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def minute_floor(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def seconds(samples: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(samples), 3) if samples else None,
        "samples_s": [round(s, 3) for s in samples],
    }


def write_sweep_notebook(path: Path) -> None:
    """The one-cell notebook with its cell tagged ``parameters``: ``x = 1`` and ``y = 1``."""
    import nbformat

    write_notebook(path)
    notebook = nbformat.read(path, as_version=4)
    cell = notebook.cells[0]
    cell.source = "x = 1\ny = 1"
    cell.metadata["tags"] = ["parameters"]
    nbformat.write(notebook, path)


# --- 1. fire latency: the two servers ---------------------------------------------------------


class Ours:
    """A jupyter-mlx server with a minutely definition on the one-cell notebook."""

    name = "jupyter-mlx"

    def __init__(self, root: Path) -> None:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        write_notebook(root / NOTEBOOK)
        write_sweep_notebook(root / SWEEP_NOTEBOOK)
        self.root = root
        self.server: subprocess.Popen | None = None
        self.api = ""
        self.job_id = ""

    def start(self) -> None:
        port = free_port()
        self.server = start_jupyter_server(
            self.root, port, self.root / "jupyter.log", dict(os.environ)
        )
        self.api = f"http://127.0.0.1:{port}/mlx/api"

    def warm_up(self) -> None:
        """One run of the notebook first: MLflow's first use, the notebook's experiment."""
        with session() as client:
            ours_one(client, self.api, NOTEBOOK)
            time.sleep(SETTLE_S)

    def create(self) -> datetime:
        with session() as client:
            answer = client.post(
                f"{self.api}/jobs",
                json={"notebook": NOTEBOOK, "cron": "* * * * *", "timezone": "UTC"},
                timeout=30,
            )
        if answer.status_code != 201:
            raise RuntimeError(f"POST {self.api}/jobs -> {answer.status_code}: {answer.text}")
        job = answer.json()
        self.job_id = job["id"]
        return at(job["created_at"])

    def fires(self, client: requests.Session) -> dict[datetime, dict]:
        """The definition's runs that ended, by the instant they fired for."""
        page = client.get(
            f"{self.api}/jobs/{self.job_id}/runs", params={"max_results": 100}, timeout=30
        ).json()
        ended = {}
        for run in page["runs"]:
            if run["scheduled_for"] and run["status"] in FINAL:
                instant = at(run["scheduled_for"])
                ended[instant] = {
                    "status": run["status"],
                    "trigger": run["trigger"],
                    "queued_s": (at(run["created_at"]) - instant).total_seconds(),
                    "started_s": (at(run["started_at"]) - instant).total_seconds()
                    if run["started_at"]
                    else None,
                    "done_s": (at(run["finished_at"]) - instant).total_seconds(),
                    "warm_kernel": bool(run["attempts"] and run["attempts"][-1]["warm_kernel"]),
                }
        return ended

    def pause(self) -> None:
        with session() as client:
            client.post(f"{self.api}/jobs/{self.job_id}/pause", timeout=30).raise_for_status()

    def stop(self) -> None:
        if self.server is not None:
            stop(self.server)
            self.server = None


class Theirs:
    """A jupyter-scheduler server with a minutely job definition on the one-cell notebook."""

    name = "jupyter-scheduler"

    def __init__(self, root: Path, venv: Path) -> None:
        self.python = scheduler_python(venv)
        self.env = scheduler_env(venv)
        shutil.rmtree(root, ignore_errors=True)
        (root / ".scheduler").mkdir(parents=True)
        write_notebook(root / NOTEBOOK)
        self.root = root
        self.server: subprocess.Popen | None = None
        self.api = ""
        self.environment = ""
        self.definition_id = ""
        self.version = subprocess.run(
            [str(self.python), "-c", "import jupyter_scheduler as s; print(s.__version__)"],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        ).stdout.strip()

    def start(self) -> None:
        state = self.root / ".scheduler"
        port = free_port()
        command = [
            str(self.python),
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            f"--ServerApp.root_dir={self.root}",
            f"--IdentityProvider.token={TOKEN}",
            f"--SchedulerApp.db_url=sqlite:///{state / 'scheduler.sqlite'}",
            f"--Scheduler.staging_path={state / 'staging'}",
        ]
        base = f"http://127.0.0.1:{port}"
        self.server = start(command, f"{base}/api/status", self.root / "jupyter.log", self.env)
        self.api = f"{base}/scheduler"

    def warm_up(self) -> None:
        with session() as client:
            environments = client.get(f"{self.api}/runtime_environments", timeout=60).json()
            self.environment = environments[0]["name"]
            scheduler_one(client, self.api, NOTEBOOK, self.environment)

    def create(self) -> datetime:
        body = {
            "name": "minutely",
            "input_uri": NOTEBOOK,
            "runtime_environment_name": self.environment,
            "runtime_environment_parameters": {},
            "output_formats": ["ipynb"],
            "parameters": {},
            "tags": [],
            "schedule": "* * * * *",
            "timezone": "UTC",
        }
        began = datetime.now(UTC)
        with session() as client:
            answer = client.post(f"{self.api}/job_definitions", json=body, timeout=60)
        if answer.status_code != 200:
            raise RuntimeError(f"POST job_definitions -> {answer.status_code}: {answer.text}")
        self.definition_id = answer.json()["job_definition_id"]
        return began

    def fires(self, client: requests.Session) -> dict[datetime, dict]:
        """The definition's jobs that ended, by the minute boundary they fired for."""
        jobs = client.get(
            f"{self.api}/jobs",
            params={"job_definition_id": self.definition_id, "max_items": 100},
            timeout=60,
        ).json()["jobs"]
        ended = {}
        for job in jobs:
            if job["status"] not in SCHEDULER_FINAL or not job.get("end_time"):
                continue
            created = datetime.fromtimestamp(job["create_time"] / 1000, UTC)
            instant = minute_floor(created)  # its task runner polls every 10 s: well under 60
            ended[instant] = {
                "status": "succeeded" if job["status"] == "COMPLETED" else job["status"],
                "queued_s": (created - instant).total_seconds(),
                "started_s": job["start_time"] / 1000 - instant.timestamp()
                if job.get("start_time")
                else None,
                "done_s": job["end_time"] / 1000 - instant.timestamp(),
            }
        return ended

    def stop(self) -> None:
        if self.server is not None:
            stop(self.server)
            self.server = None


def in_threads(*calls) -> list:
    """Call each in a thread of its own, at once; their results, or the first error raised."""
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def one(index: int, call) -> None:
        try:
            results[index] = call()
        except BaseException as exc:  # raised again below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RUN_TIMEOUT_S * 2)
    if errors:
        raise errors[0]
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a server did not start or warm up in time")
    return results


def measure_fires(sides: list, count: int) -> dict:
    """Wait for ``count`` minute boundaries after both definitions exist, then their fires."""
    created = in_threads(*(side.create for side in sides))
    first = minute_floor(max(created)) + timedelta(minutes=1)
    instants = [first + timedelta(minutes=i) for i in range(count)]
    print(
        f"  definitions created at {max(created):%H:%M:%S}; waiting for the fires of "
        f"{instants[0]:%H:%M} to {instants[-1]:%H:%M} ...",
        flush=True,
    )
    deadline = instants[-1] + timedelta(seconds=FIRE_SLACK_S)
    seen: dict[str, dict[datetime, dict]] = {side.name: {} for side in sides}
    with session() as client:
        while datetime.now(UTC) < deadline:
            for side in sides:
                seen[side.name] = side.fires(client)
            if all(all(i in fired for i in instants) for fired in seen.values()):
                break
            time.sleep(FIRE_POLL_S)
    results = {}
    for side in sides:
        fired = [seen[side.name][i] for i in instants if i in seen[side.name]]
        if len(fired) < count:
            missing = [f"{i:%H:%M}" for i in instants if i not in seen[side.name]]
            raise RuntimeError(f"{side.name}: no finished run for {missing} by {deadline:%H:%M:%S}")
        bad = [f for f in fired if f["status"] != "succeeded"]
        if bad:
            raise RuntimeError(f"{side.name}: fires did not succeed: {bad}")
        results[side.name] = {
            "queued": seconds([f["queued_s"] for f in fired]),
            "succeeded": seconds([f["done_s"] for f in fired]),
            "fires": [{"instant": i.isoformat(), **seen[side.name][i]} for i in instants],
        }
    return results


# --- 2. catch-up at start ---------------------------------------------------------------------


def build_catchup_template(root: Path) -> dict:
    """1,000 definitions written into a fresh store, each with its copy of the notebook."""
    from jupyter_mlx.config import Settings
    from jupyter_mlx.jobs.definitions import snapshot_path
    from jupyter_mlx.jobs.schedule import next_fire, zone
    from jupyter_mlx.store import Store
    from jupyter_mlx.store.tables import JobDefinitionRecord

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    write_notebook(root / NOTEBOOK)
    settings = Settings.resolve(root, environ={})
    settings.workspace.mkdir(parents=True)
    store = Store(settings.db_url)
    store.upgrade()
    source = (root / NOTEBOOK).read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    moment = datetime.now(UTC)
    utc = zone("UTC")
    records = []
    for index in range(DEFINITIONS):
        job_id = uuid.uuid4().hex
        due = index % 2 == 0
        cron = DUE_CRON if due else IDLE_CRON
        last = minute_floor(moment - DOWNTIME) if due else moment
        upcoming = next_fire(cron, utc, last)
        if not due and upcoming - moment < timedelta(hours=1):
            raise RuntimeError("run again in an hour: the monthly fire is too close")
        snapshot = snapshot_path(settings.workspace, job_id)
        snapshot.parent.mkdir(parents=True)
        snapshot.write_bytes(source)
        records.append(
            JobDefinitionRecord(
                id=job_id,
                name=f"definition-{index:04d}",
                notebook=NOTEBOOK,
                snapshot_sha256=digest,
                snapshot_taken_at=moment - timedelta(days=30),
                parameters={},
                kernel="python3",
                timeout=None,
                retries=0,
                retry_backoff=10.0,
                output_formats=["ipynb"],
                experiment=NOTEBOOK,
                cron=cron,
                timezone="UTC",
                catchup="latest",
                max_concurrent_runs=1,
                active=True,
                next_fire_at=upcoming,
                last_fire_at=last,
                skipped_fires=0,
                sweep=None,
                notify=True,
                webhook_url=None,
                webhook_events=["failure"],
                created_at=moment - timedelta(days=30),
                updated_at=moment - timedelta(days=30),
            )
        )
    with store.session() as db:
        db.add_all(records)
    store.dispose()
    return {"definitions": DEFINITIONS, "due": DEFINITIONS // 2}


async def catchup_worker(root: Path) -> dict:
    """In a process of its own: services on ``root``, the first tick, then idle ticks."""
    from sqlalchemy import func, select

    from jupyter_mlx.config import Settings
    from jupyter_mlx.jobs.schedule import ON_TIME_S
    from jupyter_mlx.services import Services
    from jupyter_mlx.store.tables import JobDefinitionRecord, JobRunRecord

    # A five-minute boundary within ON_TIME_S would fire on time, not as a catch-up: wait past
    # it (at most ON_TIME_S + 5 s).
    moment = datetime.now(UTC)
    since = (moment.minute % 5) * 60 + moment.second + moment.microsecond / 1e6
    if since < ON_TIME_S + 5:
        time.sleep(ON_TIME_S + 5 - since)
    began = time.perf_counter()
    import nbformat  # noqa: F401 - a Jupyter server has it loaded long before its first tick

    imported_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    services = Services.from_settings(Settings.resolve(root, environ={}))
    built_ms = (time.perf_counter() - began) * 1000
    try:
        began = time.perf_counter()
        fired = await services.scheduler.tick()
        first_ms = (time.perf_counter() - began) * 1000
        idle, looks = [], []
        for _ in range(IDLE_TICKS):
            began = time.perf_counter()
            nothing = await services.scheduler.tick()
            idle.append((time.perf_counter() - began) * 1000)
            assert nothing == 0, nothing
            began = time.perf_counter()
            await services.scheduler.tick()
            await services.definitions.next_due()
            looks.append((time.perf_counter() - began) * 1000)
        with services.store.session() as db:
            runs = dict(
                db.execute(
                    select(JobRunRecord.trigger, func.count()).group_by(JobRunRecord.trigger)
                ).all()
            )
            skipped = db.scalar(select(func.sum(JobDefinitionRecord.skipped_fires)))
    finally:
        services.close()
    return {
        "nbformat_import_ms": round(imported_ms, 1),
        "services_built_ms": round(built_ms, 1),
        "first_tick_ms": round(first_ms, 1),
        "fired": fired,
        "runs_by_trigger": runs,
        "skipped_fires": skipped,
        "idle_tick_p50_ms": round(statistics.median(idle), 2),
        "idle_look_p50_ms": round(statistics.median(looks), 2),
    }


def measure_catchup(root: Path, repeat: int) -> dict:
    template = root / "template"
    built = build_catchup_template(template)
    samples = []
    for index in range(repeat):
        copy = root / f"repeat-{index}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(template, copy)
        answer = subprocess.run(
            [sys.executable, __file__, "--catchup-worker", str(copy)],
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
        )
        if answer.returncode:
            raise RuntimeError(f"catch-up worker failed: {answer.stderr[-3000:]}")
        sample = json.loads(answer.stdout.strip().splitlines()[-1])
        expected = {"catchup": built["due"]}
        if sample["fired"] != built["due"] or sample["runs_by_trigger"] != expected:
            raise RuntimeError(f"the first tick made {sample['runs_by_trigger']}, not {expected}")
        samples.append(sample)
        shutil.rmtree(copy, ignore_errors=True)
    return {
        **built,
        "policy": "latest",
        "first_tick_p50_ms": median([s["first_tick_ms"] for s in samples]),
        "first_tick_per_fire_ms": round(
            statistics.median(s["first_tick_ms"] for s in samples) / built["due"], 2
        ),
        "idle_tick_p50_ms": round(statistics.median(s["idle_tick_p50_ms"] for s in samples), 2),
        "idle_look_p50_ms": round(statistics.median(s["idle_look_p50_ms"] for s in samples), 2),
        "samples": samples,
    }


# --- 3. a sweep against papermill one after another -------------------------------------------


def sweep_once(api: str) -> dict:
    body = {
        "notebook": SWEEP_NOTEBOOK,
        "parameters": {"x": {"values": SWEEP_X}, "y": {"values": SWEEP_Y}},
        "strategy": "grid",
        "max_concurrent_runs": 2,
        "base": {},
    }
    with session() as client:
        began = time.perf_counter()
        answer = client.post(f"{api}/sweeps", json=body, timeout=60)
        if answer.status_code != 201:
            raise RuntimeError(f"POST {api}/sweeps -> {answer.status_code}: {answer.text}")
        sweep_id = answer.json()["id"]
        deadline = time.monotonic() + SWEEP_TIMEOUT_S
        while time.monotonic() < deadline:
            sweep = client.get(f"{api}/sweeps/{sweep_id}", timeout=30).json()
            if sweep["status"] in SWEEP_FINAL:
                elapsed = time.perf_counter() - began
                break
            time.sleep(SWEEP_POLL_S)
        else:
            raise RuntimeError(f"sweep {sweep_id} did not end within {SWEEP_TIMEOUT_S} s")
    if sweep["status"] != "succeeded" or sweep["done"] != len(SWEEP_X) * len(SWEEP_Y):
        raise RuntimeError(f"sweep {sweep_id} ended {sweep['status']}: {sweep['error']}")
    runs = [trial["run"] for trial in sweep["trials"]]
    spans = [(at(r["started_at"]), at(r["finished_at"])) for r in runs]
    edges = sorted([(s, 1) for s, _ in spans] + [(f, -1) for _, f in spans])
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return {
        "wall_s": round(elapsed, 3),
        "server_s": round((at(sweep["finished_at"]) - at(sweep["created_at"])).total_seconds(), 3),
        "most_running_at_once": most,
        "warm_kernel_trials": sum(bool(r["attempts"][-1]["warm_kernel"]) for r in runs),
        "trial_started_to_finished_median_s": round(
            statistics.median((f - s).total_seconds() for s, f in spans), 3
        ),
    }


def measure_sweeps(ours: Ours, repeat: int) -> dict:
    # One sweep first, so the sweep notebook's MLflow experiment exists (not timed).
    sweep_once(ours.api)
    time.sleep(SETTLE_S)
    samples = []
    for _ in range(repeat):
        samples.append(sweep_once(ours.api))
        time.sleep(SETTLE_S)
    return {
        **seconds([s["wall_s"] for s in samples]),
        "most_running_at_once": max(s["most_running_at_once"] for s in samples),
        "warm_kernel_trials": f"{sum(s['warm_kernel_trials'] for s in samples)}/{8 * repeat}",
        "runs": samples,
    }


def measure_papermill_sequence(root: Path, repeat: int) -> dict:
    """The 8 parameter sets one after another with the papermill CLI, end to end."""
    shutil.rmtree(root, ignore_errors=True)
    source = root / SWEEP_NOTEBOOK
    write_sweep_notebook(source)

    def one(x: int, y: int) -> None:
        values = ("-p", "x", str(x), "-p", "y", str(y))
        run_papermill(source, root / f"out-{x}-{y}.ipynb", *values)

    one(SWEEP_X[0], SWEEP_Y[0])  # warm-up: the file cache
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        for x in SWEEP_X:
            for y in SWEEP_Y:
                one(x, y)
        samples.append(time.perf_counter() - began)
    return seconds(samples)


# --- report -----------------------------------------------------------------------------------


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"jupyter-mlx": "C0", "jupyter-scheduler": "C2", "papermill CLI": "C1"}
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))

    def label(axis, bars, values, unit) -> None:
        texts = [f"{v:.2f} {unit}" if v < 10 else f"{v:.1f} {unit}" for v in values]
        axis.bar_label(bars, labels=texts, fontsize=8)

    fires = results["1 fire latency"]
    sides = [n for n in ("jupyter-mlx", "jupyter-scheduler") if n in fires]
    width = 0.38
    for offset, key in ((-width / 2, "queued"), (width / 2, "succeeded")):
        values = [fires[n][key]["median_s"] for n in sides]
        bars = axes[0].bar(
            [i + offset for i in range(len(sides))],
            values,
            width,
            color=[colors[n] for n in sides],
            alpha=0.55 if key == "queued" else 1.0,
            label=f"to {key}",
        )
        label(axes[0], bars, values, "s")
    axes[0].set_xticks(range(len(sides)), sides)
    axes[0].set_ylabel("after the minute boundary, median (s, log)")
    axes[0].set_title("1: cron * * * * *, to queued (light) and succeeded", fontsize=9)
    axes[0].set_yscale("log")
    axes[0].set_ylim(0.005, max(fires[n]["succeeded"]["median_s"] for n in sides) * 4)

    catchup = results["2 catch-up at start"]
    names = [f"first tick\n({catchup['due']} due)", "tick,\nnothing due"]
    values = [catchup["first_tick_p50_ms"], catchup["idle_tick_p50_ms"]]
    bars = axes[1].bar(names, values, color="C0")
    axes[1].bar_label(bars, labels=[f"{v:,.1f} ms" for v in values], fontsize=8)
    axes[1].set_yscale("log")
    axes[1].set_ylim(min(values) / 3, max(values) * 4)
    axes[1].set_ylabel("p50 (ms, log)")
    title = f"2: {catchup['definitions']:,} definitions, no kernel (jupyter-mlx)"
    axes[1].set_title(title, fontsize=9)

    sweep = results["3 sweep of 8 trials"]
    names = ["jupyter-mlx", "papermill CLI"]
    values = [sweep["jupyter-mlx"]["median_s"], sweep["papermill CLI"]["median_s"]]
    bars = axes[2].bar(
        ["jupyter-mlx\n(sweep, 2 at once)", "papermill CLI\n(one after another)"],
        values,
        color=[colors[n] for n in names],
    )
    label(axes[2], bars, values, "s")
    axes[2].set_ylabel("submit to done, median (s)")
    axes[2].set_title("3: a 2x4 grid on the one-cell notebook", fontsize=9)
    axes[2].set_ylim(0, max(values) * 1.2)

    fig.suptitle("Schedules and sweeps on a one-cell notebook", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / ".data" / "schedules")
    parser.add_argument("--fires", type=int, default=3, help="minute boundaries to time")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of catch-up and sweeps")
    parser.add_argument("--plot", type=Path, help="write a bar chart of the results here")
    parser.add_argument("--skip-scheduler", action="store_true", help="leave jupyter-scheduler out")
    parser.add_argument(
        "--scheduler-venv",
        type=Path,
        default=SCHEDULER_VENV,
        help=f"the virtual environment holding jupyter-scheduler (default: {SCHEDULER_VENV})",
    )
    parser.add_argument("--catchup-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.catchup_worker:
        print(json.dumps(asyncio.run(catchup_worker(args.catchup_worker))))
        return

    root = args.data.resolve()
    root.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    print(f"catch-up: {DEFINITIONS:,} definitions, {args.repeat} fresh processes ...", flush=True)
    catchup = measure_catchup(root / "catchup", args.repeat)

    ours = Ours(root / "mlx")
    sides: list = [ours]
    theirs = None
    if not args.skip_scheduler:
        theirs = Theirs(root / "scheduler", args.scheduler_venv.expanduser().resolve())
        sides.append(theirs)
    try:
        print("fire latency: starting the servers ...", flush=True)
        in_threads(*(side.start for side in sides))
        in_threads(*(side.warm_up for side in sides))
        fires = measure_fires(sides, args.fires)
        if theirs is not None:
            theirs.stop()
        ours.pause()
        time.sleep(SETTLE_S)
        print("sweeps ...", flush=True)
        sweeps = measure_sweeps(ours, args.repeat)
    finally:
        for side in sides:
            side.stop()
    print("papermill CLI, 8 runs one after another ...", flush=True)
    papermill = measure_papermill_sequence(root / "papermill", args.repeat)

    fire_results: dict = {**fires, "fires timed": args.fires}
    if theirs is not None:
        fire_results["jupyter-scheduler version"] = theirs.version
        fire_results["jupyter-scheduler poll_interval_s (default)"] = 10
    results = {
        "1 fire latency": fire_results,
        "2 catch-up at start": catchup,
        "3 sweep of 8 trials": {
            "jupyter-mlx": sweeps,
            "papermill CLI": papermill,
            "ours / papermill CLI": round(sweeps["median_s"] / papermill["median_s"], 3),
        },
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "load average (1 min) at start": round(load_before, 2),
        },
    }
    print(json.dumps(results, indent=2, default=str))
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
