"""Sweeps executed in real kernels: a grid nested under one parent MLflow run with its best
trial, an Optuna search minimising a logged metric, a metric never logged, and a stop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from jobnotebooks import write_notebook
from test_jobs_service import running_jobs

from jupyter_mlx.jobs.schemas import CreateSweepRequest, Sweep, SweepParameter
from jupyter_mlx.services import Services

pytestmark = pytest.mark.slow

#: Logs loss = (x - 2)^2 + lr to the job's MLflow run.
TRACKED = (
    "%load_ext jupyter_mlx\n%mlx_track\nimport mlflow\n"
    "mlflow.log_metric('loss', (x - 2) ** 2 + lr)\n%mlx_track --stop"
)


async def until_done(services: Services, sweep: Sweep, timeout: float = 120) -> Sweep:
    deadline = time.monotonic() + timeout
    while sweep.status == "running":
        assert time.monotonic() < deadline, f"sweep still running: {sweep.done}/{sweep.total}"
        await asyncio.sleep(0.2)
        sweep = await services.sweeps.get(sweep.id)
    return sweep


def notebook(root: Path, *cells: str) -> None:
    write_notebook(root / "nb.ipynb", *cells, parameters="x = 1\nlr = 0.1")


async def test_a_grid_runs_every_combination_nested_under_one_run_and_names_the_best(
    tmp_path: Path,
) -> None:
    notebook(tmp_path, TRACKED)
    async with running_jobs(tmp_path) as services:
        # Given a 2x2 grid over x and lr ranking trials by their loss,
        sweep = await services.sweeps.create(
            CreateSweepRequest(
                notebook="nb.ipynb",
                parameters={
                    "x": SweepParameter(values=[1, 2]),
                    "lr": SweepParameter(low=0.1, high=0.2, step=0.1),
                },
                metric="loss",
            )
        )
        assert [t.values for t in sweep.trials] == [
            {"x": 1, "lr": 0.1},
            {"x": 1, "lr": 0.2},
            {"x": 2, "lr": 0.1},
            {"x": 2, "lr": 0.2},
        ]
        # when it has run,
        sweep = await until_done(services, sweep)

        # then four runs succeeded, each with the loss its values give,
        assert sweep.status == "succeeded" and sweep.done == 4
        assert [t.run.status for t in sweep.trials] == ["succeeded"] * 4
        assert [t.objective for t in sweep.trials] == pytest.approx([1.1, 1.2, 0.1, 0.2])
        # the best is x=2, lr=0.1,
        assert sweep.best is not None and sweep.best.values == {"x": 2, "lr": 0.1}
        # and the trials' MLflow runs nest under the sweep's run, which holds the best loss.
        client = services.tracking.connection.client
        for trial in sweep.trials:
            tags = client.get_run(trial.run.mlflow_run_id).data.tags
            assert tags["mlflow.parentRunId"] == sweep.mlflow_run_id
            assert tags["mlx.sweep.id"] == sweep.id
        parent = client.get_run(sweep.mlflow_run_id)
        assert parent.info.status == "FINISHED"
        assert parent.data.metrics["best_loss"] == pytest.approx(0.1)
        assert parent.data.tags["mlx.sweep.best_run_id"] == sweep.best.run.mlflow_run_id


async def test_an_optuna_search_minimises_a_logged_metric(tmp_path: Path) -> None:
    notebook(tmp_path, TRACKED)
    async with running_jobs(tmp_path) as services:
        sweep = await services.sweeps.create(
            CreateSweepRequest(
                notebook="nb.ipynb",
                parameters={"x": SweepParameter(low=0, high=4), "lr": SweepParameter(values=[0.1])},
                strategy="optuna",
                trials=3,
                metric="loss",
                direction="minimize",
                max_concurrent_runs=1,
                seed=7,
            )
        )
        sweep = await until_done(services, sweep)
        assert sweep.status == "succeeded" and sweep.done == 3
        objectives = [t.objective for t in sweep.trials]
        assert all(value is not None for value in objectives)
        # The loss each trial reports is the one its values give, and the best is the lowest.
        for trial in sweep.trials:
            assert trial.objective == pytest.approx((trial.values["x"] - 2) ** 2 + 0.1)
        assert sweep.best is not None and sweep.best.objective == min(objectives)
        # The study in the workspace holds the three trials as Optuna saw them.
        import optuna

        study = optuna.load_study(
            study_name=sweep.id, storage=f"sqlite:///{tmp_path / '.mlx' / 'optuna.db'}"
        )
        assert study.best_value == pytest.approx(sweep.best.objective)
        assert len(study.trials) == 3


async def test_an_optuna_metric_the_notebook_never_logs_fails_the_sweep_at_once(
    tmp_path: Path,
) -> None:
    notebook(tmp_path, "print(x, lr)")
    async with running_jobs(tmp_path) as services:
        sweep = await services.sweeps.create(
            CreateSweepRequest(
                notebook="nb.ipynb",
                parameters={"x": SweepParameter(values=[1, 2, 3])},
                strategy="optuna",
                trials=5,
                metric="loss",
                max_concurrent_runs=1,
            )
        )
        sweep = await until_done(services, sweep)
        assert sweep.status == "failed"
        assert sweep.error is not None and "never logged the metric 'loss'" in sweep.error
        # It stopped after the first such trial.
        assert len(sweep.trials) == 1
        assert sweep.trials[0].error is not None and "never logged" in sweep.trials[0].error


async def test_stop_ends_the_remaining_trials(tmp_path: Path) -> None:
    notebook(tmp_path, "import time\ntime.sleep(60)")
    async with running_jobs(tmp_path) as services:
        sweep = await services.sweeps.create(
            CreateSweepRequest(
                notebook="nb.ipynb",
                parameters={"x": SweepParameter(values=[1, 2, 3, 4])},
                max_concurrent_runs=1,
            )
        )
        deadline = time.monotonic() + 60
        while (await services.sweeps.get(sweep.id)).trials[0].run.status != "running":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        stopped = await services.sweeps.stop(sweep.id)
        assert stopped.status == "stopped"
        assert [t.run.status for t in stopped.trials] == ["stopped"] * 4
        parent = services.tracking.connection.client.get_run(stopped.mlflow_run_id)
        assert parent.info.status == "KILLED"
