"""Job runs against the papermill CLI and jupyter-scheduler, on the same one-cell notebook.

Three questions a user of the Jobs panel feels, on a notebook whose one code cell is ``x = 1``:

1. *One run, submit to succeeded*, on an idle server: ours is ``POST /mlx/api/job-runs`` then
   ``GET /mlx/api/job-runs/{id}`` every 5 ms until it succeeded; against
   ``python -m papermill in.ipynb out.ipynb`` timed end to end as a subprocess, and
   jupyter-scheduler's REST API (``POST /scheduler/jobs``, then ``GET /scheduler/jobs/{id}``
   every 5 ms until ``COMPLETED``; its time to ``IN_PROGRESS`` is reported too). Our server
   gets warm-up runs first, and every sample waits 3 s so the kernel started ahead is ready.
2. *16 runs submitted at once* (from 16 threads) until all succeeded: ours against
   jupyter-scheduler, polling each side's list route every 50 ms (a page every 5 ms would keep
   a core of the server busy). While ours run, another process times
   ``GET /mlx/api/config``, and the list is checked for the most runs ``running`` at once,
   which must stay within ``max_concurrent_runs``.
3. *A page of 50 runs of a notebook among 1,000 finished runs*:
   ``GET /mlx/api/job-runs?notebook=...&max_results=50`` while another process times
   ``GET /mlx/api/config``; and jupyter-scheduler's ``GET /scheduler/jobs?max_items=50``. The
   runs are written into each store directly (ours through ``jupyter_mlx.store.tables``, the
   scheduler's through its own ORM, cloning a job it ran), as finished runs of two notebooks.

Targets: 1. ours <= 0.1x the papermill CLI and <= 0.05x jupyter-scheduler;
2. ours <= 0.1x jupyter-scheduler; 3. page p50 <= 50 ms, ``/mlx/api/config`` < 20 ms.

jupyter-scheduler is installed by this script into a virtual environment of its own (created
once, then reused), never into the project's: ``--scheduler-venv``, by default
``~/.cache/jupyter-mlx-bench/venv-scheduler``. Not under the repository: ESLint (``yarn lint``
lints ``.``) would lint the JavaScript of the JupyterLab it holds.

Usage::

    python benchmarks/bench_jobs.py [--repeat 5] [--data benchmarks/.data/jobs] [--plot FILE]
        [--skip-scheduler] [--scheduler-venv DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from multiprocessing import Event, Process, Queue
from pathlib import Path

import requests
from bench_tracking import TOKEN, free_port, start, start_jupyter_server

HERE = Path(__file__).parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser()
SCHEDULER_VENV = CACHE / "jupyter-mlx-bench" / "venv-scheduler"
SCHEDULER_REQUIREMENTS = ["jupyter-scheduler==2.12.1", "jupyterlab", "ipykernel"]
FINAL = {"succeeded", "failed", "stopped", "timed_out", "interrupted"}
#: A new job reads STOPPED (its table's default) until its process marks it IN_PROGRESS.
SCHEDULER_FINAL = {"COMPLETED", "FAILED"}
POLL_S = 0.005
#: Batches poll their list less often: a page every 5 ms would keep a core of the server busy.
BATCH_POLL_S = 0.05
SETTLE_S = 3.0  # between samples: the kernel started ahead is ready again
RUN_TIMEOUT_S = 120.0
BATCH = 16
BATCH_TIMEOUT_S = 600.0
LISTED_RUNS = 1_000
LIST_NOTEBOOKS = ("project/train.ipynb", "project/evaluate.ipynb")
PROBE_INTERVAL_S = 0.05
PAGES_MIN_S = 10.0  # pages asked back to back for at least this long, so the probe gets ~200
HEADERS = {"Authorization": f"token {TOKEN}"}


# --- helpers ---------------------------------------------------------------------------------


def write_notebook(path: Path) -> None:
    """The one-cell notebook: ``x = 1``, with a kernelspec (jupyter-scheduler requires one)."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def stop(server: subprocess.Popen) -> None:
    """Stop a server's process group: SIGTERM (it shuts its kernels down), then SIGKILL."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)


def median(samples: list[float]) -> float:
    return round(statistics.median(samples), 1)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "n": len(ordered),
    }


def span_ms(record: dict, first: str, last: str) -> float:
    """Milliseconds between two times of a run record, as the server stamped them."""
    began, ended = (datetime.fromisoformat(record[key]) for key in (first, last))
    return (ended - began).total_seconds() * 1000


def session() -> requests.Session:
    client = requests.Session()
    client.headers.update(HEADERS)
    return client


def probe_loop(url: str, halt, answers: Queue) -> None:
    samples: list[float] = []
    with session() as client:
        while not halt.is_set():
            began = time.perf_counter()
            client.get(url, timeout=30).raise_for_status()
            samples.append((time.perf_counter() - began) * 1000)
            time.sleep(PROBE_INTERVAL_S)
    answers.put(samples)


class Probe:
    """Times ``url`` every ``PROBE_INTERVAL_S`` from a process of its own while in the block.

    A process, not a thread: the client's own work (parsing pages) does not delay the probe.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[float] = []

    def __enter__(self) -> Probe:
        self._halt = Event()
        self._answers: Queue = Queue()
        self._process = Process(target=probe_loop, args=(self.url, self._halt, self._answers))
        self._process.start()
        time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        self._halt.set()
        try:
            self.samples = self._answers.get(timeout=60)
        finally:
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()


