"""``%mlx_env`` in a kernel: the environment it runs on (from MLX_ENV_NAME and
MLX_ENV_LOCK_SHA256, as an environment's kernelspec sets them), its state and the one-line fix,
and the workspace's environments; read in this process, or through the server that started
the kernel."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import servers
from condachannel import build_channel
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from jupyter_mlx.config import Settings
from jupyter_mlx.environments.schemas import CreateEnvironmentRequest, Environment
from jupyter_mlx.environments.service import EnvironmentConfig
from jupyter_mlx.magics import (
    EnvironmentsView,
    KernelEnvironment,
)
from jupyter_mlx.services import Services


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_channel(tmp_path_factory.mktemp("channel"))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A root no server serves, as a kernel of a notebook in it sees it."""
    folder = tmp_path / "root"
    folder.mkdir()
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "no-servers"))
    monkeypatch.setenv("MLX_ROOT_DIR", str(folder))
    return folder


def installed(root: Path, channel: str, name: str = "demo") -> Environment:
    """Declare, lock and install an environment of ``root`` (the kernel runs on it)."""
    services = Services.from_settings(
        Settings.resolve(root), migrate=False, environments=EnvironmentConfig()
    )
    try:
        environments = services.environments
        request = CreateEnvironmentRequest(name=name, channels=[channel], dependencies=["gamma"])
        environments.create(request)
        environments.lock(name)
        return environments.install(name)
    finally:
        services.close()


def relocked(root: Path, name: str = "demo") -> Environment:
    services = Services.from_settings(Settings.resolve(root), migrate=False)
    try:
        services.environments.lock(name)
        return services.environments.install(name)
    finally:
        services.close()


def on(monkeypatch: pytest.MonkeyPatch, environment: Environment) -> None:
    """Make this process a kernel of ``environment``, as its kernelspec starts one."""
    monkeypatch.setenv("MLX_ENV_NAME", environment.name)
    monkeypatch.setenv("MLX_ENV_LOCK_SHA256", environment.installed_lock_sha256 or "")


def test_a_kernel_on_a_ready_environment_shows_it_without_a_fix(
    shell: InteractiveShell, root: Path, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = installed(root, channel)
    on(monkeypatch, environment)

    shown = shell.run_line_magic("mlx_env", "")

    assert isinstance(shown, KernelEnvironment)
    assert shown.fix is None
    sha = (environment.lock_sha256 or "")[:12]
    assert repr(shown) == f"Environment 'demo' (conda): ready, lock {sha} (3 packages)."
    html = shown._repr_mimebundle_()["text/html"]
    assert "<b>demo</b>" in html and "ready" in html and "Fix" not in html


def test_a_stale_environment_shows_its_changed_lines_and_the_fix(
    shell: InteractiveShell, root: Path, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, installed(root, channel))
    spec = root / "envs" / "demo" / "environment.yml"
    spec.write_text(spec.read_text().replace("- gamma", "- gamma\n- epsilon"))

    shown = shell.run_line_magic("mlx_env", "")

    lines = repr(shown).splitlines()
    assert lines[0].startswith("Environment 'demo' (conda): stale, lock ")
    assert lines[1:3] == ["Spec lines changed since the lock:", "  + - epsilon"]
    assert lines[3] == (
        "Environment 'demo' is stale (its spec changed since it was locked): run "
        "`jupyter mlx env lock demo`, then `jupyter mlx env install demo`."
    )
    assert "<pre>+ - epsilon</pre>" in shown._repr_mimebundle_()["text/html"]


def test_a_kernel_started_on_an_older_lock_is_told_to_restart(
    shell: InteractiveShell, root: Path, channel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = installed(root, channel)
    on(monkeypatch, first)
    spec = root / "envs" / "demo" / "environment.yml"
    spec.write_text(spec.read_text().replace("- gamma", "- gamma\n- epsilon"))
    now = relocked(root)

    shown = shell.run_line_magic("mlx_env", "")

    assert now.state == "ready"
    assert shown.fix == (
        f"This kernel started on lock {(first.lock_sha256 or '')[:12]} of 'demo', which is now "
        f"installed from lock {(now.lock_sha256 or '')[:12]}: restart the kernel to use it."
    )
    assert repr(shown).endswith(shown.fix)


def test_list_shows_the_workspaces_environments(
    shell: InteractiveShell, root: Path, channel: str
) -> None:
    installed(root, channel)
    (root / "envs" / "broken").mkdir()
    (root / "envs" / "broken" / "environment.yml").write_text("name: [broken\n")

    shown = shell.run_line_magic("mlx_env", "list")

    assert isinstance(shown, EnvironmentsView)
    first, problem = repr(shown).splitlines()
    assert first == "demo: ready (conda, envs/demo/environment.yml)"
    assert problem.startswith("Cannot read envs/broken/environment.yml: ")
    html = shown._repr_mimebundle_()["text/html"]
    assert "<td>demo</td><td>ready</td>" in html


def test_without_an_environment_or_with_a_gone_one_it_says_so_in_one_line(
    shell: InteractiveShell,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MLX_ENV_NAME", raising=False)
    assert shell.run_line_magic("mlx_env", "") is None
    assert capsys.readouterr().out == (
        "mlx: This kernel runs on no environment of the workspace: pick a kernel "
        "'Python (mlx: NAME)' (`%mlx_env list` shows the environments).\n"
    )

    monkeypatch.setenv("MLX_ENV_NAME", "gone")
    assert shell.run_line_magic("mlx_env", "") is None
    out = capsys.readouterr().out
    assert out.startswith("mlx: No environment named 'gone'") and out.count("\n") == 1

    assert repr(shell.run_line_magic("mlx_env", "list")).startswith("No environments")
    assert list(root.iterdir()) == []  # a read creates nothing

    with pytest.raises(UsageError, match="command: Input should be 'list'"):
        shell.run_line_magic("mlx_env", "show")


@pytest.mark.slow
def test_a_kernel_of_the_server_reads_through_its_api(
    tmp_path: Path, channel: str, shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a server whose channel is on its command line only, an environment installed
    # through it, and a kernel it started on that environment,
    root = tmp_path / "served"
    root.mkdir()
    server = servers.start_server(
        tmp_path / "jupyter",
        root,
        f"--MLXApp.workspace_dir={root / '.mlx'}",
        f"--MLXApp.channels={channel}",
    )
    try:
        assert server.post("environments", {"name": "web", "dependencies": ["alpha"]}).ok
        assert server.post("environments/web/lock", {}).ok
        assert server.post("environments/web/install", {}).status_code == 202
        while server.get("environments/web").json()["state"] == "installing":
            time.sleep(0.05)
        lock = server.get("environments/web").json()["installed_lock_sha256"]
        monkeypatch.setenv("MLX_SERVER_URL", server.api.removesuffix("mlx/api/"))
        monkeypatch.setenv("MLX_SERVER_TOKEN", server.token)
        monkeypatch.setenv("MLX_ROOT_DIR", str(root))
        monkeypatch.setenv("MLX_WORKSPACE_DIR", str(root / ".mlx"))
        monkeypatch.setenv("MLX_ENV_NAME", "web")
        monkeypatch.setenv("MLX_ENV_LOCK_SHA256", lock)

        # when the kernel asks for its environment and the list,
        shown = shell.run_line_magic("mlx_env", "")
        listed = shell.run_line_magic("mlx_env", "list")
    finally:
        server.stop()

    # then the server answered both: the channel is the server's.
    assert (shown.environment.state, shown.environment.channels, shown.fix) == (
        "ready",
        [channel],
        None,
    )
    assert [environment.name for environment in listed.listing.environments] == ["web"]
