"""`jupyter mlx run` and `jupyter mlx jobs ...` as a user types them, with no server running:
runs execute in the command's own process, recorded in the workspace of ``--root-dir``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from commands import clean_env, finish, launch
from nbformat.v4 import new_code_cell, new_notebook

PARAMETERS = "epochs = 3\nlr = 0.1\nname = 'bob'\nday = '2024-01-01'\nflag = False\nopts = {'a': 1}"
PRINTS = "print(epochs, lr, name, day, flag, opts)"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def write_notebook(path: Path, *sources: str) -> None:
    """A python3 notebook: the ``parameters`` cell, then ``sources``."""
    cells = [new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})]
    cells.extend(new_code_cell(source) for source in sources)
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    """``jupyter mlx COMMAND --root-dir=ROOT ARGS...`` typed in ``root``."""
    words = 2 if args[0] == "jobs" else 1
    return launch(root, [*args[:words], f"--root-dir={root}", *args[words:]], clean_env())


def jupyter_mlx(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return finish(start(root, *args))


def jupyter_mlx_each(
    *commands: tuple[Path, tuple[str, ...]],
) -> list[subprocess.CompletedProcess[str]]:
    """Several commands at once, each in its own process (the CLI's start dominates)."""
    children = [start(root, *args) for root, args in commands]
    return [finish(child) for child in children]


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.splitlines()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A server root with a notebook that prints its parameters and one that fails; its
    workspace is shared by the runs of this module (the MLflow store is created once)."""
    folder = tmp_path_factory.mktemp("jobs-root")
    write_notebook(folder / "nb.ipynb", PRINTS)
    write_notebook(folder / "fails.ipynb", "raise ValueError('bad')")
    (folder / "data").mkdir()
    (folder / "data" / "train.csv").write_text("x,y\n1,2\n")
    return folder


@pytest.fixture(scope="module")
def succeeded(root: Path) -> subprocess.CompletedProcess[str]:
    return jupyter_mlx(
        root,
        "run",
        "nb.ipynb",
        "-p",
        "epochs",
        "5",
        "-p",
        "day",
        "2024-01-01",
        "--input",
        "data/",
        "--json",
    )


@pytest.fixture(scope="module")
def failed(root: Path, succeeded) -> subprocess.CompletedProcess[str]:
    return jupyter_mlx(root, "run", "fails.ipynb", "--json")


@pytest.mark.slow
def test_run_executes_the_notebook_with_typed_parameters(succeeded) -> None:
    assert succeeded.returncode == 0, succeeded.stderr
    run = json.loads(succeeded.stdout)
    assert run["id"]
    assert (run["status"], run["attempt"], run["error"]) == ("succeeded", 1, None)
    assert run["parameters"] == {"epochs": 5, "day": "2024-01-01"}
    assert isinstance(run["parameters"]["epochs"], int)
    assert run["mlflow_run_id"]
    assert (run["inputs"], run["environment"]) == (["data"], None)
    executed = nbformat.read(run["output_path"], as_version=4)
    printed = "".join(
        output.get("text", "") for cell in executed.cells for output in cell.get("outputs", [])
    )
    assert "5 0.1 bob 2024-01-01 False {'a': 1}" in printed


@pytest.mark.slow
def test_a_failing_notebook_exits_1_naming_the_cell(failed) -> None:
    run = json.loads(failed.stdout)
    error = run["error"]

    assert (failed.returncode, run["status"]) == (1, "failed")
    assert error_lines(failed) == [f"error: job run {run['id']} failed: {error['message']}"]
    assert (error["ename"], error["evalue"]) == ("ValueError", "bad")
    executed = nbformat.read(run["output_path"], as_version=4)
    assert executed.cells[error["cell_index"]].source == "raise ValueError('bad')"


@pytest.mark.slow
def test_a_parameters_file_gives_values_and_p_overrides_it(root: Path, succeeded) -> None:
    (root / "params.yaml").write_text("epochs: 7\nname: alice\nlr: 0.5\n")

    result = jupyter_mlx(
        root, "run", "nb.ipynb", "-f", "params.yaml", "-p", "epochs", "9", "--json"
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["parameters"] == {"epochs": 9, "name": "alice", "lr": 0.5}


@pytest.mark.slow
def test_jobs_commands_list_show_and_refuse_to_stop_a_finished_run(
    root: Path, succeeded, failed
) -> None:
    ok, bad = json.loads(succeeded.stdout), json.loads(failed.stdout)

    listed, only_failed, shown, unknown, stop = jupyter_mlx_each(
        (root, ("jobs", "runs", "--json")),
        (root, ("jobs", "runs", "--status", "failed", "--json")),
        (root, ("jobs", "show", ok["id"], "--json")),
        (root, ("jobs", "show", "0" * 32)),
        (root, ("jobs", "stop", ok["id"])),
    )

    assert listed.returncode == 0, listed.stderr
    runs = {run["id"]: run["status"] for run in json.loads(listed.stdout)}
    assert {ok["id"]: "succeeded", bad["id"]: "failed"}.items() <= runs.items()
    assert [run["id"] for run in json.loads(only_failed.stdout)] == [bad["id"]]
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == ok
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert error_lines(unknown) == [f"error: No job definition or job run {'0' * 32!r}."]
    assert (stop.returncode, stop.stdout) == (2, "")
    [line] = error_lines(stop)
    assert line.startswith("error: ") and "ended" in line


def test_refused_runs_exit_2_in_one_line_and_create_nothing(tmp_path: Path) -> None:
    commands = {
        "unknown parameter": ("run", "nb.ipynb", "-p", "batch", "3"),
        "wrong type": ("run", "nb.ipynb", "-p", "epochs", "x"),
        "missing notebook": ("run", "gone.ipynb"),
        "-p with one word": ("run", "nb.ipynb", "-p", "epochs"),
    }
    folders = {}
    for index, case in enumerate(commands):
        folders[case] = tmp_path / f"root-{index}"
        folders[case].mkdir()
        write_notebook(folders[case] / "nb.ipynb", PRINTS)

    results = jupyter_mlx_each(*((folders[case], args) for case, args in commands.items()))

    outcomes = {
        case: (
            result.returncode,
            result.stdout,
            len(error_lines(result)),
            result.stderr.startswith("error: "),
            sorted(os.listdir(folders[case])),
        )
        for case, result in zip(commands, results, strict=True)
    }
    assert outcomes == {case: (2, "", 1, True, ["nb.ipynb"]) for case in commands}
    assert "'batch'" in results[0].stderr
    assert "'epochs' takes an integer" in results[1].stderr
    assert "'gone.ipynb'" in results[2].stderr
    assert "-p takes a name and a value" in results[3].stderr


def test_runs_on_an_environment_not_ready_or_on_missing_data_are_refused_with_the_fix(
    tmp_path: Path,
) -> None:
    not_locked = (
        "Environment 'demo' is not locked: run `jupyter mlx env lock demo`, then "
        "`jupyter mlx env install demo`."
    )
    commands = {
        "environment not locked": (("run", "nb.ipynb", "--env", "demo"), f"--env: {not_locked}"),
        "definition on it": (
            ("jobs", "create", "nb.ipynb", "--env", "demo"),
            f"--env: {not_locked}",
        ),
        "kernel and environment": (
            ("run", "nb.ipynb", "--kernel", "python3", "--env", "demo"),
            "--env: Give a kernel or an environment, not both: an environment runs on its own "
            "kernel.",
        ),
        "missing data": (
            ("run", "nb.ipynb", "--input", "missing.csv"),
            "--input: Input 'missing.csv' does not exist.",
        ),
    }
    folders = {}
    for index, case in enumerate(commands):
        folders[case] = tmp_path / f"root-{index}"
        (folders[case] / "envs" / "demo").mkdir(parents=True)
        write_notebook(folders[case] / "nb.ipynb", PRINTS)
        (folders[case] / "envs" / "demo" / "requirements.in").write_text("# name: demo\nsix\n")

    results = jupyter_mlx_each(*((folders[case], args) for case, (args, _) in commands.items()))

    outcomes = {
        case: (
            result.returncode,
            result.stdout,
            error_lines(result),
            sorted(os.listdir(folders[case])),
        )
        for case, result in zip(commands, results, strict=True)
    }
    assert outcomes == {
        case: (2, "", [f"error: {line}"], ["envs", "nb.ipynb"])
        for case, (_, line) in commands.items()
    }


def test_jobs_runs_without_a_workspace_is_refused_and_creates_none(tmp_path: Path) -> None:
    result = jupyter_mlx(tmp_path, "jobs", "runs")

    assert (result.returncode, result.stdout) == (2, "")
    [line] = error_lines(result)
    assert line.startswith("error: No jupyter-mlx workspace at ")
    assert os.listdir(tmp_path) == []