# --- jupyter-mlx -----------------------------------------------------------------------------


def ours_submit(client: requests.Session, api: str, notebook: str) -> str:
    answer = client.post(
        f"{api}/job-runs", json={"notebook": notebook, "parameters": {}}, timeout=30
    )
    if answer.status_code != 201:
        raise RuntimeError(f"POST {api}/job-runs -> {answer.status_code}: {answer.text}")
    return answer.json()["id"]


def ours_one(client: requests.Session, api: str, notebook: str) -> tuple[float, dict]:
    """Milliseconds from submit to the poll that reads ``succeeded``, and the final record."""
    began = time.perf_counter()
    run_id = ours_submit(client, api, notebook)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        record = client.get(f"{api}/job-runs/{run_id}", timeout=30).json()
        if record["status"] in FINAL:
            elapsed = (time.perf_counter() - began) * 1000
            if record["status"] != "succeeded":
                raise RuntimeError(f"run {run_id} ended {record['status']}: {record['error']}")
            return elapsed, record
        time.sleep(POLL_S)
    raise RuntimeError(f"run {run_id} did not end within {RUN_TIMEOUT_S} s")


def submit_batch(submit, count: int) -> tuple[float, list]:
    """Submit ``count`` runs at once from as many threads; the start time and their ids."""
    barrier = threading.Barrier(count + 1)

    def one(_: int):
        with session() as client:
            barrier.wait(30)
            return submit(client)

    pool = ThreadPoolExecutor(count)
    futures = [pool.submit(one, i) for i in range(count)]
    barrier.wait(30)
    began = time.perf_counter()
    pool.shutdown(wait=False)
    return began, futures


def warm_kernel(record: dict) -> bool:
    """Whether a run's last attempt ran in a kernel started ahead."""
    return bool(record["attempts"] and record["attempts"][-1]["warm_kernel"])


def ours_batch(api: str, notebook: str) -> tuple[float, int, list[dict]]:
    """Milliseconds until all of ``BATCH`` runs submitted at once succeeded, the most runs
    seen ``running`` at once in the list, and the runs."""
    began, futures = submit_batch(lambda client: ours_submit(client, api, notebook), BATCH)
    most_running = 0
    deadline = time.monotonic() + BATCH_TIMEOUT_S
    with session() as client:
        while time.monotonic() < deadline:
            page = client.get(
                f"{api}/job-runs", params={"notebook": notebook, "max_results": BATCH}, timeout=30
            ).json()["runs"]
            most_running = max(most_running, sum(r["status"] == "running" for r in page))
            if all(f.done() for f in futures):
                ids = {f.result() for f in futures}
                mine = {r["id"]: r for r in page if r["id"] in ids}
                if len(mine) == BATCH and all(r["status"] in FINAL for r in mine.values()):
                    elapsed = (time.perf_counter() - began) * 1000
                    bad = [r for r in mine.values() if r["status"] != "succeeded"]
                    if bad:
                        raise RuntimeError(f"{len(bad)} runs did not succeed: {bad[0]}")
                    return elapsed, most_running, list(mine.values())
            time.sleep(BATCH_POLL_S)
    raise RuntimeError(f"{BATCH} runs did not end within {BATCH_TIMEOUT_S} s")


