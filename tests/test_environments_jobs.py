"""Runs on environments: a job on an environment's kernel, and reproduce.

The conda environment comes from the local test channel, with ``pylaunch`` as its Python (no
conda python can be had offline); the pip flavour is locked and installed by uv from the
package index (uv's cache keeps later runs quick).
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest
from condachannel import build_channel, build_python_launcher
from jobnotebooks import write_notebook
from test_jobs_service import finished, running_jobs, submit

from jupyter_mlx.environments.schemas import Environment
from jupyter_mlx.errors import InvalidInput
from jupyter_mlx.jobs.reproduce import metric_differences
from jupyter_mlx.jobs.schemas import ListJobRunsQuery
from jupyter_mlx.services import Services

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

#: A deterministic notebook: its metric is a function of its parameters only.
TRAIN = (
    "%load_ext jupyter_mlx\n%mlx_track\nimport mlflow, os\n"
    "mlflow.log_metric('score', epochs * lr)\n"
    "mlflow.log_metric('env_seen', float(os.environ.get('MLX_ENV_NAME') == 'lab'))",
    "%mlx_track --stop",
)


@pytest.fixture(scope="module")
def channel_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    channel = tmp_path_factory.mktemp("channel")
    build_python_launcher(channel)
    return build_channel(channel)


def declare(root: Path, channel: str, *deps: str) -> None:
    folder = root / "envs" / "lab"
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["name: lab", "channels:", f"  - {channel}", "dependencies:"]
    (folder / "environment.yml").write_text("\n".join([*lines, *(f"  - {d}" for d in deps)]))


async def lock_and_install(services: Services, name: str = "lab") -> Environment:
    """Lock an environment, then install it (blocking work, off the loop)."""
    await asyncio.to_thread(services.environments.lock, name)
    return await asyncio.to_thread(services.environments.install, name)


async def test_a_job_on_an_environment_records_its_lock_and_reproduces_with_equal_metrics(
    tmp_path: Path, channel_url: str
) -> None:
    # Given an environment locked and installed from the channel, with a Python,
    declare(tmp_path, channel_url, "pylaunch", "gamma")
    write_notebook(tmp_path / "train.ipynb", *TRAIN)
    async with running_jobs(tmp_path) as services:
        ready = await lock_and_install(services)
        assert (ready.state, ready.kernel) == ("ready", "mlx-lab")
        assert "mlx-lab" in services.jobs.kernelspecs.all()

        # when a job runs on it,
        run = await submit(
            services, "train.ipynb", environment="lab", parameters={"epochs": 4, "lr": 0.5}
        )
        ended = await finished(services, run)

        # then it ran on the environment's kernel and its MLflow run records the lock,
        assert ended.status == "succeeded", ended.error
        assert (ended.kernel, ended.environment) == ("mlx-lab", "lab")
        assert ended.environment_lock_sha256 == ready.lock_sha256
        client = services.tracking.connection.client
        original = client.get_run(ended.mlflow_run_id)
        assert original.data.tags["mlx.env.name"] == "lab"
        assert original.data.tags["mlx.env.lock_sha256"] == ready.lock_sha256
        assert original.data.metrics == {"score": 2.0, "env_seen": 1.0}

        # and reproducing it runs the same notebook, values and lock again, metrics equal.
        reproduction = await services.reproducer.reproduce(ended.mlflow_run_id)
        assert reproduction.warnings == []
        again = await finished(services, reproduction.job_run)
        assert again.status == "succeeded", again.error
        assert again.trigger == "reproduce"
        assert again.parameters == {"epochs": 4, "lr": 0.5}
        assert again.environment_lock_sha256 == ready.lock_sha256
        differences = metric_differences(
            services.tracking.connection, ended.mlflow_run_id, again.mlflow_run_id
        )
        assert {d.key: d.difference for d in differences} == {"score": 0.0, "env_seen": 0.0}


async def test_a_run_on_a_stale_environment_is_refused_with_the_fix(
    tmp_path: Path, channel_url: str
) -> None:
    declare(tmp_path, channel_url, "pylaunch")
    write_notebook(tmp_path / "train.ipynb", *TRAIN)
    async with running_jobs(tmp_path) as services:
        await lock_and_install(services)
        declare(tmp_path, channel_url, "pylaunch", "gamma")

        with pytest.raises(InvalidInput) as refused:
            await submit(services, "train.ipynb", environment="lab")

        assert refused.value.field == "environment"
        assert "jupyter mlx env lock lab" in str(refused.value)
        assert (await services.jobs.list_runs(ListJobRunsQuery())).total == 0


async def test_reproduce_after_the_environment_changed_installs_the_recorded_lock_beside(
    tmp_path: Path, channel_url: str
) -> None:
    declare(tmp_path, channel_url, "pylaunch", "alpha 1.0")
    write_notebook(tmp_path / "train.ipynb", *TRAIN)
    async with running_jobs(tmp_path) as services:
        first = await lock_and_install(services)
        run = await finished(services, await submit(services, "train.ipynb", environment="lab"))
        assert run.status == "succeeded", run.error

        declare(tmp_path, channel_url, "pylaunch", "alpha 2.0")
        await lock_and_install(services)

        reproduction = await services.reproducer.reproduce(run.mlflow_run_id)
        again = await finished(services, reproduction.job_run)

        assert again.status == "succeeded", again.error
        assert again.kernel == f"mlx-lab-{first.lock_sha256[:8]}"
        assert "installed beside it" in reproduction.warnings[0]
        prefix = services.environments.prefix_of(f"lab-{first.lock_sha256[:8]}")
        assert (prefix / "share/alpha/VERSION").read_text() == "1.0"


async def test_reproducing_a_run_without_a_snapshot_is_refused(tmp_path: Path) -> None:
    async with running_jobs(tmp_path) as services:
        client = services.tracking.connection.client
        experiment = client.create_experiment("plain")
        plain = client.create_run(experiment, tags={"mlflow.source.name": "gone.ipynb"})

        with pytest.raises(InvalidInput, match="no notebook snapshot") as refused:
            await services.reproducer.reproduce(plain.info.run_id)

        assert refused.value.field == "run_id"


@pytest.mark.slow
async def test_the_pip_flavour_locks_with_uv_and_runs_a_job_on_its_venv(tmp_path: Path) -> None:
    # Given a requirements.in with ipykernel (from the package index, through uv's cache),
    folder = tmp_path / "envs" / "piplab"
    folder.mkdir(parents=True)
    (folder / "requirements.in").write_text("# name: piplab\nipykernel\n")
    write_notebook(
        tmp_path / "where.ipynb",
        "import sys, os\nprint('prefix', sys.prefix)\nprint('env', os.environ['MLX_ENV_NAME'])",
        parameters="n = 1",
    )
    async with running_jobs(tmp_path) as services:
        environments = services.environments
        locked = await asyncio.to_thread(environments.lock, "piplab")
        assert (folder / "requirements.lock").read_text().count("--hash=sha256:") >= locked.packages
        ready = await asyncio.to_thread(environments.install, "piplab")
        assert (ready.state, ready.kernel) == ("ready", "mlx-piplab")
        python = Path(ready.prefix or "") / "bin" / "python"
        assert subprocess.run([str(python), "-c", "import ipykernel"]).returncode == 0

        run = await finished(services, await submit(services, "where.ipynb", environment="piplab"))

        assert run.status == "succeeded", run.error
        log = (await services.jobs.read_log(run.id, 0, 1 << 20)).text
        assert f"prefix {ready.prefix}" in log and "env piplab" in log
        tags = services.tracking.connection.client.get_run(run.mlflow_run_id).data.tags
        assert tags["mlx.env.name"] == "piplab"
        assert tags["mlx.env.lock_sha256"] == ready.lock_sha256
