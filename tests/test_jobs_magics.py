"""``%mlx_run`` and ``%mlx_jobs`` in a kernel of a server with jupyter-mlx: the notebook as
saved is submitted through the server's API, and its status followed to its end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from jobnotebooks import write_notebook

from jupyter_mlx.magics import register_magics, unregister_magics

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Server]:
    home = tmp_path_factory.mktemp("magics")
    root = home / "root"
    write_notebook(root / "nb.ipynb", "print('epochs', epochs)")
    running = servers.start_server(
        home / "jupyter", root, f"--MLXApp.workspace_dir={root / '.mlx'}"
    )
    yield running
    running.stop()


@pytest.fixture
def shell(server: servers.Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[InteractiveShell]:
    """A shell whose environment is that of a kernel the server started for nb.ipynb."""
    root = Path(server.log).parent.parent / "root"
    monkeypatch.setenv("MLX_SERVER_URL", server.api.removesuffix("mlx/api/"))
    monkeypatch.setenv("MLX_SERVER_TOKEN", server.token)
    monkeypatch.setenv("MLX_ROOT_DIR", str(root))
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(root / ".mlx"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / '.mlx' / 'mlflow.db'}")
    monkeypatch.setenv("MLX_NOTEBOOK_PATH", "nb.ipynb")
    globalipapp.start_ipython()
    ipython = globalipapp.get_ipython()
    register_magics(ipython)
    yield ipython
    unregister_magics(ipython)


def test_mlx_run_submits_this_notebook_and_waits_for_its_end(
    shell: InteractiveShell, server: servers.Server, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("mlx_run", "-p epochs 5 --wait")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("mlx: Job run ") and lines[0].endswith(" of nb.ipynb: queued")
    assert lines[-1].endswith(" of nb.ipynb: succeeded")
    run_id = lines[-1].split()[3]
    listed = server.get("job-runs").json()["runs"]
    (run,) = [r for r in listed if r["id"].startswith(run_id)]
    assert run["parameters"] == {"epochs": 5}

    shell.run_line_magic("mlx_jobs", "--status succeeded")
    assert f"Job run {run_id} of nb.ipynb: succeeded" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "-p epochs x",
            "mlx: Parameter 'epochs' takes an integer (its default is 3), not \"x\".\n",
        ),
        ("-p batch 32", "mlx: Unknown parameter 'batch'; the notebook's parameters are: "),
        ("--timeout -1", "mlx: --timeout: Input should be greater than 0\n"),
    ],
)
def test_refused_input_is_one_line_and_nothing_is_queued(
    shell: InteractiveShell,
    server: servers.Server,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
) -> None:
    before = server.get("job-runs").json()["total"]
    shell.run_line_magic("mlx_run", line)
    out = capsys.readouterr().out
    assert out.startswith(message) and out.count("\n") == 1
    assert server.get("job-runs").json()["total"] == before


def test_without_a_server_the_magic_says_so_in_one_line(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MLX_SERVER_URL", "http://127.0.0.1:9/")
    shell.run_line_magic("mlx_run", "")
    out = capsys.readouterr().out
    assert out.startswith("mlx: No jupyter-mlx server serves ") and out.count("\n") == 1