def measure_ours(root: Path, repeat: int) -> dict:
    shutil.rmtree(root / ".mlx", ignore_errors=True)
    write_notebook(root / "one-cell.ipynb")
    write_notebook(root / "batch.ipynb")
    port = free_port()
    server = start_jupyter_server(root, port, root / "jupyter.log", dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    api = f"{base}/mlx/api"
    try:
        with session() as client:
            cap = os.cpu_count() or 1  # MLXApp.max_concurrent_runs' default, not overridden
            for _ in range(3):  # warm-up: MLflow's first use, imports, the kernelspec list
                ours_one(client, api, "one-cell.ipynb")
                time.sleep(SETTLE_S)
            # One run of the batch's notebook first, so its MLflow experiment exists: the first
            # runs of a notebook starting at once can fail creating it (UNIQUE constraint
            # failed: experiment_tags.key, experiment_tags.experiment_id).
            ours_one(client, api, "batch.ipynb")
            time.sleep(SETTLE_S)
            samples, warm, server_side = [], 0, []
            for _ in range(repeat):
                elapsed, record = ours_one(client, api, "one-cell.ipynb")
                samples.append(elapsed)
                warm += warm_kernel(record)
                server_side.append(span_ms(record, "created_at", "finished_at"))
                time.sleep(SETTLE_S)
            batch, most_running, runs = [], 0, []
            with Probe(f"{api}/config") as probe:
                for _ in range(repeat):
                    elapsed, running, batch_runs = ours_batch(api, "batch.ipynb")
                    batch.append(elapsed)
                    most_running = max(most_running, running)
                    runs.extend(batch_runs)
                    time.sleep(SETTLE_S)
    finally:
        stop(server)
    return {
        "one": {
            "median_ms": median(samples),
            "samples_ms": [round(s, 1) for s in samples],
            "warm_kernel_runs": f"{warm}/{repeat}",
            "created_to_finished_median_ms": median(server_side),
        },
        "batch": {
            "median_ms": median(batch),
            "samples_ms": [round(s, 1) for s in batch],
            "run_started_to_finished_median_ms": median(
                [span_ms(r, "started_at", "finished_at") for r in runs]
            ),
            "warm_kernel_runs": f"{sum(warm_kernel(r) for r in runs)}/{len(runs)}",
        },
        "config_during_batch": percentiles(probe.samples),
        "most_running_at_once": most_running,
        "max_concurrent_runs": cap,
    }


def build_list_store(root: Path) -> None:
    """1,000 finished runs of two notebooks, half each, as the job service writes them."""
    from jupyter_mlx.jobs.files import RunFiles
    from jupyter_mlx.store import Store
    from jupyter_mlx.store.tables import JobAttemptRecord, JobRunRecord

    shutil.rmtree(root / ".mlx", ignore_errors=True)
    for notebook in LIST_NOTEBOOKS:
        write_notebook(root / notebook)
    workspace = root / ".mlx"
    store = Store(f"sqlite:///{workspace / 'mlx.db'}")
    store.upgrade()
    first = datetime.now(timezone.utc) - timedelta(days=10)
    attempts = []
    with store.session() as db:
        for index in range(LISTED_RUNS):
            run_id = uuid.uuid4().hex
            notebook = LIST_NOTEBOOKS[index % 2]
            created = first + timedelta(minutes=index)
            started = created + timedelta(milliseconds=20)
            finished = started + timedelta(milliseconds=90)
            files = RunFiles.of(workspace, run_id)
            db.add(
                JobRunRecord(
                    id=run_id,
                    job_id=uuid.uuid4().hex,
                    notebook=notebook,
                    status="succeeded",
                    parameters={"lr": 0.001 * (index % 7 + 1), "seed": index},
                    kernel="python3",
                    timeout=None,
                    retries=0,
                    retry_backoff=10.0,
                    output_formats=["ipynb"],
                    experiment=notebook,
                    idempotency_key=None,
                    attempt=1,
                    created_at=created,
                    started_at=started,
                    finished_at=finished,
                    next_attempt_at=None,
                    output_path=str(files.output),
                    html_path=None,
                    mlflow_experiment_id="1",
                    mlflow_run_id=uuid.uuid4().hex,
                    error=None,
                )
            )
            attempts.append(
                JobAttemptRecord(
                    run_id=run_id,
                    number=1,
                    status="succeeded",
                    kernel="python3",
                    warm_kernel=True,
                    started_at=started,
                    finished_at=finished,
                    error=None,
                )
            )
        db.flush()  # the runs before their attempts (the foreign key)
        db.add_all(attempts)
    store.dispose()


def measure_ours_list(root: Path, requests_count: int) -> dict:
    build_list_store(root)
    port = free_port()
    server = start_jupyter_server(root, port, root / "jupyter.log", dict(os.environ))
    api = f"http://127.0.0.1:{port}/mlx/api"
    params = {"notebook": LIST_NOTEBOOKS[0], "max_results": 50}
    try:
        time.sleep(SETTLE_S)  # the kernel it starts ahead at start-up
        with session() as client:

            def page() -> None:
                body = client.get(f"{api}/job-runs", params=params, timeout=30).json()
                assert len(body["runs"]) == 50 and body["total"] == LISTED_RUNS // 2, body

            for _ in range(3):
                page()
            samples = []
            with Probe(f"{api}/config") as probe:
                until = time.monotonic() + PAGES_MIN_S
                while len(samples) < requests_count or time.monotonic() < until:
                    began = time.perf_counter()
                    page()
                    samples.append((time.perf_counter() - began) * 1000)
    finally:
        stop(server)
    return {"page": percentiles(samples), "config_during_pages": percentiles(probe.samples)}


# --- papermill CLI ---------------------------------------------------------------------------


def run_papermill(source: Path, output: Path, *values: str) -> None:
    """Run the papermill CLI on ``source`` (``values``: ``-p NAME VALUE`` arguments), killing
    its process group when it outlasts ``RUN_TIMEOUT_S``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "papermill", str(source), str(output), *values],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        printed, _ = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    if process.returncode:
        raise RuntimeError(f"papermill failed: {printed.decode(errors='replace')[-2000:]}")


def measure_papermill(root: Path, repeat: int) -> dict:
    source = root / "one-cell.ipynb"
    write_notebook(source)

    def once() -> float:
        began = time.perf_counter()
        run_papermill(source, root / "out.ipynb")
        return (time.perf_counter() - began) * 1000

    once()  # warm-up: the file cache
    samples = [once() for _ in range(repeat)]
    return {"median_ms": median(samples), "samples_ms": [round(s, 1) for s in samples]}


# --- jupyter-scheduler -----------------------------------------------------------------------


def scheduler_python(venv: Path) -> Path:
    """The Python of the benchmark's own environment with jupyter-scheduler, made once."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import jupyter_scheduler, ipykernel, jupyterlab"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"Installing jupyter-scheduler into {venv} ...", flush=True)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *SCHEDULER_REQUIREMENTS],
        check=True,
        timeout=900,
    )
    return python


