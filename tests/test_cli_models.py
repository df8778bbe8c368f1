"""`jupyter mlx models ...` as a user types it: in this process on a root no server serves, and
through the server that serves one. Runs hold a tiny scikit-learn model
(:func:`modelruns.log_model_run`) in the workspace's real MLflow store; gates are metric gates.

Exit status: 0 when done, 1 when a gate refused the promotion (the failing gate named on
stderr), 2 for refused input with one ``error:`` line.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
from commands import clean_env, error_line, ok, run_group
from modelruns import log_model_run


def tracking_uri(root: Path) -> str:
    """The tracking store of the workspace of ``root`` (``root/.mlx/mlflow.db``)."""
    (root / ".mlx").mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / '.mlx' / 'mlflow.db'}"


@pytest.fixture
def here(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A root no server serves, and the environment of a command typed there."""
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "config").mkdir()
    env = clean_env(
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "no-servers"),
        JUPYTERHUB_USER="ann",
    )
    return root, env


def each(
    root: Path, env: dict[str, str], *commands: tuple[str, ...]
) -> list[subprocess.CompletedProcess[str]]:
    """Several ``jupyter mlx models VERB --root-dir=ROOT ARGS...`` at once, each a process."""
    return run_group(root, env, "models", *commands)


def models(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    [result] = each(root, env, args)
    return result


@pytest.mark.slow
def test_promote_refuse_roll_back_and_read_in_this_process(
    here: tuple[Path, dict[str, str]],
) -> None:
    root, env = here
    uri = tracking_uri(root)
    first = log_model_run(uri, metrics={"val_accuracy": 0.8})
    second = log_model_run(uri, metrics={"val_accuracy": 0.9})

    # Given the first run promoted behind a gate,
    promoted = models(
        root,
        env,
        *("promote", "--run", first, "--name", "churn", "--alias", "champion"),
        *("--gate", "val_accuracy >= 0.5", "--json"),
    )

    # then the gate's verdict came on stderr as it finished, and the promotion on stdout;
    answer = ok(promoted)
    assert (answer["state"], answer["version"]) == ("promoted", "1")
    assert "gate passed  val_accuracy >= 0.5" in promoted.stderr

    # a gate the second run fails exits 1 naming it, and the alias stays;
    refusal = models(
        root,
        env,
        *("promote", "--run", second, "--name", "churn", "--alias", "champion"),
        *("--gate", "val_accuracy >= 0.99", "--note", "nightly"),
    )
    assert "val_accuracy >= 0.99" in error_line(refusal, 1)
    assert "promotion" in refusal.stdout and "refused" in refusal.stdout

    # a better run is promoted over the champion, then rolled back;
    better = models(
        root,
        env,
        *("promote", "--run", second, "--name", "churn", "--alias", "champion"),
        *("--gate", "val_accuracy > champion.val_accuracy", "--json"),
    )
    assert (ok(better)["version"], ok(better)["previous_version"]) == ("2", "1")
    rollback = ok(models(root, env, "rollback", "churn", "champion", "--note", "oops", "--json"))
    assert (rollback["from_version"], rollback["to_version"]) == ("2", "1")

    # and the model is listed, shown and its history read, as text and as JSON.
    table, listed, shown, history, records = each(
        root,
        env,
        ("list",),
        ("list", "--search", "chu", "--json"),
        ("show", "churn"),
        ("history", "churn"),
        ("history", "churn", "--json"),
    )
    assert table.stdout.splitlines()[0].split() == ["NAME", "LATEST", "ALIASES", "UPDATED"]
    assert table.stdout.splitlines()[1].split()[:3] == ["churn", "2", "champion=1"]
    assert [model["name"] for model in ok(listed)] == ["churn"]
    assert shown.stdout.startswith("model        churn\naliases      champion -> 1\n")
    assert "versions:" in shown.stdout and second in shown.stdout
    assert history.stdout.splitlines()[0].split()[:4] == ["AT", "ALIAS", "FROM", "TO"]
    moves = ok(records)["moves"]
    assert [(m["action"], m["outcome"]) for m in moves] == [
        ("rollback", "moved"),
        ("promote", "moved"),
        ("promote", "refused"),
        ("promote", "moved"),
    ]
    assert {m["user"] for m in moves} == {"ann"}  # $JUPYTERHUB_USER
    assert moves[0]["note"] == "oops" and moves[2]["note"] == "nightly"


@pytest.mark.slow
def test_aliases_and_default_gates(here: tuple[Path, dict[str, str]]) -> None:
    root, env = here
    uri = tracking_uri(root)
    run = log_model_run(uri, metrics={"val_accuracy": 0.7})
    ok(models(root, env, "promote", "--run", run, "--name", "m", "--alias", "a", "--json"))

    # Default gates are set, shown, and run by a promotion that gives none;
    gates = models(root, env, "gates", "m", "--gate", "val_accuracy >= 0.75", "--json")
    assert ok(gates) == {"metrics": ["val_accuracy >= 0.75"], "smoke": False}
    shown = models(root, env, "gates", "m")
    assert shown.stdout == "gate         val_accuracy >= 0.75\nsmoke test   no\n"
    moved = models(root, env, "alias", "m", "staging", "--version", "1")
    assert "val_accuracy >= 0.75" in error_line(moved, 1)

    # gates given on the command line replace them; an alias removed is gone.
    staged = models(
        root, env, "alias", "m", "staging", "--version", "1", "--gate", "val_accuracy > 0"
    )
    assert staged.returncode == 0, staged.stderr
    assert "promotion" in staged.stdout and "promoted" in staged.stdout
    assert ok(models(root, env, "unalias", "m", "staging", "--json")) == {
        "removed": "staging",
        "model": "m",
    }
    assert "staging" not in ok(models(root, env, "show", "m", "--json"))["aliases"]


def test_refused_input_exits_2_in_one_line(here: tuple[Path, dict[str, str]]) -> None:
    root, env = here
    run = log_model_run(tracking_uri(root), metrics={"val_accuracy": 0.7})
    assert ok(models(root, env, "list", "--json")) == []  # the store, made before they run at once
    no_alias, unknown_run, bad_gate, bad_name, unknown_model, no_version, extra = each(
        root,
        env,
        ("promote", "--run", run, "--name", "m"),
        ("promote", "--run", "nope", "--name", "m", "--alias", "a"),
        ("promote", "--run", run, "--name", "m", "--alias", "a", "--gate", "val_accuracy >>= 1"),
        ("promote", "--run", run, "--name", "a/b", "--alias", "a"),
        ("show", "nope"),
        ("alias", "m", "a"),
        ("rollback", "m"),
    )
    assert error_line(no_alias, 2).startswith("--alias: ")
    assert "nope" in error_line(unknown_run, 2)
    assert "val_accuracy >>= 1" in error_line(bad_gate, 2)
    assert error_line(bad_name, 2).startswith("--name: ")
    assert "nope" in error_line(unknown_model, 2)
    assert "--version" in error_line(no_version, 2)
    assert error_line(extra, 2) == "Give NAME and ALIAS."


def test_a_root_without_a_workspace_is_refused_and_left_without_one(
    here: tuple[Path, dict[str, str]],
) -> None:
    root, env = here
    assert "workspace" in error_line(models(root, env, "list"), 2)
    assert not (root / ".mlx").exists()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A server serving a root whose workspace holds a run with a model."""
    home = tmp_path_factory.mktemp("served")
    root = home / "root"
    root.mkdir()
    tracking_uri(root)
    server = servers.start_server(home, root, f"--MLXApp.workspace_dir={root / '.mlx'}")
    yield root, servers.home_env(home) | {"JUPYTERHUB_USER": "not-the-server"}
    server.stop()


def test_through_the_server_that_serves_the_root(served: tuple[Path, dict[str, str]]) -> None:
    root, env = served
    run = log_model_run(tracking_uri(root), metrics={"val_accuracy": 0.8})

    # Given a promotion through the server (its gates polled to their end),
    promoted = models(
        root,
        env,
        *("promote", "--run", run, "--name", "served", "--alias", "champion"),
        *("--gate", "val_accuracy >= 0.5", "--json"),
    )

    # then it is promoted, its gate shown as it finished, and recorded under the server's user;
    assert ok(promoted)["state"] == "promoted"
    assert "gate passed  val_accuracy >= 0.5" in promoted.stderr
    history = ok(models(root, env, "history", "served", "--json"))
    [move] = history["moves"]
    assert move["user"] and move["user"] != "not-the-server"

    # a refusal comes back as the server's one line, and a failing gate exits 1.
    assert "nope" in error_line(models(root, env, "show", "nope"), 2)
    refusal = models(
        root,
        env,
        *("promote", "--run", run, "--name", "served", "--alias", "gold"),
        *("--gate", "val_accuracy >= 0.99"),
    )
    assert "val_accuracy >= 0.99" in error_line(refusal, 1)
