"""MLflow set-up of a workspace: its embedded store, the experiment, its artifact folder, the
fluent tracking URI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_mlx.config import Settings
from jupyter_mlx.tracking import workspace as ws_mod
from jupyter_mlx.tracking.workspace import (
    create_tracking_store,
    experiment_artifact_dir,
    use_workspace_tracking,
)

# MLflow 3.17's SQLAlchemy tracking store configures a relationship with the ``noload`` loader
# strategy, which SQLAlchemy 2.1 deprecates; the warning comes from MLflow's code on the first
# use of a SQLite store in the process, not from ours.
ignore_mlflow_noload = pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)

MLFLOW_ENV = ("MLX_WORKSPACE_DIR", "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test without workspace or MLflow settings in the environment."""
    for name in MLFLOW_ENV:
        monkeypatch.delenv(name, raising=False)


def test_experiment_artifact_dir_is_one_safe_folder(tmp_path: Path):
    plain = experiment_artifact_dir(tmp_path, "train_classifier")
    odd = experiment_artifact_dir(tmp_path, "team/churn model")
    odd_too = experiment_artifact_dir(tmp_path, "team churn/model")

    assert plain == tmp_path.resolve() / "artifacts" / "train_classifier"
    assert odd.parent == tmp_path.resolve() / "artifacts"
    assert odd.name.startswith("team-churn-model-")
    assert odd != odd_too  # distinct names never share a folder
    assert experiment_artifact_dir(tmp_path, "..").parent == tmp_path.resolve() / "artifacts"


def test_module_imports_nothing_heavy():
    source = Path(ws_mod.__file__).read_text()
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]

    assert not [line for line in top_level if "mlflow" in line or "torch" in line]


# -- use_workspace_tracking --------------------------------------------------------------------


@ignore_mlflow_noload
@pytest.mark.usefixtures("mlflow_state")
def test_use_workspace_tracking_creates_experiment_in_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import mlflow
    from mlflow.tracking import MlflowClient

    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    workspace = project / ".mlx"

    experiment_id = use_workspace_tracking("train_classifier")

    uri = f"sqlite:///{workspace.resolve().as_posix()}/mlflow.db"
    assert mlflow.get_tracking_uri() == uri
    experiment = MlflowClient(tracking_uri=uri).get_experiment(experiment_id)
    assert experiment.name == "train_classifier"
    artifacts = workspace.resolve() / "artifacts" / "train_classifier"
    assert experiment.artifact_location == artifacts.as_uri()

    # The experiment is the active one, and a run's artifacts land in the workspace.
    with mlflow.start_run() as run:
        mlflow.log_text("hello", "note.txt")
    assert run.info.experiment_id == experiment_id
    assert (artifacts / run.info.run_id / "artifacts" / "note.txt").read_text() == "hello"


@ignore_mlflow_noload
@pytest.mark.usefixtures("mlflow_state")
def test_use_workspace_tracking_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(tmp_path / "ws"))

    first = use_workspace_tracking("team/churn model")
    second = use_workspace_tracking("team/churn model")

    assert first == second
    client = MlflowClient(tracking_uri=Settings.for_process().tracking_uri)
    assert [e.name for e in client.search_experiments() if e.name != "Default"] == [
        "team/churn model"
    ]
    location = client.get_experiment(first).artifact_location
    assert location == experiment_artifact_dir(tmp_path / "ws", "team/churn model").as_uri()


@ignore_mlflow_noload
@pytest.mark.usefixtures("mlflow_state")
def test_exported_workspace_uri_still_keeps_artifacts_in_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The server exports both variables; its URI is the workspace's own SQLite store."""
    from mlflow.tracking import MlflowClient

    workspace = tmp_path / "ws"
    workspace.mkdir()
    uri = f"sqlite:///{workspace.as_posix()}/mlflow.db"
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(workspace))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)

    experiment_id = use_workspace_tracking("exp")

    location = MlflowClient(tracking_uri=uri).get_experiment(experiment_id).artifact_location
    assert location == (workspace / "artifacts" / "exp").as_uri()


@ignore_mlflow_noload
@pytest.mark.usefixtures("mlflow_state")
def test_a_sqlite_store_outside_the_workspace_keeps_artifacts_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A store in another folder (a shared one, or a workspace the current folder does not
    resolve to) belongs to that folder: artifacts go to its artifacts/, not to ./mlruns."""
    import mlflow
    from mlflow.tracking import MlflowClient

    monkeypatch.chdir(tmp_path)
    shared = tmp_path / "shared"
    shared.mkdir()
    uri = f"sqlite:///{shared.as_posix()}/mlflow.db"
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(tmp_path / "ws"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)

    experiment_id = use_workspace_tracking("exp")

    assert mlflow.get_tracking_uri() == uri
    location = MlflowClient(tracking_uri=uri).get_experiment(experiment_id).artifact_location
    assert location == (shared / "artifacts" / "exp").as_uri()
    assert not (tmp_path / "ws").exists()
    assert not (tmp_path / "mlruns").exists()


@ignore_mlflow_noload
@pytest.mark.usefixtures("mlflow_state")
def test_the_workspace_store_of_a_tracking_uri_keeps_artifacts_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """As under ``jupyter nbconvert --execute`` of a notebook outside the project, with
    MLFLOW_TRACKING_URI set to the project's store."""
    import mlflow
    from mlflow.tracking import MlflowClient

    # Given a kernel whose folder resolves to no workspace, told the project's store,
    workspace = tmp_path / "project" / ".mlx"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    uri = f"sqlite:///{workspace.as_posix()}/mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)

    # when it sets up tracking and logs an artifact,
    experiment_id = use_workspace_tracking("exp")
    with mlflow.start_run() as run:
        mlflow.log_text("hello", "note.txt")

    # then the store, its Default experiment and the new one all keep artifacts in the
    # project's workspace, and the kernel's folder gets neither .mlx/ nor mlruns/.
    client = MlflowClient(tracking_uri=uri)
    artifacts = workspace / "artifacts"
    assert client.get_experiment("0").artifact_location == (artifacts / "0").as_uri()
    assert client.get_experiment(experiment_id).artifact_location == (artifacts / "exp").as_uri()
    assert (artifacts / "exp" / run.info.run_id / "artifacts" / "note.txt").read_text() == "hello"
    assert os.listdir(elsewhere) == []


@ignore_mlflow_noload
def test_create_tracking_store_gives_the_default_experiment_the_workspace_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from mlflow.tracking import MlflowClient

    monkeypatch.chdir(tmp_path)
    settings = Settings.resolve(tmp_path / "root", environ={})

    created = create_tracking_store(settings)
    again = create_tracking_store(settings)

    assert (created, again) == (True, False)
    default = MlflowClient(tracking_uri=settings.tracking_uri).get_experiment("0")
    assert default.artifact_location == (settings.workspace / "artifacts" / "0").as_uri()
    assert not (tmp_path / "mlruns").exists()


def test_create_tracking_store_leaves_a_tracking_server_alone(tmp_path: Path):
    settings = Settings.resolve(tmp_path, tracking_uri="http://127.0.0.1:1", environ={})

    assert create_tracking_store(settings) is False
    assert os.listdir(tmp_path) == []
