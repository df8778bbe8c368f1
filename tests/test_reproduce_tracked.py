"""Reproduce a run tracked with ``%mlx_track`` in a notebook (not a job): its snapshot runs
again as a job with the recorded values, typed by the parameters cell."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jobnotebooks import write_notebook
from test_jobs_service import finished, running_jobs

from jupyter_mlx.jobs.reproduce import metric_differences, typed_value

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_values_logged_as_text_come_back_typed() -> None:
    assert typed_value("int", "3") == 3
    assert typed_value("float", "0.5") == 0.5
    assert typed_value("bool", "False") is False
    assert typed_value("dict", "{'depth': 2}") == {"depth": 2}
    assert typed_value("list", "[1, 2]") == [1, 2]
    assert typed_value("dict", "__import__('os')") == "__import__('os')"  # never evaluated
    assert typed_value("int", "three") == "three"


async def test_a_tracked_notebook_run_is_reproduced_with_its_values(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    # Given a notebook run in a kernel (as JupyterLab runs it), tracked with %mlx_track,
    path = write_notebook(
        tmp_path / "track.ipynb",
        "%load_ext jupyter_mlx\n%mlx_track\nimport mlflow\n"
        "mlflow.log_metric('score', epochs * lr + opts['depth'])",
        "%mlx_track --stop",
        parameters="epochs = 3\nlr = 0.5\nopts = {'depth': 2}",
    )
    workspace = tmp_path / ".mlx"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLX_", "MLFLOW_", "JPY_"))}
    env.update(
        MLX_ROOT_DIR=str(tmp_path),
        MLX_WORKSPACE_DIR=str(workspace),
        MLFLOW_TRACKING_URI=f"sqlite:///{workspace / 'mlflow.db'}",
        JPY_SESSION_NAME=str(path),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    )
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=60).execute(env=env, cwd=str(tmp_path))
    path.write_text("{}")  # the file changed since: the snapshot is what ran
    async with running_jobs(tmp_path) as services:
        client = services.tracking.connection.client
        experiment = client.get_experiment_by_name("track.ipynb")
        (original,) = client.search_runs([experiment.experiment_id])
        assert original.data.metrics == {"score": 3.5}

        # when it is reproduced,
        reproduction = await services.reproducer.reproduce(original.info.run_id)
        again = await finished(services, reproduction.job_run)

        # then the snapshot ran with the values it ran with, typed, and the metric is equal.
        assert again.status == "succeeded", again.error
        assert again.parameters == {"epochs": 3, "lr": 0.5, "opts": {"depth": 2}}
        assert any("no environment lock" in warning for warning in reproduction.warnings)
        differences = metric_differences(
            services.tracking.connection, original.info.run_id, again.mlflow_run_id
        )
        assert [(d.key, d.difference) for d in differences] == [("score", 0.0)]