def scheduler_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    project_bin = str(Path(sys.executable).parent)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p != project_bin]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["VIRTUAL_ENV"] = str(venv)
    return env


def scheduler_submit(client: requests.Session, api: str, notebook: str, environment: str) -> str:
    body = {
        "name": Path(notebook).stem,
        "input_uri": notebook,
        "input_filename": Path(notebook).name,
        "runtime_environment_name": environment,
        "runtime_environment_parameters": {},
        "output_formats": ["ipynb"],
        "parameters": {},
        "tags": [],
    }
    answer = client.post(f"{api}/jobs", json=body, timeout=60)
    if answer.status_code != 200:
        raise RuntimeError(f"POST {api}/jobs -> {answer.status_code}: {answer.text}")
    return answer.json()["job_id"]


def scheduler_one(
    client: requests.Session, api: str, notebook: str, environment: str
) -> tuple[float, float | None, dict]:
    """Milliseconds from submit to COMPLETED and to the first IN_PROGRESS seen."""
    began = time.perf_counter()
    job_id = scheduler_submit(client, api, notebook, environment)
    in_progress = None
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        job = client.get(f"{api}/jobs/{job_id}", timeout=30).json()
        now = (time.perf_counter() - began) * 1000
        if job["status"] == "IN_PROGRESS" and in_progress is None:
            in_progress = now
        if job["status"] in SCHEDULER_FINAL or (job["status"] == "STOPPED" and in_progress):
            if job["status"] != "COMPLETED":
                raise RuntimeError(f"job {job_id} ended {job['status']}: {job}")
            return now, in_progress, job
        time.sleep(POLL_S)
    raise RuntimeError(f"job {job_id} did not end within {RUN_TIMEOUT_S} s")


