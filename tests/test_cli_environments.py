"""`jupyter mlx env list|show|create|lock|install|remove` as a user types them: in this process
on a root no server serves (its channel from c.MLXApp.channels in jupyter_server_config), and
through the server that serves one. Real locks and installs against a local conda channel."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
import yaml
from commands import COMMAND_TIMEOUT_S, clean_env, error_line, ok, run_group
from condachannel import build_channel


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_channel(tmp_path_factory.mktemp("channel"))


@pytest.fixture
def here(tmp_path: Path, channel: str) -> tuple[Path, dict[str, str]]:
    """A root no server serves, and the environment of a command typed there: Jupyter's
    configuration gives the test channel in c.MLXApp.channels."""
    root = tmp_path / "root"
    root.mkdir()
    config = tmp_path / "config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"MLXApp": {"channels": [channel]}})
    )
    env = clean_env(
        JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(tmp_path / "no-servers")
    )
    return root, env


def each(
    root: Path, env: dict[str, str], *commands: tuple[str, ...]
) -> list[subprocess.CompletedProcess[str]]:
    """Several ``jupyter mlx env VERB --root-dir=ROOT ARGS...`` at once, each a process."""
    return run_group(root, env, "env", *commands)


def env_mlx(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    [result] = each(root, env, args)
    return result


@pytest.mark.slow
def test_an_environment_from_create_to_remove_in_this_process(
    here: tuple[Path, dict[str, str]], channel: str
) -> None:
    root, env = here
    # Given an environment declared in a root no server serves,
    declared = ok(env_mlx(root, env, "create", "demo", "--dep", "gamma", "--json"))
    assert (declared["name"], declared["state"], declared["spec_path"]) == (
        "demo",
        "declared",
        "envs/demo/environment.yml",
    )
    assert declared["channels"] == [channel]  # c.MLXApp.channels
    spec = root / "envs" / "demo" / "environment.yml"
    assert yaml.safe_load(spec.read_text()) == {"name": "demo", "dependencies": ["gamma"]}

    # when it is locked and installed,
    locked = ok(env_mlx(root, env, "lock", "demo", "--solver", "rattler", "--json"))
    assert (locked["state"], locked["lock_path"], locked["packages"]) == (
        "locked",
        "envs/demo/conda-lock.yml",
        3,
    )
    install = env_mlx(root, env, "install", "demo", "--json")

    # then the install's log lines come on stderr and the ready environment on stdout,
    ready = ok(install)
    assert ready["state"] == "ready"
    assert ready["prefix"] == str(root / ".mlx" / "envs" / "demo")
    assert ready["lock_sha256"] == locked["lock_sha256"] == ready["installed_lock_sha256"]
    assert set(ready) >= {"name", "state", "spec_path", "lock_path", "prefix", "kernel"}
    logged = install.stderr.splitlines()
    assert "installing demo from lock" in logged[0] and "locking" not in install.stderr
    assert "linking beta" in install.stderr and "ready in" in logged[-1]

    # and it is listed as a table and as records, and shown a fact a line.
    table, records, shown = each(root, env, ("list",), ("list", "--json"), ("show", "demo"))
    assert table.returncode == 0, table.stderr
    heading, line = table.stdout.splitlines()
    assert heading.split() == ["NAME", "STATE", "FLAVOUR", "PACKAGES", "KERNEL", "SPEC"]
    assert line.split() == ["demo", "ready", "conda", "3", "-", "envs/demo/environment.yml"]
    assert [record["name"] for record in ok(records)] == ["demo"]
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("environment  demo (conda)\nstate        ready\n")
    assert f"prefix       {root / '.mlx' / 'envs' / 'demo'}" in shown.stdout

    # When its spec is edited, it is shown stale with the changed line and the fix,
    spec.write_text(spec.read_text() + "- epsilon\n")
    stale, refused = each(root, env, ("show", "demo"), ("install", "demo"))
    assert "state        stale\n" in stale.stdout
    assert "spec lines changed since the lock:\n  + - epsilon" in stale.stdout
    assert "next         Environment 'demo' is stale" in stale.stdout
    # and an install is refused with the same fix.
    assert "run `jupyter mlx env lock demo`, then `jupyter mlx env install demo`" in (
        error_line(refused, 2)
    )

    # When it is locked again and removed keeping its spec, its prefix is gone, its spec kept;
    assert ok(env_mlx(root, env, "lock", "demo", "--json"))["packages"] == 5
    assert ok(env_mlx(root, env, "remove", "demo", "--json")) == {"removed": "demo"}
    assert not (root / ".mlx" / "envs" / "demo").exists()
    assert spec.is_file() and spec.with_name("conda-lock.yml").is_file()

    # removed with its spec, it is gone.
    gone = env_mlx(root, env, "remove", "demo", "--delete-spec")
    assert (gone.returncode, gone.stdout) == (0, ""), gone.stderr
    assert not spec.parent.exists()  # nothing else was in its folder


def test_refused_input_exits_2_in_one_line_and_writes_nothing(
    here: tuple[Path, dict[str, str]],
) -> None:
    root, env = here
    results = each(
        root,
        env,
        ("show",),
        ("show", "nope"),
        ("create", "nodeps"),
        ("create", "bad name", "--dep", "alpha"),
        ("create", "x", "--dep", "alpha", "--flavour", "apt"),
        ("create", "x", "--dep"),
        ("lock", "nope", "--solver", "mamba"),
        ("install", "nope", "--colour"),
        ("remove", "nope"),
        ("list",),
    )
    *results, empty = results
    lines = [error_line(result, 2) for result in results]

    assert lines[0] == "Give exactly one NAME."
    assert lines[1].startswith("No environment named 'nope'")
    assert lines[2].startswith("--dep: ") and "dependency list is empty" in lines[2]
    assert lines[3].startswith("NAME: String should match pattern")
    assert lines[4].startswith("--flavour: expected any of ['conda', 'pip']")
    assert lines[5] == "--dep takes a dependency: `--dep SPEC`"
    assert lines[6].startswith("--solver: expected any of ['rattler', 'conda-lock']")
    assert lines[7].startswith("unknown option '--colour'")
    assert lines[8].startswith("No environment named 'nope'")
    assert (empty.returncode, empty.stderr) == (0, "")
    assert empty.stdout.startswith("No environments: declare one in envs/NAME/environment.yml")
    assert list(root.iterdir()) == []


@pytest.mark.slow
def test_lock_and_install_refusals_and_failures(
    here: tuple[Path, dict[str, str]], tmp_path: Path, channel: str
) -> None:
    # Given specs naming their own channels (c.MLXApp.channels would replace them):
    root, env = here
    (tmp_path / "config" / "jupyter_server_config.json").write_text("{}")
    fragile = build_channel(tmp_path / "fragile", [("zeta", "1.0", [])])
    nowhere = f"http://127.0.0.1:{servers.free_port()}/conda"
    specs = {
        "clash": (channel, "[beta, alpha <2]"),
        "far": (nowhere, "[alpha]"),
        "broken": (fragile, "[zeta]"),
    }
    for name, (url, dependencies) in specs.items():
        (root / "envs" / name).mkdir(parents=True)
        (root / "envs" / name / "environment.yml").write_text(
            f"name: {name}\nchannels: [{url}]\ndependencies: {dependencies}\n"
        )

    unlocked, unsatisfiable, unreachable, broken = each(
        root,
        env,
        ("install", "clash"),
        ("lock", "clash"),
        ("lock", "far"),
        ("lock", "broken", "--json"),
    )

    # An install of an unlocked environment gives the fix (refused: 2),
    assert error_line(unlocked, 2) == (
        "Environment 'clash' is not locked: run `jupyter mlx env lock clash`, then "
        "`jupyter mlx env install clash`."
    )
    # an unsatisfiable spec the solver's explanation (refused: 2), with no lock written,
    explained = error_line(unsatisfiable, 2)
    assert explained.startswith("The dependencies of 'clash' cannot be satisfied")
    assert not (root / "envs" / "clash" / "conda-lock.yml").exists()
    # a channel that cannot be reached is named (the work failed: 1).
    assert nowhere in error_line(unreachable, 1)
    assert ok(broken)["state"] == "locked"

    # When the locked package disappears from its channel, the install fails (1), its log
    # lines and the error on stderr, the environment failed on stdout;
    (tmp_path / "fragile" / "noarch" / "zeta-1.0-0.conda").unlink()
    failed = env_mlx(root, env, "install", "broken", "--json")
    message = error_line(failed, 1)
    assert message.startswith("installing 'broken' failed: ")
    assert ok(subprocess.CompletedProcess([], 0, failed.stdout, ""))["state"] == "failed"
    assert "install failed" in failed.stderr
    # here --no-wait follows the install too: it ends with the command.
    again = env_mlx(root, env, "install", "broken", "--no-wait")
    assert error_line(again, 1).startswith("installing 'broken' failed: ")
    assert "state        failed\n" in again.stdout


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, channel: str
) -> Iterator[tuple[servers.Server, Path, dict[str, str]]]:
    """A server serving a root, its channel given on its command line only: a command that
    sees the channel went through the server."""
    home = tmp_path_factory.mktemp("served")
    root = home / "root"
    root.mkdir()
    server = servers.start_server(
        home,
        root,
        f"--MLXApp.workspace_dir={root / '.mlx'}",
        f"--MLXApp.channels={channel}",
    )
    env = servers.home_env(home)
    yield server, root, env
    server.stop()


@pytest.mark.slow
def test_through_the_server_that_serves_the_root(
    served: tuple[servers.Server, Path, dict[str, str]], channel: str
) -> None:
    server, root, env = served
    # Given an environment declared through the server (the channel is the server's),
    declared = ok(env_mlx(root, env, "create", "web", "--dep", "epsilon", "--json"))
    assert (declared["state"], declared["channels"]) == ("declared", [channel])

    # when it is locked and installed through it,
    locked = ok(env_mlx(root, env, "lock", "web", "--json"))
    install = env_mlx(root, env, "install", "web", "--json")

    # then the server answers the environment ready, and the log came on stderr;
    assert locked["packages"] == 2
    ready = ok(install)
    assert ready["state"] == "ready"
    assert "installing web from lock" in install.stderr and "ready in" in install.stderr
    # (--no-wait answers at once, installing: the server goes on with it)
    started = env_mlx(root, env, "install", "web", "--no-wait", "--json")
    assert (ok(started)["state"], started.stderr) == ("installing", "")
    deadline = time.monotonic() + COMMAND_TIMEOUT_S
    while server.get("environments/web").json()["state"] == "installing":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert server.get("environments/web").json()["state"] == "ready"
    table = env_mlx(root, env, "list")
    assert table.stdout.splitlines()[1].split()[:3] == ["web", "ready", "conda"]

    # and a refusal comes back as the server's one line; a removal through it is seen there.
    assert error_line(env_mlx(root, env, "install", "nope"), 2).startswith(
        "No environment named 'nope'"
    )
    assert ok(env_mlx(root, env, "remove", "web", "--delete-spec", "--json")) == {"removed": "web"}
    assert server.get("environments/web").status_code == 404
