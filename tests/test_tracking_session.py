"""The tracked run of a kernel: start, resume, stop, run queries, and the run's display.

The first part drives :class:`TrackingSession` in this process against a real MLflow store in
``tmp_path``; the last part executes a notebook in a real ``python3`` kernel with nbclient and
checks what a user would find in MLflow afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from jupyter_mlx.errors import Conflict, InvalidInput, NotFound, Unavailable
from jupyter_mlx.tracking.session import (
    RUN_COLUMNS,
    TrackingSession,
    TrackOptions,
    compare_runs,
    search_notebook_runs,
)
from jupyter_mlx.tracking.widget import (
    ComparisonView,
    RunLine,
    RunMonitor,
    RunState,
    widgets_available,
)

REPO_ROOT = Path(__file__).resolve().parents[1]

# MLflow 3.17's SQLAlchemy tracking store configures a relationship with the ``noload`` loader
# strategy, which SQLAlchemy 2.1 deprecates; the warning comes from MLflow's code on the first
# use of a SQLite store in the process, not from ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)

#: Variables a kernel may inherit that would change which notebook or store a test uses.
KERNEL_VARS = (
    "MLX_WORKSPACE_DIR",
    "MLX_ROOT_DIR",
    "MLX_NOTEBOOK_PATH",
    "JPY_SESSION_NAME",
    "MLX_ENV_NAME",
    "MLX_ENV_LOCK_SHA256",
    "MLX_JOB_ID",
    "MLX_JOB_RUN_ID",
    "MLFLOW_TRACKING_URI",
    "MLFLOW_EXPERIMENT_ID",
    "MLFLOW_RUN_ID",
)


def write_notebook(path: Path, *cells: tuple[str, list[str]]) -> Path:
    """Write a notebook of code cells (source, tags) with nbformat."""
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata.tags = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mlflow_state: None) -> Path:
    """A server root with a notebook, its workspace, and a kernel environment pointing at both."""
    for name in KERNEL_VARS:
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "root"
    notebook = write_notebook(
        root / "team" / "train.ipynb",
        ("lr = 0.01\nepochs = 3\nseed = 0", ["parameters"]),
        ("print(lr)", []),
    )
    monkeypatch.setenv("MLX_ROOT_DIR", str(root))
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(root / ".mlx"))
    monkeypatch.setenv("MLX_NOTEBOOK_PATH", str(notebook))
    return root


@pytest.fixture
def client(root: Path) -> Any:
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=f"sqlite:///{(root / '.mlx' / 'mlflow.db').as_posix()}")


NO_AUTOLOG = TrackOptions(autolog=False)


def test_start_and_stop_record_the_notebook_run(root: Path, client: Any, tmp_path: Path):
    import mlflow

    session = TrackingSession()

    # Given a kernel whose papermill-injected lr is 0.5 (and seed not defined yet)
    started = session.start(NO_AUTOLOG, {"lr": 0.5, "epochs": 3, "other": 1})
    mlflow.log_metric("loss", 0.25, step=1)
    stopped = session.stop()

    # Then one finished run holds the params, the metric, the tags and the snapshot
    run = client.get_run(started.run.run_id)
    assert not started.resumed and started.notes == ()
    assert run.info.status == "FINISHED" and stopped.status == "FINISHED"
    assert run.data.params == {"lr": "0.5", "epochs": "3"}
    assert run.data.metrics == {"loss": 0.25}
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == "team/train.ipynb" == started.run.experiment_name
    assert experiment.artifact_location.startswith((root / ".mlx" / "artifacts").as_uri())
    tags = run.data.tags
    assert tags["mlflow.source.name"] == "team/train.ipynb"
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlx.notebook.snapshot"] == "notebook/train.ipynb" == stopped.snapshot
    local = client.download_artifacts(run.info.run_id, "notebook/train.ipynb", str(tmp_path))
    data = Path(local).read_bytes()
    assert data == (root / "team" / "train.ipynb").read_bytes()
    assert tags["mlx.notebook.sha256"] == hashlib.sha256(data).hexdigest() == stopped.sha256
    assert session.run is None and mlflow.active_run() is None


def test_options_name_the_experiment_and_run(root: Path, client: Any):
    session = TrackingSession()

    started = session.start(TrackOptions(experiment="wine", run_name="baseline", autolog=False), {})
    session.stop()

    run = client.get_run(started.run.run_id)
    assert run.info.run_name == "baseline"
    assert client.get_experiment(run.info.experiment_id).name == "wine"


def test_links_from_the_kernel_environment(root: Path, client: Any, monkeypatch):
    monkeypatch.setenv("MLX_ENV_NAME", "torch-cpu")
    monkeypatch.setenv("MLX_ENV_LOCK_SHA256", "ab" * 32)
    monkeypatch.setenv("MLX_JOB_ID", "nightly")
    monkeypatch.setenv("MLX_JOB_RUN_ID", "run-7")
    session = TrackingSession()

    started = session.start(NO_AUTOLOG, {})
    session.stop()

    tags = client.get_run(started.run.run_id).data.tags
    assert tags["mlx.env.name"] == "torch-cpu"
    assert tags["mlx.env.lock_sha256"] == "ab" * 32
    assert tags["mlx.job.id"] == "nightly"
    assert tags["mlx.job.run_id"] == "run-7"


def test_starting_again_resumes_the_same_run(root: Path, client: Any):
    session = TrackingSession()
    first = session.start(NO_AUTOLOG, {"lr": 0.01})

    # Re-running the cell after defining seed and changing lr
    again = session.start(TrackOptions(experiment="other", autolog=False), {"lr": 0.2, "seed": 1})

    assert again.resumed and again.run == first.run
    assert any("Kept the tracked run's experiment" in note for note in again.notes)
    assert any("Parameter lr changed" in note for note in again.notes)
    session.stop()
    run = client.get_run(first.run.run_id)
    assert run.data.params == {"lr": "0.01", "seed": "1"}
    assert len(client.search_runs([run.info.experiment_id])) == 1


def test_a_foreign_active_run_is_ended_first(root: Path, client: Any):
    import mlflow

    session = TrackingSession()
    mlflow.set_tracking_uri(client.tracking_uri)
    foreign = mlflow.start_run()

    started = session.start(NO_AUTOLOG, {})

    assert started.notes == (
        f"Ended run {foreign.info.run_id}, which was active outside `%mlx_track`.",
    )
    assert client.get_run(foreign.info.run_id).info.status == "FINISHED"
    tags = client.get_run(started.run.run_id).data.tags
    assert "mlflow.parentRunId" not in tags
    session.stop()


def test_a_run_ended_by_hand_is_replaced_by_a_new_one(root: Path, client: Any):
    import mlflow

    session = TrackingSession()
    first = session.start(NO_AUTOLOG, {})
    mlflow.end_run()

    second = session.start(NO_AUTOLOG, {})

    assert second.run.run_id != first.run.run_id and not second.resumed
    assert "had been ended outside `%mlx_track`" in second.notes[0]
    session.stop()


def test_stop_without_a_run_is_a_conflict(root: Path):
    with pytest.raises(Conflict) as raised:
        TrackingSession().stop()

    assert raised.value.message == "No run is tracked in this kernel: start one with `%mlx_track`."


def test_cell_run_nests_in_the_tracked_run(root: Path, client: Any):
    import mlflow

    session = TrackingSession()
    parent = session.start(NO_AUTOLOG, {})

    cell = session.start(NO_AUTOLOG, {}, cell=True)
    stopped = session.stop("FAILED")

    assert cell.run.parent_run_id == parent.run.run_id
    run = client.get_run(cell.run.run_id)
    assert run.data.tags["mlflow.parentRunId"] == parent.run.run_id
    assert run.info.status == "FAILED" == stopped.status
    assert run.info.experiment_id == parent.run.experiment_id
    assert session.run == parent.run
    assert mlflow.active_run().info.run_id == parent.run.run_id
    session.stop()


def test_autolog_is_on_only_while_tracked(root: Path):
    from mlflow.utils.autologging_utils import AUTOLOGGING_INTEGRATIONS, autologging_is_disabled

    session = TrackingSession()
    session.start(TrackOptions(), {})

    # mlflow.autolog's own configuration, applied to each framework when it is imported
    assert not autologging_is_disabled("mlflow")
    assert AUTOLOGGING_INTEGRATIONS["mlflow"]["silent"] is True
    session.stop()
    assert autologging_is_disabled("mlflow")


def test_notebook_errors_are_one_readable_line(root: Path, monkeypatch):
    monkeypatch.delenv("MLX_NOTEBOOK_PATH")

    with pytest.raises(InvalidInput) as raised:
        TrackingSession().start(NO_AUTOLOG, {})

    assert "pass `--notebook PATH`" in raised.value.message
    with pytest.raises(NotFound):
        TrackingSession().start(TrackOptions(notebook="nope.ipynb", autolog=False), {})


def test_unreachable_tracking_server_fails_fast(root: Path, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")

    began = time.monotonic()
    with pytest.raises(Unavailable) as raised:
        TrackingSession().start(NO_AUTOLOG, {})

    assert time.monotonic() - began < 10
    assert f"http://127.0.0.1:{port} cannot be reached" in raised.value.message
    assert "\n" not in raised.value.message


# -- queries -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """A store with two runs of one notebook, different lr and loss curves (newest last).

    Returns:
        The tracking URI and the run ids.
    """
    import mlflow
    from mlflow.tracking import fluent

    root = tmp_path_factory.mktemp("queries") / "root"
    notebook = write_notebook(root / "team" / "train.ipynb", ("lr = 0.1\nseed = 0", ["parameters"]))
    session = TrackingSession()
    ids = []
    with pytest.MonkeyPatch.context() as env, warnings.catch_warnings():
        # The noload deprecation (see pytestmark): module fixtures run outside the mark.
        warnings.filterwarnings("ignore", "The ``noload`` loader strategy is deprecated")
        for name in KERNEL_VARS:
            env.delenv(name, raising=False)
        env.setenv("MLX_ROOT_DIR", str(root))
        env.setenv("MLX_WORKSPACE_DIR", str(root / ".mlx"))
        env.setenv("MLX_NOTEBOOK_PATH", str(notebook))
        for name, lr in (("slow", 0.01), ("fast", 0.5)):
            options = TrackOptions(run_name=name, autolog=False)
            started = session.start(options, {"lr": lr, "seed": 0})
            for step in range(3):
                mlflow.log_metric("loss", lr * (3 - step), step=step)
            mlflow.log_metric("acc", 1 - lr)
            session.stop()
            ids.append(started.run.run_id)
            time.sleep(0.01)  # distinct start times
        uri = started.run.tracking_uri
        mlflow.set_tracking_uri(None)
        fluent._active_experiment_id = None
    return uri, ids


def test_runs_of_the_notebook_newest_first(two_runs: tuple[str, list[str]]):
    uri, ids = two_runs

    frame = search_notebook_runs("team/train.ipynb", tracking_uri=uri)

    assert list(frame.columns) == [
        *RUN_COLUMNS,
        "params.lr",
        "params.seed",
        "metrics.acc",
        "metrics.loss",
    ]
    assert list(frame.run_id) == ids[::-1]
    assert list(frame.run_name) == ["fast", "slow"]
    assert list(frame.status) == ["FINISHED", "FINISHED"]
    assert str(frame.start_time.dt.tz) == "UTC"
    assert (frame.duration.dt.total_seconds() >= 0).all()
    assert list(frame["metrics.loss"]) == [0.5, 0.01]  # last values

    filtered = search_notebook_runs(
        "team/train.ipynb", tracking_uri=uri, filter_string="params.lr = '0.01'"
    )
    assert list(filtered.run_name) == ["slow"]
    assert len(search_notebook_runs("team/train.ipynb", tracking_uri=uri, max_results=1)) == 1
    empty = search_notebook_runs("other.ipynb", tracking_uri=uri)
    assert empty.empty and list(empty.columns) == RUN_COLUMNS


def test_malformed_filter_is_invalid_input(two_runs: tuple[str, list[str]]):
    uri, _ = two_runs

    with pytest.raises(InvalidInput) as raised:
        search_notebook_runs("team/train.ipynb", tracking_uri=uri, filter_string="metrics.loss >")

    assert raised.value.field == "filter"
    assert "\n" not in raised.value.message


def test_compare_runs_charts_histories_and_differing_params(two_runs: tuple[str, list[str]]):
    uri, ids = two_runs

    comparison = compare_runs(ids, tracking_uri=uri)

    assert list(comparison.labels.values()) == ["slow", "fast"]
    assert comparison.histories["loss"][ids[0]] == [(0, 0.03), (1, 0.02), (2, 0.01)]
    assert comparison.histories["acc"][ids[1]] == [(0, 0.5)]
    assert comparison.params.to_dict() == {"slow": {"lr": "0.01"}, "fast": {"lr": "0.5"}}

    view = ComparisonView(comparison)
    assert view.png().startswith(b"\x89PNG")
    bundle = view._repr_mimebundle_()
    assert "data:image/png;base64," in bundle["text/html"]
    assert "Parameters that differ:" in bundle["text/html"]
    args = json.dumps({"run_ids": ids})
    assert (
        f"data-commandlinker-command=\"mlx:compare-runs\" data-commandlinker-args='{args}'"
        in bundle["text/html"]
    )
    assert bundle["text/plain"].startswith("Runs compared: slow, fast\nMetrics: acc, loss\n")


def test_compare_needs_known_runs(two_runs: tuple[str, list[str]]):
    uri, ids = two_runs

    with pytest.raises(NotFound, match="0" * 32):
        compare_runs([ids[0], "0" * 32], tracking_uri=uri)
    with pytest.raises(InvalidInput, match="Give between 2 and"):
        compare_runs([ids[0], ids[0]], tracking_uri=uri)


# -- display -------------------------------------------------------------------------------------


def test_without_a_notebook_front_end_a_run_is_one_line():
    state = RunState("abc", "bright-owl", "team/train.ipynb", "RUNNING", {"loss": 0.5})
    bundle = RunLine(state)._repr_mimebundle_()

    assert bundle["text/plain"] == (
        "MLflow run 'bright-owl' (abc) in experiment 'team/train.ipynb': RUNNING"
    )
    assert 'data-commandlinker-command="mlx:open-run"' in bundle["text/html"]
    assert not widgets_available({})
    # In this process no kernel is attached, whatever the environment says.
    assert not widgets_available({"JPY_SESSION_NAME": "/srv/a.ipynb"})


def test_monitor_follows_the_run_until_it_ends(root: Path):
    import mlflow

    session = TrackingSession()
    started = session.start(NO_AUTOLOG, {})
    seen: list[RunState] = []
    monitor = RunMonitor(started.run, seen.append, interval=0.05)
    monitor.start()

    mlflow.log_metric("loss", 0.125)
    deadline = time.monotonic() + 10
    while not any(s.metrics.get("loss") == 0.125 for s in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    session.stop()
    deadline = time.monotonic() + 10
    while monitor.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)

    assert any(s.metrics == {"loss": 0.125} and s.status == "RUNNING" for s in seen)
    assert not monitor.is_alive()  # it stopped by itself once the run ended
    assert seen[-1].status == "FINISHED"


# -- a real kernel ---------------------------------------------------------------------------------

KERNEL_CELLS: list[tuple[str, list[str]]] = [
    ("lr = 0.01\nepochs = 3\nopts = {'depth': 2}", ["parameters"]),
    ("# Parameters\nlr = 0.5\n", ["injected-parameters"]),
    ("%load_ext jupyter_mlx\nimport mlflow", []),
    ("by_hand = mlflow.start_run(run_name='by-hand')", []),
    ("%mlx_track --run-name first", []),
    ("for step in range(3):\n    mlflow.log_metric('loss', 1.0 / (step + 1), step=step)", []),
    ("%mlx_track", []),
    ("%mlx_track --stop", []),
    ("%mlx_track --stop", []),
    (
        "%%mlx_track --run-name boom\nmlflow.log_metric('loss', 3.0)\nraise ValueError('boom')",
        ["raises-exception"],
    ),
    ("%mlx_track --notebook missing.ipynb", []),
    ("%mlx_runs --filter 'metrics.loss >'", []),
    ("%mlx_runs --compare 0123456789abcdef 0123456789abcdee", []),
    ("runs = %mlx_runs\nruns[['run_name', 'status']]", []),
    ("%mlx_runs --compare {runs.run_id[0]} {runs.run_id[1]}", []),
]
FIRST, LOG, RESUME, STOP, STOP_AGAIN, BOOM, NO_NOTEBOOK, BAD_FILTER, UNKNOWN, RUNS, COMPARE = range(
    4, 15
)


@pytest.fixture(scope="module")
def kernel_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Execute one tracked notebook in a python3 kernel started as Jupyter Server starts it."""
    import nbformat
    from mlflow.tracking import MlflowClient
    from nbclient import NotebookClient

    tmp = tmp_path_factory.mktemp("kernel")
    root = tmp / "root"
    path = write_notebook(root / "team" / "track.ipynb", *KERNEL_CELLS)
    workspace = root / ".mlx"
    uri = f"sqlite:///{(workspace / 'mlflow.db').as_posix()}"
    env = {k: v for k, v in os.environ.items() if k not in KERNEL_VARS}
    env.update(
        MLX_ROOT_DIR=str(root),
        MLX_WORKSPACE_DIR=str(workspace),
        MLFLOW_TRACKING_URI=uri,
        JPY_SESSION_NAME=str(path),  # a notebook opened in JupyterLab
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
    )
    nb = nbformat.read(path, as_version=4)
    executor = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(path.parent)}},
    )
    executor.execute(env=env)
    return {"nb": nb, "path": path, "client": MlflowClient(tracking_uri=uri), "tmp": tmp}