def scheduler_batch(api: str, notebook: str, environment: str) -> float:
    began, futures = submit_batch(
        lambda client: scheduler_submit(client, api, notebook, environment), BATCH
    )
    deadline = time.monotonic() + BATCH_TIMEOUT_S
    with session() as client:
        while time.monotonic() < deadline:
            if all(f.done() for f in futures):
                ids = {f.result() for f in futures}
                jobs = client.get(f"{api}/jobs", params={"max_items": BATCH}, timeout=60).json()
                mine = {j["job_id"]: j for j in jobs["jobs"] if j["job_id"] in ids}
                if len(mine) == BATCH and all(
                    j["status"] in SCHEDULER_FINAL for j in mine.values()
                ):
                    elapsed = (time.perf_counter() - began) * 1000
                    bad = [j for j in mine.values() if j["status"] != "COMPLETED"]
                    if bad:
                        raise RuntimeError(f"{len(bad)} jobs did not complete: {bad[0]}")
                    return elapsed
            time.sleep(BATCH_POLL_S)
    raise RuntimeError(f"{BATCH} scheduler jobs did not end within {BATCH_TIMEOUT_S} s")


FILL_SCHEDULER = """
import sys, uuid
from jupyter_scheduler.orm import Job, create_session
db_url, template_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
Session = create_session(db_url)
with Session() as session:
    template = session.get(Job, template_id)
    columns = [c.name for c in Job.__table__.columns if c.name not in ("job_id", "url")]
    start = template.create_time - 10 * 24 * 3600 * 1000
    for index in range(count):
        values = {name: getattr(template, name) for name in columns}
        job_id = str(uuid.uuid4())
        created = start + index * 60_000
        values.update(
            job_id=job_id, url=f"/jobs/{job_id}", name=("train", "evaluate")[index % 2],
            input_filename=("train.ipynb", "evaluate.ipynb")[index % 2],
            create_time=created, update_time=created + 5000, start_time=created + 100,
            end_time=created + 5000, status="COMPLETED", pid=None,
        )
        session.add(Job(**values))
    session.commit()
    print(session.query(Job).count())
"""


