"""Job runs executed by the job service in real kernels: parameters, failures, timeouts, stop,
retries, the concurrency cap, idempotency, fresh kernels, and the MLflow run of each."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import nbformat
import psutil
import pytest
from jobnotebooks import write_notebook

from jupyter_mlx.config import Settings
from jupyter_mlx.errors import Conflict
from jupyter_mlx.jobs.schemas import CreateJobRunRequest, JobRun, ListJobRunsQuery
from jupyter_mlx.services import JobSizes, Services

pytestmark = pytest.mark.slow

#: A cell that starts a child process, writes its pid to child.pid, and sleeps.
SLEEPER = (
    "import subprocess, time\n"
    "child = subprocess.Popen(['sleep', '120'])\n"
    "open('child.pid', 'w').write(str(child.pid))\n"
    "time.sleep(120)"
)


@asynccontextmanager
async def running_jobs(root: Path, *, capacity: int = 2, warm: int = 0) -> AsyncIterator[Services]:
    """The services of a workspace in ``root``, started as a server starts them."""
    settings = Settings.resolve(root, environ={})
    services = Services.from_settings(settings, job_sizes=JobSizes(capacity, warm))
    await services.start()
    try:
        yield services
    finally:
        await services.stop()


async def submit(services: Services, notebook: str = "nb.ipynb", **body) -> JobRun:
    run, _ = await services.jobs.create(CreateJobRunRequest(notebook=notebook, **body))
    return run


async def finished(services: Services, run: JobRun, timeout: float = 90) -> JobRun:
    ended = await services.jobs.wait(run.id, timeout)
    assert ended.status not in ("queued", "running"), f"still {ended.status} after {timeout} s"
    return ended


async def until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def test_typed_parameters_reach_the_notebook_and_the_run_is_an_mlflow_run(
    tmp_path: Path,
) -> None:
    # Given a notebook that checks the types of its parameters and tracks a metric,
    write_notebook(
        tmp_path / "nb.ipynb",
        "assert isinstance(epochs, int) and isinstance(lr, float) and day == '2024-01-01'\n"
        "print('epochs', epochs, 'day', day, type(day).__name__)",
        "%load_ext jupyter_mlx\n%mlx_track\nimport mlflow\nmlflow.log_metric('acc', 0.75)",
        "%mlx_track --stop",
    )
    async with running_jobs(tmp_path) as services:
        # when it runs with an int, a float given as an int, and a date-like string,
        run = await submit(services, parameters={"epochs": 5, "lr": 1, "day": "2024-01-01"})
        ended = await finished(services, run)

        # then it succeeded in one attempt, with its parameters injected by papermill,
        assert (ended.status, ended.attempt, ended.error) == ("succeeded", 1, None)
        output = nbformat.read(ended.output_path, as_version=4)
        injected = [c for c in output.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and "epochs = 5" in injected[0].source
        assert 'day = "2024-01-01"' in injected[0].source
        log = (await services.jobs.read_log(run.id, 0, 1 << 20)).text
        assert "epochs 5 day 2024-01-01 str" in log and "cell 2 of 5" in log

        # and it is an MLflow run with the parameters, tags, output notebook and the metric
        # the notebook logged with %mlx_track.
        client = services.tracking.connection.client
        mlflow_run = client.get_run(ended.mlflow_run_id)
        params = mlflow_run.data.params
        assert (params["epochs"], params["lr"], params["day"], params["name"]) == (
            "5",
            "1.0",
            "2024-01-01",
            "bob",
        )
        tags = mlflow_run.data.tags
        assert tags["mlx.job.run_id"] == run.id and tags["mlx.job.id"] == run.job_id
        assert tags["mlflow.source.name"] == "nb.ipynb"
        assert mlflow_run.data.metrics == {"acc": 0.75}
        assert mlflow_run.info.status == "FINISHED"
        artifacts = {a.path for a in client.list_artifacts(ended.mlflow_run_id, "output")}
        assert artifacts == {"output/output.ipynb"}


async def test_a_failing_cell_is_pinpointed_and_the_output_notebook_kept(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", "x = 1", "raise ValueError(f'bad {epochs}')", "y = 2")
    async with running_jobs(tmp_path) as services:
        ended = await finished(services, await submit(services, parameters={"epochs": 7}))

        assert ended.status == "failed"
        error = ended.error
        assert error is not None
        assert (error.ename, error.evalue) == ("ValueError", "bad 7")
        assert error.message == f"Cell In [{error.execution_count}] raised ValueError: bad 7"
        output = nbformat.read(ended.output_path, as_version=4)
        assert "raise ValueError" in output.cells[error.cell_index].source
        assert "An Exception was encountered" in output.cells[0].source  # papermill's banner
        assert output.cells[-1].outputs == []  # the cell after it never ran
        assert any("ValueError: bad 7" in line for line in error.traceback)
        html, _ = await services.jobs.output(ended.id, "html")  # a link #cell-N opens it there
        assert f'id="cell-{error.cell_index}"'.encode() in html
        status = services.tracking.connection.client.get_run(ended.mlflow_run_id).info.status
        assert status == "FAILED"


async def test_a_timeout_kills_the_kernel_with_its_children(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", SLEEPER)
    async with running_jobs(tmp_path) as services:
        run = await submit(services, timeout=3)
        await until(
            lambda: (tmp_path / "child.pid").exists() and (tmp_path / "child.pid").read_text()
        )
        child = int((tmp_path / "child.pid").read_text())

        ended = await finished(services, run)

        assert ended.status == "timed_out"
        assert ended.error is not None and "Did not finish within 3 s" in ended.error.message
        assert gone(child)
        assert ended.output_path is not None and Path(ended.output_path).is_file()


async def test_stop_kills_the_whole_process_tree_and_keeps_what_ran(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", "print('before')", SLEEPER)
    async with running_jobs(tmp_path) as services:
        run = await submit(services)
        await until(
            lambda: (tmp_path / "child.pid").exists() and (tmp_path / "child.pid").read_text()
        )
        child = int((tmp_path / "child.pid").read_text())
        current = await services.jobs.get(run.id)
        assert current.status == "running" and current.progress is not None
        assert (current.progress.cell, current.progress.total) == (3, 3)

        stopped = await services.jobs.stop(run.id)

        assert stopped.status == "stopped"
        assert gone(child)
        output = nbformat.read(stopped.output_path, as_version=4)
        assert output.cells[1].outputs[0]["text"] == "before\n"
        with pytest.raises(Conflict, match="has ended already"):
            await services.jobs.stop(run.id)


async def test_retries_record_an_attempt_per_try(tmp_path: Path) -> None:
    # Given a notebook that fails on its first try only,
    write_notebook(
        tmp_path / "nb.ipynb",
        "import os\n"
        "tries = int(open('tries').read()) if os.path.exists('tries') else 0\n"
        "open('tries', 'w').write(str(tries + 1))\n"
        "assert tries >= 1, 'first try fails'",
    )
    async with running_jobs(tmp_path) as services:
        # when it runs with one retry,
        ended = await finished(services, await submit(services, retries=1, retry_backoff=0))

        # then the second attempt succeeded, and both are recorded.
        assert (ended.status, ended.attempt) == ("succeeded", 2)
        assert [a.status for a in ended.attempts] == ["failed", "succeeded"]
        assert ended.attempts[0].error is not None
        assert "first try fails" in ended.attempts[0].error.message
        assert ended.error is None


async def test_never_more_runs_execute_than_the_cap_and_the_queue_is_first_in_first_out(
    tmp_path: Path,
) -> None:
    write_notebook(tmp_path / "nb.ipynb", "import time; time.sleep(0.5)", parameters=None)
    async with running_jobs(tmp_path, capacity=1) as services:
        runs = [await submit(services) for _ in range(3)]
        most = 0
        while True:
            page = await services.jobs.list_runs(ListJobRunsQuery())
            most = max(most, sum(1 for r in page.runs if r.status == "running"))
            if all(r.status == "succeeded" for r in page.runs):
                break
            await asyncio.sleep(0.05)
        assert most == 1
        starts = [(await services.jobs.get(r.id)).started_at for r in runs]
        assert starts == sorted(starts)


async def test_an_idempotency_key_gives_the_run_it_created(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", "x = 1")
    async with running_jobs(tmp_path) as services:
        first, created = await services.jobs.create(
            CreateJobRunRequest(notebook="nb.ipynb", idempotency_key="nightly-2026-12-01")
        )
        again, created_again = await services.jobs.create(
            CreateJobRunRequest(
                notebook="nb.ipynb", idempotency_key="nightly-2026-12-01", parameters={"epochs": 9}
            )
        )
        assert (created, created_again, again.id) == (True, False, first.id)
        assert (await services.jobs.list_runs(ListJobRunsQuery())).total == 1
        await finished(services, first)


async def test_a_kernel_started_ahead_is_fresh_for_each_run(tmp_path: Path) -> None:
    write_notebook(
        tmp_path / "nb.ipynb",
        "import builtins\nassert not hasattr(builtins, 'leak')\nbuiltins.leak = 1",
        parameters=None,
    )
    async with running_jobs(tmp_path, warm=1) as services:
        kernels = services.jobs.executor.kernels  # type: ignore[attr-defined]
        await services.jobs.notebook_parameters("nb.ipynb")  # what the Run dialog asks first
        for _ in range(2):
            await until(lambda: kernels.idle().get("python3") == 1)
            ended = await finished(services, await submit(services))
            assert ended.status == "succeeded", ended.error
            assert ended.attempts[0].warm_kernel


async def test_a_kernel_that_dies_fails_the_run_with_its_exit_code(tmp_path: Path) -> None:
    write_notebook(tmp_path / "nb.ipynb", "import os; os._exit(3)", parameters=None)
    async with running_jobs(tmp_path) as services:
        ended = await finished(services, await submit(services))
        assert ended.status == "failed"
        assert ended.error is not None
        assert ended.error.message.startswith("The kernel died while cell 1 of 1 ran")
        assert ended.error.message.endswith("its exit code was 3.")


async def test_the_input_is_a_copy_taken_at_submit(tmp_path: Path) -> None:
    notebook = write_notebook(tmp_path / "nb.ipynb", "print('as submitted')")
    async with running_jobs(tmp_path, capacity=1) as services:
        blocker = write_notebook(tmp_path / "slow.ipynb", "import time; time.sleep(1)")
        first = await submit(services, notebook=blocker.name)
        queued = await submit(services)
        write_notebook(notebook, "print('edited later')")

        ended = await finished(services, queued)
        await finished(services, first)

        assert "as submitted" in json.dumps(nbformat.read(ended.output_path, as_version=4))
        assert "edited later" not in Path(ended.input_path).read_text()
