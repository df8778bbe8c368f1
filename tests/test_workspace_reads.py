"""Reads create nothing: the CLI and the magics refuse a folder without a workspace in one line,
read a remote tracking store without one, and every face finds the same workspace."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from IPython.testing import globalipapp

REPO_ROOT = Path(__file__).resolve().parents[1]


def jupyter_mlx(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlx.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def no_workspace_line(folder: Path) -> str:
    return (
        f"No jupyter-mlx workspace in {folder.resolve()} (no .mlx/ folder): start JupyterLab "
        "there, or track a run with %mlx_track, to create one."
    )


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment that reads no Jupyter configuration or runtime files of this machine."""
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "jupyter-runtime"))
    return dict(os.environ)


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A folder without a workspace, and none above it."""
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def closed_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the CLI ----------------------------------------------------------------------------------


def test_run_reads_refuse_a_folder_without_a_workspace_and_create_nothing(
    empty: Path, isolated: dict[str, str]
) -> None:
    listed = jupyter_mlx("runs", "list", "--json", cwd=empty, env=isolated)
    shown = jupyter_mlx("runs", "show", "0" * 32, cwd=empty, env=isolated)

    for result in (listed, shown):
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"error: {no_workspace_line(empty)}\n"
    assert os.listdir(empty) == []


def test_a_remote_tracking_store_needs_no_workspace_and_its_failure_exits_1(
    empty: Path, isolated: dict[str, str]
) -> None:
    uri = f"http://127.0.0.1:{closed_port()}"

    result = jupyter_mlx("runs", "list", f"--tracking-uri={uri}", cwd=empty, env=isolated)

    # Not refused for the missing workspace: the command ran, and failed to reach the store.
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"error: The MLflow tracking store {uri} cannot be reached: ")
    assert len(result.stderr.splitlines()) == 1
    assert os.listdir(empty) == []


# -- the magics in an IPython shell -----------------------------------------------------------


@pytest.fixture(scope="module")
def ip() -> Iterator[object]:
    globalipapp.start_ipython()  # once per process; later calls return None
    shell = globalipapp.get_ipython()
    shell.run_line_magic("load_ext", "jupyter_mlx")
    yield shell
    shell.run_line_magic("unload_ext", "jupyter_mlx")


@pytest.mark.parametrize(
    "line",
    ["--notebook train.ipynb", "--compare 0123456789abcdef 0123456789abcdee"],
)
def test_mlx_runs_refuses_a_folder_without_a_workspace_and_creates_nothing(
    ip,
    empty: Path,
    isolated: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    line: str,
) -> None:
    monkeypatch.chdir(empty)
    capsys.readouterr()

    result = ip.run_line_magic("mlx_runs", line)

    assert result is None
    assert capsys.readouterr().out == f"mlx: {no_workspace_line(empty)}\n"
    assert os.listdir(empty) == []


def test_mlx_status_reports_the_root_of_mlx_root_dir(
    ip,
    tmp_path: Path,
    empty: Path,
    isolated: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a kernel started elsewhere and told its server root,
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.setenv("MLX_ROOT_DIR", str(root))
    capsys.readouterr()

    # when %mlx_status runs in a cell,
    ip.run_cell("%mlx_status")

    # then it prints that root and its workspace, and creates neither.
    printed = capsys.readouterr().out
    assert f"root dir      {root.resolve()}\n" in printed
    assert f"workspace     {root.resolve() / '.mlx'}\n" in printed
    assert "unhealthy: The store has not been created yet." in printed
    assert os.listdir(root) == []
    assert os.listdir(empty) == []


# -- a real kernel ----------------------------------------------------------------------------

TRACKED_CELLS = [
    "import mlflow\nfrom jupyter_mlx.tracking.workspace import use_workspace_tracking",
    "experiment_id = use_workspace_tracking('nbconvert')",
    "with mlflow.start_run() as run:\n    mlflow.log_text('hello', 'note.txt')",
    "print(run.info.run_id)",
]


@pytest.mark.slow
@pytest.mark.timeout(180)
# MLflow 3.17's SQLAlchemy store uses the ``noload`` loader strategy that SQLAlchemy 2.1
# deprecates; the warning is raised inside MLflow when this process opens the SQLite store.
@pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)
def test_a_notebook_run_by_nbconvert_keeps_artifacts_in_its_tracking_uri_workspace(
    tmp_path: Path, isolated: dict[str, str]
) -> None:
    from mlflow.tracking import MlflowClient

    # Given a notebook outside the project and MLFLOW_TRACKING_URI naming the project's store,
    workspace = tmp_path / "project" / ".mlx"
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in TRACKED_CELLS]
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "track.ipynb")
    uri = f"sqlite:///{workspace.as_posix()}/mlflow.db"
    env = {k: v for k, v in isolated.items() if not k.startswith(("MLFLOW_", "MLX_", "JPY_"))}
    env["MLFLOW_TRACKING_URI"] = uri
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))

    # when `jupyter nbconvert --execute` runs it in a real kernel (whose folder is its own),
    proc = subprocess.run(
        [
            sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.timeout=120", "--output", "out.ipynb",
            str(folder / "track.ipynb"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=170,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]

    # then the store, its Default experiment and the kernel's experiment keep their artifacts
    # in the project's workspace, and the notebook's folder gets neither mlruns/ nor .mlx/.
    executed = nbformat.read(folder / "out.ipynb", as_version=4)
    run_id = executed.cells[-1].outputs[0]["text"].strip()
    client = MlflowClient(tracking_uri=uri)
    artifacts = workspace / "artifacts"
    assert client.get_experiment("0").artifact_location == (artifacts / "0").as_uri()
    experiment = client.get_experiment_by_name("nbconvert")
    assert experiment.artifact_location == (artifacts / "nbconvert").as_uri()
    assert (artifacts / "nbconvert" / run_id / "artifacts" / "note.txt").read_text() == "hello"
    assert sorted(os.listdir(folder)) == ["out.ipynb", "track.ipynb"]
    assert client.get_run(run_id).info.artifact_uri.startswith((artifacts / "nbconvert").as_uri())
