"""`jupyter mlx`: the facts of GET /mlx/api/config and the workspace's runs, from a shell, with
one exit-status convention (0 done, 1 failed, 2 refused input in one line on stderr)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from jupyter_mlx import __version__
from jupyter_mlx.config import Settings
from jupyter_mlx.services import Services
from jupyter_mlx.store import Store


def jupyter_mlx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlx.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def jupyter_mlx_each(*commands: str, cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """Run several command lines at once, each in its own process (the CLI's start dominates)."""
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "jupyter_mlx.cli", *shlex.split(command)],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        results = []
        for command, child in zip(commands, children, strict=True):
            out, err = child.communicate(timeout=60)
            results.append(subprocess.CompletedProcess(command, child.returncode, out, err))
        return results
    finally:
        for child in children:
            child.kill()
            child.wait()


def test_status_json_of_a_migrated_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    Services.from_settings(Settings.resolve(tmp_path, workspace=workspace)).close()

    result = jupyter_mlx("status", "--json", f"--workspace={workspace}", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["version"] == __version__
    assert status["workspace"] == str(workspace.resolve())
    assert status["root_dir"] == str(tmp_path.resolve())
    assert status["store"]["healthy"] is True
    assert status["store"]["revision"] == Store.head_revision()


def test_status_text_of_a_fresh_folder_says_the_store_is_missing(tmp_path: Path) -> None:
    result = jupyter_mlx("status", cwd=tmp_path)

    assert result.returncode == 1
    assert "store health  unhealthy: The store has not been created yet." in result.stdout
    assert f"workspace     {tmp_path.resolve() / '.mlx'}" in result.stdout
    assert not (tmp_path / ".mlx").exists()


def test_status_reads_the_server_configuration_file(tmp_path: Path) -> None:
    # Given a jupyter_server_config.py that moves the workspace and the tracking server,
    (tmp_path / "jupyter_server_config.py").write_text(
        f"c.MLXApp.workspace_dir = {str(tmp_path / 'team')!r}\n"
        "c.MLXApp.tracking_uri = 'http://ann:pw@mlflow.internal:5000'\n"
    )

    # when status runs with that config,
    result = jupyter_mlx(
        "status", "--json", f"--config={tmp_path / 'jupyter_server_config.py'}", cwd=tmp_path
    )

    # then it reports the configured places, credentials redacted.
    status = json.loads(result.stdout)
    assert status["workspace"] == str(tmp_path / "team")
    assert status["tracking_uri"] == "http://ann:***@mlflow.internal:5000"


def test_without_a_subcommand_the_help_lists_them(tmp_path: Path) -> None:
    top, runs = jupyter_mlx_each("", "runs", cwd=tmp_path)

    assert (top.returncode, runs.returncode) == (1, 1)
    assert (
        "Subcommands: endpoints, env, jobs, models, reproduce, run, runs, scheduler, serve, "
        "status, sweep" in top.stderr
    )
    assert "Subcommands: list, show" in runs.stderr


#: Command lines refused before any work, and the one line each prints on stderr.
REFUSED = {
    "foo": (
        "unknown command 'foo'; commands: endpoints, env, jobs, models, reproduce, run, runs, "
        "scheduler, serve, status, sweep"
    ),
    "runs lst": "unknown command 'runs lst'; commands: runs list, runs show",
    "--log-level=ERROR status": "the command comes first: `jupyter mlx status [options]`",
    "runs list --bogus": "unknown option '--bogus'; see `jupyter mlx runs list --help`",
    "runs list --bogus=3": "unknown option '--bogus'; see `jupyter mlx runs list --help`",
    "status -json": "unknown option '-json'; see `jupyter mlx status --help`",
    "runs list --max=x": "--max: expected an int, not 'x'",
    "runs list --max": "option '--max' needs a value (`--max=VALUE`)",
    "runs list --notebook -a.ipynb": "option '--notebook' needs a value (`--notebook=VALUE`)",
    "status --json=yes": "option '--json' takes no value",
    "status extra": "unexpected argument 'extra'; see `jupyter mlx status --help`",
    "runs show": "Give exactly one RUN_ID.",
}


def test_refused_input_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    results = jupyter_mlx_each(*REFUSED, cwd=tmp_path)

    outcomes = {r.args: (r.returncode, r.stdout, r.stderr) for r in results}
    assert outcomes == {command: (2, "", f"error: {line}\n") for command, line in REFUSED.items()}
    assert os.listdir(tmp_path) == []


def test_each_command_documents_its_exit_status(tmp_path: Path) -> None:
    results = jupyter_mlx_each("--help", "status --help", "runs list --help", cwd=tmp_path)

    assert [r.returncode for r in results] == [0, 0, 0]
    top, status, runs_list = (" ".join(r.stdout.split()) for r in results)
    assert "1 when the work it ran failed; 2 when its input is refused" in top
    assert "Exit status: 0 when the store is healthy; 1 when it is missing" in status
    assert "Exit status: 0 on success; 1 when the tracking store cannot be reached" in runs_list


def test_runs_list_json_and_text_of_a_notebook(tmp_path: Path) -> None:
    from mlflow_data import seed_runs

    runs = seed_runs(tmp_path / ".mlx")

    as_json = jupyter_mlx("runs", "list", "--notebook=train.ipynb", "--json", cwd=tmp_path)
    as_text = jupyter_mlx("runs", "list", "--notebook=train.ipynb", "--max=1", cwd=tmp_path)

    assert as_json.returncode == 0, as_json.stderr
    assert [r["run_id"] for r in json.loads(as_json.stdout)["runs"]] == [runs.second, runs.first]
    header, row = as_text.stdout.splitlines()
    assert header.split()[:3] == ["RUN", "ID", "NAME"]
    assert row.startswith(f"{runs.second}  run-1")
    assert "accuracy=0.6, loss=1.167" in row


def test_runs_show_and_its_errors(tmp_path: Path) -> None:
    from mlflow_data import seed_runs

    runs = seed_runs(tmp_path / ".mlx")

    shown = jupyter_mlx("runs", "show", runs.first, cwd=tmp_path)
    missing = jupyter_mlx("runs", "show", "0" * 32, cwd=tmp_path)
    bad_filter = jupyter_mlx("runs", "list", "--filter=metrics.loss <<< 1", cwd=tmp_path)

    assert shown.returncode == 0, shown.stderr
    assert "notebook     train.ipynb" in shown.stdout
    assert "  lr = 0.1" in shown.stdout
    assert f"environment  base (lock {'ab' * 32})" in shown.stdout
    assert (missing.returncode, missing.stderr.strip().splitlines()[-1]) == (
        2,
        f"error: Run with id={'0' * 32} not found",
    )
    assert bad_filter.returncode == 2
    assert bad_filter.stderr.strip().splitlines()[-1].startswith("error: filter: ")
