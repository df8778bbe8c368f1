"""`jupyter mlx endpoints ...` as a user types it: through a real Jupyter server that starts real
endpoint processes serving a registered scikit-learn model, and without a server, where the
commands that start or stop a process are refused and the records are read from the store.

Exit status: 0 when done, 1 when the endpoint failed, 2 for refused input with one ``error:``
line.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import servers
import yaml
from commands import clean_env, error_line, finish, launch, ok, run_group
from modelruns import log_model_run

#: Seconds an endpoint whose process always crashes may take to be given up (five starts of a
#: process importing MLflow, with backoff between them, on a loaded machine).
FAILING_WITHIN_S = 300


def tracking_uri(root: Path) -> str:
    (root / ".mlx").mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / '.mlx' / 'mlflow.db'}"


def register(root: Path, name: str, *, versions: int = 1, alias: str = "champion") -> None:
    """``versions`` versions of model ``name`` (each a run's model), ``alias`` on the last."""
    import mlflow

    uri = tracking_uri(root)
    runs = [log_model_run(uri) for _ in range(versions)]
    before = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(uri)
    try:
        for run_id in runs:
            version = mlflow.register_model(f"runs:/{run_id}/model", name)
        mlflow.MlflowClient().set_registered_model_alias(name, alias, version.version)
    finally:
        mlflow.set_tracking_uri(before)  # type: ignore[arg-type]


def each(
    root: Path, env: dict[str, str], *commands: tuple[str, ...]
) -> list[subprocess.CompletedProcess[str]]:
    """Several ``jupyter mlx endpoints VERB --root-dir=ROOT ARGS...`` at once, each a process."""
    return run_group(root, env, "endpoints", *commands)


def endpoints(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    [result] = each(root, env, args)
    return result


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A server serving a root whose registry holds churn (versions 1 and 2, champion -> 2)."""
    home = tmp_path_factory.mktemp("served")
    root = home / "root"
    root.mkdir()
    register(root, "churn", versions=2)
    server = servers.start_server(home, root, f"--MLXApp.workspace_dir={root / '.mlx'}")
    yield root, servers.home_env(home)
    server.stop()


@pytest.mark.slow
def test_create_predict_split_stop_restart_export_delete(
    served: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, env = served

    # Given an endpoint created from the command line, waited for until it runs,
    created = endpoints(root, env, "create", "cli", "--model", "models:/churn@champion", "--json")
    endpoint = ok(created)
    assert endpoint["state"] == "running", created.stderr
    assert "endpoint cli running" in created.stderr
    assert endpoint["url"].startswith("http://127.0.0.1:")

    # then it answers on its direct port,
    answer = requests.post(
        endpoint["url"] + "/invocations", json={"inputs": [[0.9, 0.1, 0.1]]}, timeout=30
    )
    assert answer.json() == {"predictions": [1]}

    # it is listed and shown as text and as JSON,
    table, listed, shown = each(root, env, ("list",), ("list", "--json"), ("show", "cli"))
    assert table.stdout.splitlines()[0].split() == [
        "NAME",
        "STATE",
        "MODEL",
        "SERVES",
        "CANARY",
        "URL",
    ]
    assert table.stdout.splitlines()[1].split()[:3] == ["cli", "running", "models:/churn@champion"]
    assert [e["name"] for e in ok(listed)] == ["cli"]
    assert shown.stdout.startswith("endpoint     cli\nstate        running (pid ")
    assert "mlx/endpoints/cli/" in shown.stdout and "primary" in shown.stdout

    # a canary takes a share and is dropped again;
    split = ok(
        endpoints(
            root, env, "split", "cli", "--canary", "models:/churn/1", "--percent", "50", "--json"
        )
    )
    assert split["canary"] == {"model_uri": "models:/churn/1", "percent": 50}
    assert ok(endpoints(root, env, "split", "cli", "--drop", "--json"))["canary"] is None

    # a canary promoted moves the alias the endpoint serves to its version;
    endpoints(root, env, "split", "cli", "--canary", "models:/churn/1", "--percent", "10")
    promoted = ok(endpoints(root, env, "split", "cli", "--promote", "--json"))
    assert (promoted["model_uri"], promoted["canary"]) == ("models:/churn@champion", None)
    history = finish(
        launch(root, ["models", "history", "churn", f"--root-dir={root}", "--json"], env)
    )
    assert ok(history)["moves"][0]["to_version"] == "1"

    # it is stopped (kept), restarted, exported for KServe and deleted.
    assert ok(endpoints(root, env, "stop", "cli", "--json"))["state"] == "stopped"
    assert ok(endpoints(root, env, "restart", "cli", "--json"))["state"] == "running"
    exported = endpoints(root, env, "export", "cli", "--to", "kserve", str(tmp_path / "k"))
    assert exported.returncode == 0, exported.stderr
    manifest = yaml.safe_load((tmp_path / "k" / "inferenceservice.yaml").read_text())
    assert manifest["kind"] == "InferenceService"
    assert manifest["metadata"]["annotations"]["jupyter-mlx/model-uri"] == "models:/churn/1"
    assert "warning: KServe cannot download" in exported.stderr
    assert ok(endpoints(root, env, "delete", "cli", "--json")) == {"deleted": "cli"}
    assert "cli" not in [e["name"] for e in ok(endpoints(root, env, "list", "--json"))]


@pytest.mark.slow
def test_refusals_through_the_server(served: tuple[Path, dict[str, str]]) -> None:
    root, env = served
    unknown_model, bad_name, unknown, no_change = each(
        root,
        env,
        ("create", "x", "--model", "models:/nope@champion"),
        ("create", "a/b", "--model", "models:/churn@champion"),
        ("show", "nope"),
        ("split", "nope"),
    )
    assert error_line(unknown_model, 2).startswith("--model: ")
    assert "nope" in error_line(unknown_model, 2)
    assert "'a/b' is not an endpoint name" in error_line(bad_name, 2)
    assert "nope" in error_line(unknown, 2)
    assert error_line(no_change, 2).startswith("Give one change")
    assert ok(endpoints(root, env, "list", "--json")) == []


@pytest.mark.slow
def test_without_a_server(tmp_path: Path) -> None:
    # Given a root with a workspace that no server serves, its store holding an endpoint's
    # record (as a server that stopped leaves it),
    root = tmp_path / "root"
    run_id = log_model_run(tracking_uri(root))
    env = clean_env(
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "no-servers"),
    )
    assert ok(migrated(root, env)) == []
    record(root, "kept", f"runs:/{run_id}/model")

    # starting or stopping is refused, naming what to do; reads answer from the store;
    create, stop, listed, table, show, unknown = each(
        root,
        env,
        ("create", "x", "--model", "models:/churn@champion"),
        ("stop", "kept"),
        ("list", "--json"),
        ("list",),
        ("show", "kept"),
        ("show", "x"),
    )
    refusal = (
        f"No Jupyter server with jupyter-mlx serves {root.resolve()}: start JupyterLab there, or "
        "serve in the foreground with `jupyter mlx serve`."
    )
    assert error_line(create, 2) == refusal
    assert error_line(stop, 2) == refusal
    assert [(e["name"], e["state"]) for e in ok(listed)] == [("kept", "stopped")]
    assert table.stdout.splitlines()[1].split()[:2] == ["kept", "stopped"]
    assert show.stdout.startswith("endpoint     kept\nstate        stopped (0 restarts)\n")
    assert "x" in error_line(unknown, 2)

    # and the endpoint is exported for Docker from its record.
    exported = endpoints(
        root, env, "export", "kept", "--to", "docker", str(tmp_path / "ctx"), "--json"
    )
    done = ok(exported)
    assert (done["target"], done["environment"]) == ("docker", "the model's requirements.txt")
    assert {"Dockerfile", "model/", "env/requirements.txt"} <= set(done["files"])
    assert (tmp_path / "ctx" / "model" / "MLmodel").is_file()


def record(root: Path, name: str, model_uri: str) -> None:
    """An endpoint's record in the store of ``root``'s workspace, not wanted running."""
    from datetime import datetime, timezone

    from jupyter_mlx.config import Settings
    from jupyter_mlx.store import Store
    from jupyter_mlx.store.tables import EndpointRecord

    store = Store(Settings.resolve(root, environ={}).db_url)
    with store.session() as session:
        session.add(
            EndpointRecord(
                name=name,
                model_uri=model_uri,
                port=0,
                batch_window_ms=2.0,
                max_batch_rows=256,
                canary_model_uri=None,
                canary_percent=0,
                wanted_running=False,
                created_at=datetime.now(timezone.utc),
                created_by="ann",
            )
        )
    store.dispose()


def migrated(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``jupyter mlx models list --json`` on a fresh workspace: creates its store."""
    return finish(launch(root, ["models", "list", f"--root-dir={root}", "--json"], env))


@pytest.mark.slow
def test_an_endpoint_that_keeps_crashing_fails_with_its_log_tail(
    served: tuple[Path, dict[str, str]],
) -> None:
    root, env = served
    broken = root / "broken"
    broken.mkdir()
    (broken / "MLmodel").write_text(
        "flavors:\n  python_function:\n    loader_module: no_such_mod\n"
    )

    # Given a model whose every load fails, served: the command waits through the supervisor's
    # restarts (five quick crashes, about a minute),
    child = launch(
        root, ["endpoints", "create", "broken", f"--root-dir={root}", f"--model={broken}"], env
    )
    try:
        out, err = child.communicate(timeout=FAILING_WITHIN_S)
    finally:
        child.kill()
        child.wait()
    waited = subprocess.CompletedProcess(child.args, child.returncode, out, err)

    # then its supervisor gave it up: exit 1, the reason and its last log lines on stderr.
    assert "endpoint broken failed: " in error_line(waited, 1)
    assert "endpoint broken crashed" in waited.stderr
    assert "No module named 'no_such_mod'" in waited.stderr
    assert "state        failed" in waited.stdout
    assert ok(endpoints(root, env, "delete", "broken", "--json")) == {"deleted": "broken"}