def _streams(nb: Any, index: int) -> str:
    return "".join(o.text for o in nb.cells[index].outputs if o.output_type == "stream")


def _tracked_runs(kernel_run: dict[str, Any]) -> dict[str, Any]:
    client = kernel_run["client"]
    experiment = client.get_experiment_by_name("team/track.ipynb")
    return {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kernel_tracks_the_notebook_in_one_run(kernel_run: dict[str, Any]):
    import nbformat

    client, nb = kernel_run["client"], kernel_run["nb"]
    runs = _tracked_runs(kernel_run)

    # One run for %mlx_track (resumed, not duplicated) and one for the %%mlx_track cell
    assert sorted(runs) == ["boom", "first"]
    run = runs["first"]
    assert run.info.status == "FINISHED"
    assert _streams(nb, RESUME).startswith(f"mlx: Resumed run 'first' ({run.info.run_id})")
    # The injected lr wins over the parameters cell's default
    assert run.data.params == {"lr": "0.5", "epochs": "3", "opts": "{'depth': 2}"}
    history = client.get_metric_history(run.info.run_id, "loss")
    assert [(m.step, m.value) for m in history] == [(0, 1.0), (1, 0.5), (2, 1 / 3)]
    tags = run.data.tags
    assert tags["mlflow.source.name"] == "team/track.ipynb"
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlx.notebook.snapshot"] == "notebook/track.ipynb"
    local = client.download_artifacts(
        run.info.run_id, "notebook/track.ipynb", str(kernel_run["tmp"])
    )
    data = Path(local).read_bytes()
    assert tags["mlx.notebook.sha256"] == hashlib.sha256(data).hexdigest()
    # The snapshot is the notebook as it ran, up to `%mlx_track --stop`: the cells' sources,
    # their outputs as the kernel sent them (the widget as its HTML), nothing of later cells.
    snapshot = nbformat.reads(data.decode(), as_version=4)
    assert [c.source for c in snapshot.cells] == [c.source for c in nb.cells]
    assert _streams(snapshot, RESUME) == _streams(nb, RESUME)
    (widget,) = [o for o in snapshot.cells[FIRST].outputs if o.output_type == "display_data"]
    assert run.info.run_id in widget.data["text/html"]
    assert "application/vnd.jupyter.widget-view+json" not in widget.data
    assert [c.execution_count for c in snapshot.cells[STOP + 1 :]] == [None] * 7
    assert all(not c.outputs for c in snapshot.cells[STOP:])
    # The parameters cells ran before `%load_ext jupyter_mlx`: the run says so.
    assert tags["mlx.notebook.snapshot_warning"] == (
        "In [1]-[2] ran before `%load_ext jupyter_mlx`: their sources are as run, "
        "their outputs were not recorded."
    )
    assert _streams(nb, STOP) == (
        f"mlx: Snapshot: {tags['mlx.notebook.snapshot_warning']}\n"
        f"mlx: Run 'first' ({run.info.run_id}) FINISHED; notebook snapshot notebook/track.ipynb.\n"
    )


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kernel_ends_a_run_started_by_hand(kernel_run: dict[str, Any]):
    client, nb = kernel_run["client"], kernel_run["nb"]
    (by_hand,) = client.search_runs(
        [e.experiment_id for e in client.search_experiments()],
        filter_string="attributes.run_name = 'by-hand'",
    )

    assert by_hand.info.status == "FINISHED"
    assert _streams(nb, FIRST) == (
        f"mlx: Ended run {by_hand.info.run_id}, which was active outside `%mlx_track`.\n"
    )
    assert "mlflow.parentRunId" not in _tracked_runs(kernel_run)["first"].data.tags


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kernel_cell_magic_marks_a_failing_cell_failed(kernel_run: dict[str, Any]):
    nb = kernel_run["nb"]
    boom = _tracked_runs(kernel_run)["boom"]

    assert boom.info.status == "FAILED"
    assert boom.data.metrics == {"loss": 3.0}
    assert boom.data.tags["mlx.notebook.snapshot"] == "notebook/track.ipynb"
    errors = [o for o in nb.cells[BOOM].outputs if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("ValueError", "boom")]
    # The traceback shows the cell's own line, not the magic's machinery.
    traceback = "\n".join(errors[0].traceback)
    assert "raise ValueError" in traceback and "_run_cell" not in traceback
    assert f"mlx: Run 'boom' ({boom.info.run_id}) FAILED" in _streams(nb, BOOM)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kernel_problems_print_one_readable_line(kernel_run: dict[str, Any]):
    nb = kernel_run["nb"]
    expected = {
        STOP_AGAIN: "mlx: No run is tracked in this kernel: start one with `%mlx_track`.",
        NO_NOTEBOOK: "mlx: Notebook ",
        BAD_FILTER: "mlx: filter: ",
        UNKNOWN: "mlx: Run with id=0123456789abcdef not found",
    }

    for index, start in expected.items():
        outputs = nb.cells[index].outputs
        assert {o.output_type for o in outputs} == {"stream"}, nb.cells[index].source
        text = _streams(nb, index)
        assert text.startswith(start) and text.count("\n") == 1, text


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_kernel_shows_a_live_widget_and_run_tables(kernel_run: dict[str, Any]):
    nb = kernel_run["nb"]
    run = _tracked_runs(kernel_run)["first"]

    (shown,) = nb.cells[FIRST].outputs[1:]
    assert shown.output_type == "display_data"
    assert "application/vnd.jupyter.widget-view+json" in shown.data
    assert shown.data["text/plain"] == (
        f"MLflow run 'first' ({run.info.run_id}) in experiment 'team/track.ipynb': RUNNING"
    )
    # The widget's last state (saved with the notebook) shows the ended run and its metrics.
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    html = [m["state"]["value"] for m in state.values() if m["model_name"] == "HTMLModel"]
    header = next(h for h in html if run.info.run_id in h)
    assert "FINISHED" in header
    args = json.dumps({"run_id": run.info.run_id})
    assert f"data-commandlinker-command=\"mlx:open-run\" data-commandlinker-args='{args}'" in header
    assert any(">loss<" in h and "0.333333" in h for h in html)

    (table,) = nb.cells[RUNS].outputs
    lines = table.data["text/plain"].splitlines()
    assert "boom" in lines[1] and "FAILED" in lines[1]
    assert "first" in lines[2] and "FINISHED" in lines[2]
    (comparison,) = nb.cells[COMPARE].outputs
    assert "data:image/png;base64," in comparison.data["text/html"]
    assert comparison.data["text/plain"].startswith("Runs compared: boom, first\nMetrics: loss")
