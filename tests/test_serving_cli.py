"""`jupyter mlx serve` as a user types it: a model of the workspace's registry served by alias
until Ctrl-C, and refused input (a URI that does not resolve, a port in use) as one line; the
endpoint options of `python -m jupyter_mlx.serving` refused the same way."""

from __future__ import annotations

import json
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from commands import clean_env, finish, launch
from modelruns import log_model_run


def registered(root: Path) -> str:
    """A model ``churn`` in the workspace of ``root`` whose alias ``champion`` names a run's
    model; its ``models:/`` URI."""
    import mlflow

    (root / ".mlx").mkdir(parents=True)
    tracking_uri = f"sqlite:///{root / '.mlx' / 'mlflow.db'}"
    run_id = log_model_run(tracking_uri)
    mlflow.set_tracking_uri(tracking_uri)
    try:
        version = mlflow.register_model(f"runs:/{run_id}/model", "churn")
        mlflow.MlflowClient().set_registered_model_alias("churn", "champion", version.version)
    finally:
        mlflow.set_tracking_uri(None)
    return "models:/churn@champion"


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("error: "), stderr
    return lines[-1].removeprefix("error: ")


def test_serve_a_registered_alias_until_ctrl_c(tmp_path: Path, mlflow_state: None) -> None:
    # Given: a workspace whose registry has churn@champion
    root = tmp_path / "root"
    uri = registered(root)

    # When: the user serves it from another folder, naming the root
    child = launch(tmp_path, ["serve", "--model", uri, f"--root-dir={root}"], clean_env())
    assert child.stdout is not None
    readable, _, _ = select.select([child.stdout], [], [], 60)
    assert readable, "no ready line"
    ready = json.loads(child.stdout.readline())
    response = requests.post(
        f"http://127.0.0.1:{ready['port']}/invocations",
        json={"inputs": [[0.9, 0.1, 0.1], [0.1, 0.5, 0.5]]},
        timeout=30,
    )
    child.send_signal(signal.SIGINT)
    done = finish(child)

    # Then: it answered, and Ctrl-C stopped it cleanly
    assert ready["model_uri"] == uri
    assert response.json() == {"predictions": [1, 0]}
    assert done.returncode == 0, done.stderr


def test_a_uri_that_does_not_resolve_is_refused(tmp_path: Path) -> None:
    done = finish(launch(tmp_path, ["serve", "--model", str(tmp_path / "nothing")], clean_env()))

    assert done.returncode == 2
    assert error_line(done.stderr).startswith(
        f"--model: Model URI '{tmp_path / 'nothing'}' does not resolve"
    )


def test_a_port_in_use_is_refused(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = finish(
            launch(tmp_path, ["serve", "--model", "models:/x@y", f"--port={port}"], clean_env())
        )

    assert done.returncode == 2
    assert error_line(done.stderr) == f"--port: Port {port} on 127.0.0.1 is in use."


def serving_module(tmp_path: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """``python -m jupyter_mlx.serving ARGS`` run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlx.serving", *args],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--canary", "models:/x/2", "--canary-percent", "150"],
            "The canary percent is 150: it must be within 0-100.",
        ),
        (["--canary-percent", "10"], "A canary percent needs a --canary model."),
        (["--reload-interval", "-1"], "The reload interval cannot be negative."),
        (
            ["--name", "bad name"],
            "'bad name' is not an endpoint name: letters, digits, '_', '.' and '-', starting "
            "with a letter or digit, at most 63 characters.",
        ),
        (["--host", "192.0.2.1"], "Cannot listen on 192.0.2.1:0: Cannot assign requested address."),
        (["--canary-percent", "ten"], "argument --canary-percent: invalid int value: 'ten'"),
    ],
)
def test_the_module_refuses_bad_endpoint_options(
    tmp_path: Path, args: list[str], message: str
) -> None:
    done = serving_module(tmp_path, ["--model", "models:/x@y", *args])

    assert done.returncode == 2
    assert error_line(done.stderr) == message