def measure_scheduler(root: Path, venv: Path, repeat: int, requests_count: int) -> dict:
    python = scheduler_python(venv)
    shutil.rmtree(root, ignore_errors=True)
    write_notebook(root / "one-cell.ipynb")
    write_notebook(root / "batch.ipynb")
    state = root / ".scheduler"
    state.mkdir(parents=True)
    db_url = f"sqlite:///{state / 'scheduler.sqlite'}"
    port = free_port()
    command = [
        str(python),
        "-m",
        "jupyter",
        "server",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={TOKEN}",
        f"--SchedulerApp.db_url={db_url}",
        f"--Scheduler.staging_path={state / 'staging'}",
    ]
    base = f"http://127.0.0.1:{port}"
    api = f"{base}/scheduler"
    env = scheduler_env(venv)
    server = start(command, f"{base}/api/status", root / "jupyter.log", env)
    try:
        with session() as client:
            environments = client.get(f"{api}/runtime_environments", timeout=60).json()
            environment = environments[0]["name"]
            version = subprocess.run(
                [
                    str(python),
                    "-c",
                    "import jupyter_scheduler; print(jupyter_scheduler.__version__)",
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
            ).stdout.strip()
            _, _, job = scheduler_one(client, api, "one-cell.ipynb", environment)  # warm-up
            template = job["job_id"]
            time.sleep(1)
            samples, in_progress = [], []
            for _ in range(repeat):
                done, started, _ = scheduler_one(client, api, "one-cell.ipynb", environment)
                samples.append(done)
                if started is not None:
                    in_progress.append(started)
                time.sleep(1)
            batch = []
            for _ in range(repeat):
                batch.append(scheduler_batch(api, "batch.ipynb", environment))
                time.sleep(1)
            existing = client.get(f"{api}/jobs", params={"max_items": 1}, timeout=60).json()
            fill = LISTED_RUNS - existing["total_count"]
            subprocess.run(
                [str(python), "-c", FILL_SCHEDULER, db_url, template, str(max(fill, 0))],
                check=True,
                env=env,
                timeout=300,
                capture_output=True,
            )

            def page(params: dict) -> tuple[float, int]:
                began = time.perf_counter()
                body = client.get(f"{api}/jobs", params=params, timeout=60).json()
                elapsed = (time.perf_counter() - began) * 1000
                assert len(body["jobs"]) == 50, body
                return elapsed, body["total_count"]

            unfiltered = {"max_items": 50}
            by_name = {"max_items": 50, "name": "train"}
            time.sleep(SETTLE_S)  # the batch's job processes exit
            for _ in range(3):
                page(unfiltered)
                page(by_name)
            listed, named = [], []
            for _ in range(requests_count):  # in turns, so both see the same machine
                listed.append(page(unfiltered))
                named.append(page(by_name))
    finally:
        stop(server)
    return {
        "version": version,
        "runtime_environment": environment,
        "one": {
            "median_ms": median(samples),
            "samples_ms": [round(s, 1) for s in samples],
            "in_progress_median_ms": median(in_progress) if in_progress else None,
            "in_progress_samples_ms": [round(s, 1) for s in in_progress],
        },
        "batch": {"median_ms": median(batch), "samples_ms": [round(s, 1) for s in batch]},
        "page": {**percentiles([s for s, _ in listed]), "total_count": listed[-1][1]},
        "page_by_name": {**percentiles([s for s, _ in named]), "total_count": named[-1][1]},
    }


# --- report ----------------------------------------------------------------------------------


def ratio(ours: float, theirs: float | None) -> float | None:
    return round(ours / theirs, 4) if theirs else None


def report(ours: dict, listing: dict, papermill: dict, scheduler: dict | None) -> dict:
    one = {"jupyter-mlx": ours["one"], "papermill CLI": papermill}
    batch = {"jupyter-mlx": ours["batch"]}
    if scheduler:
        one["jupyter-scheduler"] = scheduler["one"]
        batch["jupyter-scheduler"] = scheduler["batch"]
    sched_one = scheduler["one"]["median_ms"] if scheduler else None
    sched_batch = scheduler["batch"]["median_ms"] if scheduler else None
    results = {
        "P1 one run, submit -> succeeded (idle server)": {
            **one,
            "ours / papermill CLI": ratio(ours["one"]["median_ms"], papermill["median_ms"]),
            "ours / jupyter-scheduler": ratio(ours["one"]["median_ms"], sched_one),
            "target": "ours <= 0.1x papermill CLI, <= 0.05x jupyter-scheduler",
        },
        f"P2 {BATCH} runs submitted at once, until all succeeded": {
            **batch,
            "ours / jupyter-scheduler": ratio(ours["batch"]["median_ms"], sched_batch),
            "GET /mlx/api/config during ours": ours["config_during_batch"],
            "most runs running at once (ours)": ours["most_running_at_once"],
            "max_concurrent_runs": ours["max_concurrent_runs"],
            "cap held": ours["most_running_at_once"] <= ours["max_concurrent_runs"],
            "target": "ours <= 0.1x jupyter-scheduler",
        },
        f"P3 a page of 50 runs of a notebook, {LISTED_RUNS:,} runs": {
            "jupyter-mlx": listing["page"],
            "GET /mlx/api/config during pages": listing["config_during_pages"],
            "target": "page p50 <= 50 ms, /mlx/api/config < 20 ms",
        },
    }
    if scheduler:
        p3 = results[f"P3 a page of 50 runs of a notebook, {LISTED_RUNS:,} runs"]
        p3["jupyter-scheduler (max_items=50, no filter)"] = scheduler["page"]
        p3["jupyter-scheduler (max_items=50, name=train)"] = scheduler["page_by_name"]
        results["jupyter-scheduler"] = {
            "version": scheduler["version"],
            "runtime_environment": scheduler["runtime_environment"],
        }
    return results


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = {
        next(k for k in results if k.startswith("P1")): "P1: one run on an idle server",
        next(k for k in results if k.startswith("P2")): f"P2: {BATCH} runs submitted at once",
    }
    fig, axes = plt.subplots(1, len(panels), figsize=(10, 3.6), sharey=True)
    colors = {"jupyter-mlx": "C0", "papermill CLI": "C1", "jupyter-scheduler": "C2"}
    highest = 0.0
    for axis, (key, title) in zip(axes, panels.items(), strict=True):
        sides = {n: v["median_ms"] for n, v in results[key].items() if n in colors}
        highest = max(highest, *sides.values())
        bars = axis.bar(list(sides), list(sides.values()), color=[colors[n] for n in sides])
        labels = [f"{v / 1000:.2f} s" if v >= 1000 else f"{v:.0f} ms" for v in sides.values()]
        axis.bar_label(bars, labels=labels, fontsize=8)
        axis.set_yscale("log")
        axis.set_title(title, fontsize=9)
    axes[0].set_ylim(10, highest * 3)
    axes[0].set_ylabel("submit to succeeded, median (ms, log)")
    fig.suptitle("A one-cell notebook (x = 1)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE / ".data" / "jobs")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plot", type=Path, help="write a bar chart of the results here")
    parser.add_argument("--skip-scheduler", action="store_true", help="leave jupyter-scheduler out")
    parser.add_argument(
        "--scheduler-venv",
        type=Path,
        default=SCHEDULER_VENV,
        help=f"the virtual environment holding jupyter-scheduler (default: {SCHEDULER_VENV})",
    )
    args = parser.parse_args()

    root = args.data.resolve()
    root.mkdir(parents=True, exist_ok=True)
    requests_count = max(30, 6 * args.repeat)
    load_before = os.getloadavg()[0]
    # One server at a time: on a small machine, an idle server would still take a share.
    print("jupyter-mlx: one run, then batches ...", flush=True)
    ours = measure_ours(root / "mlx", args.repeat)
    print("jupyter-mlx: pages of the list ...", flush=True)
    listing = measure_ours_list(root / "mlx-list", requests_count)
    print("papermill CLI ...", flush=True)
    papermill = measure_papermill(root / "papermill", args.repeat)
    scheduler = None
    if not args.skip_scheduler:
        print("jupyter-scheduler ...", flush=True)
        venv = args.scheduler_venv.expanduser().resolve()
        scheduler = measure_scheduler(root / "scheduler", venv, args.repeat, requests_count)
    results = report(ours, listing, papermill, scheduler)
    results["machine"] = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "load average (1 min) at start": round(load_before, 2),
    }
    print(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
