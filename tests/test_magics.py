"""%load_ext jupyter_mlx, %mlx_status, %mlx_track and %mlx_runs in an IPython shell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from IPython.core.error import UsageError
from IPython.testing import globalipapp

from jupyter_mlx.config import Settings
from jupyter_mlx.services import Services
from jupyter_mlx.store import Store


@pytest.fixture(scope="module")
def ip():
    globalipapp.start_ipython()  # once per process; later calls return None
    shell = globalipapp.get_ipython()
    yield shell
    shell.run_line_magic("unload_ext", "jupyter_mlx")


def test_load_ext_registers_the_magics(ip) -> None:
    ip.run_line_magic("load_ext", "jupyter_mlx")

    assert "mlx_status" in ip.magics_manager.magics["line"]


def test_mlx_status_shows_the_kernels_workspace(
    ip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / ".mlx"
    Services.from_settings(Settings.resolve(tmp_path)).close()
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(workspace))
    ip.run_line_magic("load_ext", "jupyter_mlx")

    status = ip.run_line_magic("mlx_status", "")

    assert status.status.workspace == str(workspace)
    html = status._repr_html_()
    assert "<th style='text-align:left'>Workspace</th>" in html
    assert f"ok (revision {Store.head_revision()})" in html
    assert f"workspace     {workspace}" in repr(status)


# -- tracking -------------------------------------------------------------------------------------

# MLflow 3.17's SQLAlchemy tracking store configures a relationship with the ``noload`` loader
# strategy, which SQLAlchemy 2.1 deprecates; the warning comes from MLflow's code on the first
# use of a SQLite store in the process, not from ours.
ignore_mlflow_noload = pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)

KERNEL_VARS = (
    "MLX_NOTEBOOK_PATH",
    "JPY_SESSION_NAME",
    "MLX_JOB_ID",
    "MLFLOW_EXPERIMENT_ID",
    "MLFLOW_RUN_ID",
)


@pytest.fixture
def notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mlflow_state: None) -> Iterator[Path]:
    """A notebook under a server root, the kernel environment of a job running it, and cleanup
    of what MLflow's fluent API and this kernel's session keep between cells."""

    from jupyter_mlx.tracking.session import kernel_session

    for name in KERNEL_VARS:
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "root"
    path = root / "train.ipynb"
    path.parent.mkdir()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("lr = 0.1")
    cell.metadata.tags = ["parameters"]
    nb.cells.append(cell)
    nbformat.write(nb, path)
    monkeypatch.setenv("MLX_ROOT_DIR", str(root))
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(root / ".mlx"))
    monkeypatch.setenv("MLX_NOTEBOOK_PATH", str(path))
    yield path
    while kernel_session().run is not None:
        kernel_session().stop()


@pytest.fixture
def notebook_unknown(ip, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """A kernel that cannot tell its notebook, with the magics loaded."""
    for name in KERNEL_VARS:
        monkeypatch.delenv(name, raising=False)
    ip.run_line_magic("load_ext", "jupyter_mlx")
    capsys.readouterr()
    return ip


def test_track_without_a_notebook_path_says_so_in_one_line(
    notebook_unknown, capsys: pytest.CaptureFixture[str]
) -> None:
    ip = notebook_unknown
    assert ip.run_line_magic("mlx_track", "") is None

    assert capsys.readouterr().out == (
        "mlx: This kernel does not know its notebook: pass `--notebook PATH` "
        "(or set $MLX_NOTEBOOK_PATH).\n"
    )


def test_stop_with_nothing_tracked_says_so_in_one_line(
    ip, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.run_line_magic("load_ext", "jupyter_mlx")
    capsys.readouterr()

    ip.run_line_magic("mlx_track", "--stop")

    assert capsys.readouterr().out == (
        "mlx: No run is tracked in this kernel: start one with `%mlx_track`.\n"
    )


def test_bad_arguments_are_usage_errors_naming_the_argument(ip) -> None:
    ip.run_line_magic("load_ext", "jupyter_mlx")

    with pytest.raises(UsageError, match="--max: Input should be greater than or equal to 1"):
        ip.run_line_magic("mlx_runs", "--max 0")
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        ip.run_line_magic("mlx_status", "--bogus")
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        ip.run_line_magic("mlx_track", "--bogus")


def test_cell_magic_always_runs_its_cell(
    notebook_unknown, capsys: pytest.CaptureFixture[str]
) -> None:
    ip = notebook_unknown
    # Given a kernel that cannot tell its notebook, or arguments tracking cannot use,
    value = ip.run_cell_magic("mlx_track", "", "ran = 'yes'\nran * 2")
    ip.run_cell_magic("mlx_track", "--stop", "stopped = True")
    ip.run_cell_magic("mlx_track", "--bogus", "bogus = True")
    # then each cell still runs, and its exceptions still reach the user
    with pytest.raises(ZeroDivisionError):
        ip.run_cell_magic("mlx_track", "", "1 / 0")

    assert value == "yesyes" and ip.user_ns["stopped"] and ip.user_ns["bogus"]
    assert capsys.readouterr().out.splitlines() == [
        "mlx: This kernel does not know its notebook: pass `--notebook PATH` "
        "(or set $MLX_NOTEBOOK_PATH). The cell runs untracked.",
        "mlx: --stop applies to the line magic: `%mlx_track --stop`. The cell runs untracked.",
        "mlx: unrecognized arguments: --bogus. The cell runs untracked.",
        "mlx: This kernel does not know its notebook: pass `--notebook PATH` "
        "(or set $MLX_NOTEBOOK_PATH). The cell runs untracked.",
    ]


@ignore_mlflow_noload
def test_cell_magic_tracks_one_cell(ip, notebook: Path, capsys: pytest.CaptureFixture[str]):
    from mlflow.tracking import MlflowClient

    ip.run_line_magic("load_ext", "jupyter_mlx")
    capsys.readouterr()
    ip.user_ns["lr"] = 0.25

    # A cell that succeeds: its names stay defined and its last value is the result
    value = ip.run_cell_magic(
        "mlx_track",
        '--run-name "ok cell" --no-autolog',
        "import mlflow\nmlflow.log_metric('m', 1)\nx = 41\nx + 1",
    )
    # A cell that fails: the exception reaches the user, the run is FAILED
    with pytest.raises(ZeroDivisionError):
        ip.run_cell_magic("mlx_track", "--run-name failing --no-autolog", "1 / 0")

    assert value == 42 and ip.user_ns["x"] == 41
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("MLflow run 'ok cell' (") and out[0].endswith(": RUNNING")
    assert out[1].startswith("mlx: Run 'ok cell' (") and out[1].endswith(
        "FINISHED; notebook snapshot notebook/train.ipynb."
    )
    assert "FAILED" in out[3]
    client = MlflowClient(tracking_uri=f"sqlite:///{notebook.parent / '.mlx' / 'mlflow.db'}")
    frame = ip.run_line_magic("mlx_runs", "--filter \"params.lr = '0.25'\"")
    assert list(frame.run_name) == ["failing", "ok cell"]
    assert list(frame.status) == ["FAILED", "FINISHED"]
    ok = client.get_run(frame.run_id[1])
    assert ok.data.params == {"lr": "0.25"} and ok.data.metrics == {"m": 1.0}


@ignore_mlflow_noload
def test_track_records_declared_inputs_with_their_hashes(
    ip, notebook: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from mlflow.tracking import MlflowClient

    from jupyter_mlx.tracking.inputs import read_inputs
    from jupyter_mlx.tracking.schemas import RunInput
    from jupyter_mlx.tracking.session import kernel_session

    # Given a kernel in its notebook's folder, next to a data file,
    root = notebook.parent
    (root / "data.csv").write_text("x\n1\n")
    monkeypatch.chdir(root)
    ip.run_line_magic("load_ext", "jupyter_mlx")
    capsys.readouterr()

    # a missing input starts no run, and says so in one line;
    ip.run_line_magic("mlx_track", "--input missing.csv --no-autolog")
    assert capsys.readouterr().out == "mlx: Input 'missing.csv' does not exist.\n"
    assert kernel_session().run is None

    # declared inputs are recorded on the run with their hashes, named from the root.
    ip.run_line_magic("mlx_track", "--input data.csv --input ./data.csv --no-autolog")
    run = kernel_session().run
    assert run is not None
    digest = hashlib.sha256(b"x\n1\n").hexdigest()
    assert f"mlx: Recorded the inputs data.csv (file, sha256 {digest[:12]})." in (
        capsys.readouterr().out.splitlines()
    )
    ip.run_line_magic("mlx_track", "--stop")
    client = MlflowClient(tracking_uri=f"sqlite:///{root / '.mlx' / 'mlflow.db'}")
    recorded = read_inputs(client.get_run(run.run_id))
    assert recorded == [RunInput(path="data.csv", sha256=digest, kind="file")]
