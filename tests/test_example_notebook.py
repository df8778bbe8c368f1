"""The example notebook runs end to end under papermill and leaves a usable MLflow run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO_ROOT / "examples" / "train_classifier.ipynb"


def _kernel_env(workspace: Path) -> dict[str, str]:
    """Environment of the papermill process, inherited by the kernel it starts.

    As for a job run: the server root is the repository and the kernel is told its notebook.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MLX_", "JPY_"))}
    env["MLX_WORKSPACE_DIR"] = str(workspace)
    env["MLX_ROOT_DIR"] = str(REPO_ROOT)
    env["MLX_NOTEBOOK_PATH"] = str(NOTEBOOK)
    # The kernel imports jupyter_mlx; make the source tree importable even without an install.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def test_notebook_has_parameters_cell():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]

    assert len(tagged) == 1
    assert tagged[0].cell_type == "code"
    for name in ("lr = 0.01", "epochs = 30", "hidden = 32", "seed = 0"):
        assert name in tagged[0].source
    assert nb.metadata.kernelspec.name == "python3"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # Tracked with the magics, not with a hand-made run.
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "%mlx_track" in sources
    assert "%mlx_track --stop" in sources
    assert not any("mlflow.start_run" in source for source in sources)


@pytest.mark.slow
@pytest.mark.timeout(180)
# MLflow 3.17's SQLAlchemy store uses the ``noload`` loader strategy that SQLAlchemy 2.1
# deprecates; it is raised inside MLflow when this process first opens the run's SQLite store.
@pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)
# Importing mlflow.pyfunc (3.17) builds schemas for MLflow's own chat types at import time and
# warns (a UserWarning wrapped in ANSI colour codes) that an ``Any`` type hint is not validated.
@pytest.mark.filterwarnings("ignore:.*Any type hint is inferred as AnyType:UserWarning")
def test_example_notebook_trains_and_logs_model(tmp_path: Path):
    import hashlib

    import mlflow.pyfunc
    import numpy as np
    from mlflow.tracking import MlflowClient

    workspace = tmp_path / "ws"
    workdir = tmp_path / "work"
    workdir.mkdir()
    output = tmp_path / "out.ipynb"

    # papermill runs in its own process with a real python3 kernel, so warnings raised while
    # the notebook runs (MLflow, torch) belong to the notebook, not to this test.
    proc = subprocess.run(
        [
            sys.executable, "-m", "papermill", str(NOTEBOOK), str(output),
            "-k", "python3", "--cwd", str(workdir),
            "-p", "epochs", "3", "-p", "hidden", "16",
        ],
        env=_kernel_env(workspace),
        capture_output=True,
        text=True,
        timeout=170,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert output.is_file()

    uri = f"sqlite:///{workspace.as_posix()}/mlflow.db"
    client = MlflowClient(tracking_uri=uri)
    # The experiment is named after the notebook's path under the server root.
    experiment = client.get_experiment_by_name("examples/train_classifier.ipynb")
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    # The parameters cell's names, with the values papermill injected.
    assert run.data.params == {"lr": "0.01", "epochs": "3", "hidden": "16", "seed": "0"}
    tags = run.data.tags
    assert tags["mlflow.source.name"] == "examples/train_classifier.ipynb"
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlx.notebook.snapshot"] == "notebook/train_classifier.ipynb"
    snapshot = Path(
        client.download_artifacts(run.info.run_id, "notebook/train_classifier.ipynb", str(tmp_path))
    )
    assert tags["mlx.notebook.sha256"] == hashlib.sha256(snapshot.read_bytes()).hexdigest()
    assert "mlx.notebook.snapshot_warning" not in tags
    # What ran: papermill's injected parameters after the parameters cell, and the outputs
    import nbformat

    cells = nbformat.read(snapshot, as_version=4).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    injected = cells[tagged[0] + 1]
    assert "epochs = 3" in injected.source and "hidden = 16" in injected.source
    printed = "".join(o.get("text", "") for c in cells if c.cell_type == "code" for o in c.outputs)
    assert "epoch   3  train loss" in printed and "model: models:/" in printed

    history = client.get_metric_history(run.info.run_id, "train_loss")
    assert [m.step for m in history] == [1, 2, 3]
    assert all(np.isfinite(m.value) for m in history)
    accuracy = client.get_metric_history(run.info.run_id, "test_accuracy")
    assert len(accuracy) == 3
    assert all(0.0 <= m.value <= 1.0 for m in accuracy)
    assert 0.0 <= run.data.metrics["final_test_accuracy"] <= 1.0

    models = client.search_logged_models([experiment.experiment_id])
    assert len(models) == 1
    model = models[0]
    assert model.source_run_id == run.info.run_id
    assert model.name == "model"
    model_dir = Path(url2pathname(urlparse(model.artifact_location).path))
    assert model_dir.is_relative_to(workspace / "artifacts")
    assert (model_dir / "MLmodel").is_file()

    loaded = mlflow.pyfunc.load_model(str(model_dir))
    rows = np.random.default_rng(0).standard_normal((2, 13)).astype(np.float32)
    probabilities = np.asarray(loaded.predict(rows))
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert loaded.metadata.get_input_schema() is not None


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)
def test_each_run_of_the_example_snapshots_what_it_ran(tmp_path: Path):
    """Run All twice in one kernel, the parameters edited (never saved) in between."""
    import hashlib

    import nbformat
    from kernels import kernel_env, running_kernel
    from mlflow.tracking import MlflowClient

    saved = NOTEBOOK.read_bytes()
    nb = nbformat.reads(saved.decode(), as_version=4)
    workspace = tmp_path / "ws"
    edits = {
        "0.05": "lr = 0.05\nepochs = 2\nhidden = 8\nseed = 0",
        "0.2": "lr = 0.2\nepochs = 3\nhidden = 8\nseed = 0",
    }
    with running_kernel(kernel_env(workspace, NOTEBOOK), tmp_path) as kernel:
        for source in edits.values():
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                tags = cell.metadata.get("tags", [])
                code = source if "parameters" in tags else cell.source
                executed = kernel.execute(code, cell_id=cell.id)
                assert executed.status == "ok", (cell.source, executed.outputs)

    client = MlflowClient(tracking_uri=f"sqlite:///{workspace.as_posix()}/mlflow.db")
    experiment = client.get_experiment_by_name("examples/train_classifier.ipynb")
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    assert [r.data.params["lr"] for r in runs] == list(edits)
    for run, source in zip(runs, edits.values(), strict=True):
        tags = run.data.tags
        path = client.download_artifacts(
            run.info.run_id, tags["mlx.notebook.snapshot"], str(tmp_path / run.info.run_id)
        )
        data = Path(path).read_bytes()
        assert tags["mlx.notebook.sha256"] == hashlib.sha256(data).hexdigest()
        assert "mlx.notebook.snapshot_warning" not in tags
        snapshot = nbformat.reads(data.decode(), as_version=4)
        cells = {cell.id: cell for cell in snapshot.cells}
        # The parameters as edited for this run (never saved), the outputs this run printed
        (params,) = [c for c in snapshot.cells if "parameters" in c.metadata.get("tags", [])]
        assert params.source == source
        text = "".join(
            o.get("text", "") for c in snapshot.cells if c.cell_type == "code" for o in c.outputs
        )
        epochs = source.split("epochs = ")[1].split("\n")[0]
        assert f"epoch {int(epochs):3d}  train loss" in text
        assert f"epoch {int(epochs) + 1:3d}" not in text
        html = "".join(
            o.get("data", {}).get("text/html", "")
            for c in snapshot.cells
            for o in c.get("outputs", [])
        )
        assert run.info.run_id in html
        assert not any(other.info.run_id in text + html for other in runs if other is not run)
        # Cells after `%mlx_track --stop` had not run yet
        stop = next(i for i, c in enumerate(snapshot.cells) if c.source == "%mlx_track --stop")
        assert all(not c.get("outputs") for c in snapshot.cells[stop + 1 :])
        assert set(cells) >= {c.id for c in nb.cells}
    # The notebook file itself was never touched
    assert NOTEBOOK.read_bytes() == saved
