"""`jupyter mlx reproduce` as a user types it, with no server running: the reproduction runs
in the command's process and the metrics of both runs are printed side by side."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from commands import clean_env, finish, launch
from condachannel import build_channel, build_python_launcher
from test_cli_jobs import write_notebook

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

TRAIN = (
    "%load_ext jupyter_mlx\n%mlx_track\nimport mlflow\n"
    "mlflow.log_metric('score', epochs * lr)\nmlflow.log_metric('rows', 3)"
)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``jupyter mlx ARGS... --root-dir=ROOT`` typed in ``root``."""
    return finish(launch(root, [*args, f"--root-dir={root}"], clean_env()))


def test_reproduce_runs_a_job_again_on_its_lock_and_prints_equal_metrics(tmp_path: Path) -> None:
    # Given an environment with a Python, locked and installed with the CLI,
    build_python_launcher(tmp_path / "channel")
    channel = build_channel(tmp_path / "channel")
    root = tmp_path / "root"
    (root / "envs/lab").mkdir(parents=True)
    (root / "envs/lab/environment.yml").write_text(
        f"name: lab\nchannels: [{channel}]\ndependencies: [pylaunch, gamma]\n"
    )
    write_notebook(root / "train.ipynb", TRAIN, "%mlx_track --stop")
    assert run(root, "env", "lock", "lab").returncode == 0
    assert run(root, "env", "install", "lab").returncode == 0
    # and a job run on it,
    first = run(root, "run", "train.ipynb", "--env", "lab", "-p", "epochs", "4", "--json")
    assert first.returncode == 0, first.stderr
    original = json.loads(first.stdout)
    assert original["environment"] == "lab"

    # when it is reproduced,
    again = run(root, "reproduce", original["mlflow_run_id"], "--json")

    # then a second run ran with the same values and lock, and every metric is equal.
    assert again.returncode == 0, again.stderr
    answer = json.loads(again.stdout)
    rerun = answer["job_run"]
    assert rerun["status"] == "succeeded"
    assert rerun["trigger"] == "reproduce"
    assert rerun["parameters"] == original["parameters"]
    assert rerun["environment_lock_sha256"] == original["environment_lock_sha256"]
    assert answer["warnings"] == []
    assert {m["key"]: m["difference"] for m in answer["metrics"]} == {"score": 0.0, "rows": 0.0}


def test_reproduce_of_an_unknown_run_is_refused(tmp_path: Path) -> None:
    write_notebook(tmp_path / "train.ipynb", "x = 1")
    assert run(tmp_path, "run", "train.ipynb").returncode == 0

    refused = run(tmp_path, "reproduce", "0123456789abcdef0123456789abcdef")

    assert refused.returncode == 2
    assert refused.stderr.startswith("error: ")
    assert len(refused.stderr.strip().splitlines()) == 1


def test_the_metric_table_shows_both_values_and_the_difference() -> None:
    from jupyter_mlx.cli import format_metric_differences
    from jupyter_mlx.jobs.schemas import MetricDifference

    table = format_metric_differences(
        [
            MetricDifference(key="loss", original=0.5, reproduced=0.25, difference=-0.25),
            MetricDifference(key="rows", original=3.0, reproduced=None, difference=None),
        ]
    ).splitlines()

    assert table[0].split() == ["METRIC", "ORIGINAL", "REPRODUCED", "DIFFERENCE"]
    assert table[1].split() == ["loss", "0.5", "0.25", "-0.25"]
    assert table[2].split() == ["rows", "3", "-", "-"]
