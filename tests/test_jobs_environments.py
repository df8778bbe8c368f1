"""Job runs, definitions and sweeps on an environment of the workspace, and their data inputs.

The environment service stands behind one seam (``JobService.environments``): here a small
stand-in answers for one environment, ``demo``, whose kernelspec each test writes into the
workspace's kernels folder, pointing at this Python. Where the answer must be the real one
(an environment that is not ready), the real service reads a real spec.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from jobnotebooks import write_notebook

from jupyter_mlx.config import Settings
from jupyter_mlx.errors import InvalidInput, NotFound
from jupyter_mlx.jobs.schemas import (
    CreateJobRequest,
    CreateJobRunRequest,
    CreateSweepRequest,
    JobSettings,
    ListJobRunsQuery,
    SweepParameter,
    UpdateJobRequest,
)
from jupyter_mlx.services import JobSizes, Services
from jupyter_mlx.tracking import links
from jupyter_mlx.tracking.schemas import RunEnvironment, RunInput

LOCK = hashlib.sha256(b"the lock of demo").hexdigest()
NOT_INSTALLED = "Environment 'demo' is not installed: run `jupyter mlx env install demo`."


@dataclass(frozen=True)
class ReadyKernel:
    name: str
    kernel: str
    lock_sha256: str
    prefix: Path


class DemoEnvironments:
    """The environment service as job runs see it, for the one environment ``demo``."""

    def __init__(self, state: str = "ready") -> None:
        self.state = state
        self.installs = 0

    def get(self, name: str) -> SimpleNamespace:
        if name != "demo":
            raise NotFound(f"No environment {name!r} in this workspace.", field="name")
        return SimpleNamespace(state=self.state)

    def kernel_for(self, name: str) -> ReadyKernel:
        if self.get(name).state != "ready":
            raise InvalidInput(NOT_INSTALLED, field="environment")
        return ReadyKernel("demo", "mlx-demo", LOCK, Path(sys.prefix))

    def install(self, name: str) -> None:
        self.installs += 1
        self.state = "ready"


def write_demo_kernelspec(settings: Settings) -> None:
    """The kernelspec an install of ``demo`` writes, on this Python."""
    folder = settings.kernels_dir / "mlx-demo"
    folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (mlx: demo)",
        "language": "python",
        "env": {"MLX_ENV_NAME": "demo", "MLX_ENV_LOCK_SHA256": LOCK, "DEMO_KERNEL": "yes"},
    }
    (folder / "kernel.json").write_text(json.dumps(spec))


@asynccontextmanager
async def workspace(
    root: Path, environments: DemoEnvironments | None = None, *, started: bool = False
) -> AsyncIterator[Services]:
    """The services of a workspace in ``root`` whose environments are ``environments`` (the
    real service when None); started as a server starts them when ``started``."""
    settings = Settings.resolve(root, environ={})
    services = Services.from_settings(settings, job_sizes=JobSizes(1, 0))
    if environments is not None:
        services.jobs.environments = environments
    write_demo_kernelspec(settings)
    write_notebook(
        root / "nb.ipynb", "import os\nprint('kernel of demo:', os.environ['DEMO_KERNEL'])"
    )
    (root / "data").mkdir()
    (root / "data" / "train.csv").write_text("x,y\n1,2\n")
    if started:
        await services.start()
    try:
        yield services
    finally:
        await services.stop()


async def nothing_created(services: Services) -> None:
    page = await services.jobs.list_runs(ListJobRunsQuery())
    assert page.total == 0
    runs = services.settings.workspace / "runs"
    assert not runs.exists() or not any(runs.iterdir())


@pytest.mark.slow
async def test_a_run_on_an_environment_runs_in_its_kernel_and_records_its_lock_and_inputs(
    tmp_path: Path,
) -> None:
    async with workspace(tmp_path, DemoEnvironments(), started=True) as services:
        # Given the environment's kernel among those a run may pick,
        offered = await services.jobs.notebook_parameters("nb.ipynb")
        assert "mlx-demo" in [kernel.name for kernel in offered.kernels]

        # when a run names the environment and a folder of data,
        request = CreateJobRunRequest(notebook="nb.ipynb", environment="demo", inputs=["data/"])
        run, _ = await services.jobs.create(request)
        ended = await services.jobs.wait(run.id, 90)

        # then it ran in the environment's kernel and records the environment's lock,
        assert ended.status == "succeeded", ended.error
        assert (ended.kernel, ended.environment, ended.environment_lock_sha256) == (
            "mlx-demo",
            "demo",
            LOCK,
        )
        assert ended.inputs == ["data"]
        output = nbformat.read(ended.output_path, as_version=4)
        assert "kernel of demo: yes" in output.cells[-1].outputs[0]["text"]
        # and its MLflow run carries the environment's tags and the folder's hash, which the
        # run view shows.
        assert ended.mlflow_run_id is not None
        tags = services.tracking.connection.client.get_run(ended.mlflow_run_id).data.tags
        assert (tags[links.ENV_NAME], tags[links.ENV_LOCK_SHA256]) == ("demo", LOCK)
        described = services.tracking.get_run(ended.mlflow_run_id)
        assert described.environment == RunEnvironment(name="demo", lock_sha256=LOCK)
        file_hash = hashlib.sha256(b"x,y\n1,2\n").hexdigest()
        folder_hash = hashlib.sha256(f"{file_hash}  train.csv\n".encode()).hexdigest()
        assert described.inputs == [RunInput(path="data", sha256=folder_hash, kind="folder")]


async def test_a_run_on_an_environment_that_is_not_ready_is_refused_with_its_fix(
    tmp_path: Path,
) -> None:
    # Given an environment declared by a spec, never locked (the real environment service),
    spec = tmp_path / "envs" / "demo" / "requirements.in"
    spec.parent.mkdir(parents=True)
    spec.write_text("# name: demo\nsix\n")
    async with workspace(tmp_path) as services:
        # when a run names it, then it is refused with what to run, and nothing is created.
        with pytest.raises(InvalidInput) as refused:
            await services.jobs.create(CreateJobRunRequest(notebook="nb.ipynb", environment="demo"))
        assert refused.value.field == "environment"
        assert "`jupyter mlx env lock demo`" in refused.value.message
        await nothing_created(services)


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"environment": "demo", "kernel": "python3"}, "environment", "not both"),
        ({"environment": "other"}, "environment", "No environment 'other'"),
        ({"environment": "demo", "install_environment": True}, "environment", "not installed"),
        ({"inputs": ["data", "missing.csv"]}, "inputs", "does not exist"),
        ({"inputs": ["../outside.csv"]}, "inputs", "outside the server root"),
    ],
)
async def test_refused_runs_name_the_field_and_create_nothing(
    tmp_path: Path, body: dict, field: str, says: str
) -> None:
    (tmp_path.parent / "outside.csv").write_text("x\n")
    # A stale environment is not one an install from its lock makes ready.
    async with workspace(tmp_path, DemoEnvironments(state="stale")) as services:
        with pytest.raises(InvalidInput) as refused:
            await services.jobs.create(CreateJobRunRequest(notebook="nb.ipynb", **body))

        assert refused.value.field == field
        assert says in refused.value.message
        await nothing_created(services)


async def test_a_definition_that_installs_its_environment_installs_it_before_its_run(
    tmp_path: Path,
) -> None:
    environments = DemoEnvironments(state="locked")
    async with workspace(tmp_path, environments) as services:
        definitions = services.definitions
        # Given an environment locked but not installed, a definition on it is refused unless
        # it installs it,
        request = CreateJobRequest(notebook="nb.ipynb", name="nightly", environment="demo")
        with pytest.raises(InvalidInput, match="not installed"):
            await definitions.create(request)
        job = await definitions.create(
            request.model_copy(update={"install_environment": True, "inputs": ["data"]})
        )
        assert (job.environment, job.kernel, job.install_environment) == ("demo", "mlx-demo", True)
        assert job.inputs == ["data"] and definitions.names_using("demo") == ["nightly"]

        # when it fires, the environment is installed first, and the run records its lock.
        fired = await definitions.trigger(job.id)
        assert fired.run is not None and environments.installs == 1
        assert (fired.run.environment, fired.run.environment_lock_sha256) == ("demo", LOCK)
        assert (fired.run.kernel, fired.run.inputs) == ("mlx-demo", ["data"])

        # A kernel replaces the environment, and an environment the kernel again.
        on_kernel = await definitions.update(job.id, UpdateJobRequest(kernel="python3"))
        assert (on_kernel.kernel, on_kernel.environment) == ("python3", None)
        again = await definitions.update(job.id, UpdateJobRequest(environment="demo"))
        assert (again.kernel, again.environment) == ("mlx-demo", "demo")
        with pytest.raises(InvalidInput) as both:
            await definitions.update(job.id, UpdateJobRequest(kernel="python3", environment="demo"))
        assert both.value.field == "environment"


async def test_the_trials_of_a_sweep_on_an_environment_each_record_its_lock(
    tmp_path: Path,
) -> None:
    async with workspace(tmp_path, DemoEnvironments()) as services:
        sweep = await services.sweeps.create(
            CreateSweepRequest(
                notebook="nb.ipynb",
                parameters={"epochs": SweepParameter(values=[1, 2])},
                base=JobSettings(environment="demo"),
            )
        )

        runs = [trial.run for trial in sweep.trials]
        assert [(r.kernel, r.environment, r.environment_lock_sha256) for r in runs] == [
            ("mlx-demo", "demo", LOCK)
        ] * 2
