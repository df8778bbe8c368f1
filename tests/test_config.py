"""The one workspace model: the server, the CLI, a kernel and a child process agree on it."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config import Config

from jupyter_mlx.app import MLXApp
from jupyter_mlx.cli import StatusCommand
from jupyter_mlx.config import Settings, find_root, redact_url

SOURCES = ("default", "config", "env", "config+env")
TRAITS = {"workspace": "workspace_dir", "tracking": "tracking_uri", "db": "db_url"}
VARIABLES = {
    "workspace": "MLX_WORKSPACE_DIR",
    "tracking": "MLFLOW_TRACKING_URI",
    "db": "MLX_DB_URL",
}
CASES = list(itertools.product(SOURCES, SOURCES, SOURCES))


def inputs(tmp_path: Path, workspace: str, tracking: str, db: str) -> tuple[dict, dict]:
    """The ``c.MLXApp`` section and the environment of one combination of sources."""
    values = {
        "workspace": {"config": str(tmp_path / "conf-ws"), "env": str(tmp_path / "env-ws")},
        "tracking": {"config": "http://conf-mlflow:5000", "env": "http://env-mlflow:5000"},
        "db": {"config": f"sqlite:///{tmp_path}/conf.db", "env": f"sqlite:///{tmp_path}/env.db"},
    }
    config: dict[str, str] = {}
    environ: dict[str, str] = {}
    for setting, source in (("workspace", workspace), ("tracking", tracking), ("db", db)):
        if "config" in source:
            config[TRAITS[setting]] = values[setting]["config"]
        if "env" in source:
            environ[VARIABLES[setting]] = values[setting]["env"]
    return config, environ


def expected(root: Path, config: dict, environ: dict) -> Settings:
    """What the documented order says: configuration, then environment, then default."""
    workspace = Path(
        config.get("workspace_dir") or environ.get("MLX_WORKSPACE_DIR") or root / ".mlx"
    )
    return Settings(
        root_dir=root,
        workspace=workspace,
        db_url=config.get("db_url")
        or environ.get("MLX_DB_URL")
        or f"sqlite:///{workspace / 'mlx.db'}",
        tracking_uri=config.get("tracking_uri")
        or environ.get("MLFLOW_TRACKING_URI")
        or f"sqlite:///{workspace / 'mlflow.db'}",
    )


def server_side(root: Path, config: dict) -> Settings:
    app = MLXApp(config=Config({"MLXApp": config}))
    app.serverapp = SimpleNamespace(root_dir=str(root))
    return app.resolve_settings()


def cli_side(argv: list[str]) -> Settings:
    command = StatusCommand()
    command.initialize(argv)
    return command.workspace_settings()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A server root, with the Jupyter configuration folder the CLI and kernels read."""
    folder = tmp_path / "root"
    folder.mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))
    monkeypatch.chdir(folder)
    return folder.resolve()


@pytest.mark.parametrize(("workspace", "tracking", "db"), CASES)
def test_every_face_resolves_the_same_workspace(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workspace, tracking, db
) -> None:
    # Given c.MLXApp in the server's configuration file and variables in the environment,
    config, environ = inputs(tmp_path, workspace, tracking, db)
    config_dir = tmp_path / "jupyter-config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({"MLXApp": config}))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    # when the server resolves its workspace and hands it to a kernel,
    server = server_side(root, config)
    kernel_env = {**environ, **server.process_env(server_url="http://127.0.0.1:1/", token="t")}

    # then the CLI on that root, a kernel of that server and a kernel of no server agree,
    want = expected(root, config, environ)
    assert server == want
    assert cli_side([f"--root-dir={root}"]) == want
    assert cli_side([]) == want  # the current folder is the root
    kernel = Settings.for_process(kernel_env)
    assert (kernel.root_dir, kernel.workspace, kernel.tracking_uri) == (
        want.root_dir,
        want.workspace,
        want.tracking_uri,
    )
    assert kernel.db_url == want.db_url
    assert Settings.for_process() == want  # a kernel no server started reads the same files


def test_the_reported_bug_kernel_and_server_agree_on_a_moved_workspace(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLX_ROOT_DIR", str(tmp_path / "x" / "src"))
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(tmp_path / "x" / "ws"))

    from_env = Settings.for_process()

    assert from_env.root_dir == (tmp_path / "x" / "src").resolve()
    assert from_env.workspace == (tmp_path / "x" / "ws").resolve()
    assert cli_side([]) == from_env


def test_explicit_options_beat_configuration_and_environment(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(tmp_path / "env-ws"))
    config_dir = tmp_path / "jupyter-config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"MLXApp": {"workspace_dir": str(tmp_path / "conf-ws")}})
    )

    settings = cli_side([f"--workspace={tmp_path / 'cli-ws'}", "--tracking-uri=http://cli:1"])

    assert settings.workspace == (tmp_path / "cli-ws").resolve()
    assert settings.tracking_uri == "http://cli:1"


@pytest.mark.slow
@pytest.mark.parametrize(("workspace", "tracking", "db"), [CASES[0], CASES[-1], CASES[21]])
def test_a_child_process_of_the_server_resolves_the_same_workspace(
    root: Path, tmp_path: Path, workspace, tracking, db
) -> None:
    config, environ = inputs(tmp_path, workspace, tracking, db)
    server = server_side(root, config)
    script = (
        "import json; from jupyter_mlx.config import Settings; s = Settings.for_process(); "
        "print(json.dumps([str(s.root_dir), str(s.workspace), s.db_url, s.tracking_uri]))"
    )

    child = subprocess.run(
        [sys.executable, "-c", script],
        env={"PATH": "/usr/bin:/bin", **environ, **server.process_env(server_url="http://h/")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert json.loads(child.stdout) == [
        str(server.root_dir),
        str(server.workspace),
        server.db_url,
        server.tracking_uri,
    ]


def test_defaults_keep_everything_under_the_workspace(tmp_path: Path) -> None:
    settings = Settings.resolve(tmp_path, environ={})

    assert settings.workspace == tmp_path.resolve() / ".mlx"
    assert settings.db_url == f"sqlite:///{tmp_path.resolve() / '.mlx' / 'mlx.db'}"
    assert settings.tracking_uri == f"sqlite:///{tmp_path.resolve() / '.mlx' / 'mlflow.db'}"
    assert settings.artifacts_dir == tmp_path.resolve() / ".mlx" / "artifacts"
    assert settings.embedded_tracking


@pytest.mark.parametrize(
    ("tracking", "store_workspace"),
    [
        ("default", "ws"),
        ("sqlite:///{tmp}/ws/sub/mlflow.db", "ws"),
        ("sqlite:///{tmp}/project/.mlx/mlflow.db", "project/.mlx"),
        ("http://mlflow:5000", None),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql://mlflow@db/mlflow", None),
    ],
)
def test_an_embedded_tracking_store_belongs_to_the_workspace_that_holds_it(
    tmp_path: Path, tracking: str, store_workspace: str | None
) -> None:
    uri = None if tracking == "default" else tracking.format(tmp=tmp_path)

    settings = Settings.resolve(tmp_path, workspace=tmp_path / "ws", tracking_uri=uri, environ={})

    if store_workspace is None:
        assert not settings.embedded_tracking
        assert (settings.tracking_workspace, settings.tracking_artifacts_dir) == (None, None)
    else:
        assert settings.embedded_tracking
        assert settings.tracking_workspace == tmp_path.resolve() / store_workspace
        assert settings.tracking_artifacts_dir == settings.tracking_workspace / "artifacts"


def test_the_default_root_is_the_nearest_folder_holding_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "team" / ".mlx").mkdir(parents=True)
    deep = tmp_path / "team" / "notebooks" / "week1"
    deep.mkdir(parents=True)
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / ".mlx").write_text("a file, not a workspace")

    assert find_root(deep) == (tmp_path / "team").resolve()
    assert find_root(tmp_path / "team") == (tmp_path / "team").resolve()
    assert find_root(tmp_path / "loose") == (tmp_path / "loose").resolve()


def test_a_store_url_with_credentials_stays_out_of_child_environments(tmp_path: Path) -> None:
    settings = Settings.resolve(
        tmp_path,
        db_url="postgresql://mlx:s3cret@db/mlx",
        tracking_uri="http://mlflow:5000",
    )

    env = settings.process_env(server_url="http://127.0.0.1:8888/", token="tok")

    assert "MLX_DB_URL" not in env
    assert "s3cret" not in json.dumps(env)
    assert env["MLX_SERVER_URL"] == "http://127.0.0.1:8888/"
    assert env["MLX_SERVER_TOKEN"] == "tok"
    assert env["MLFLOW_TRACKING_URI"] == "http://mlflow:5000"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:pw@db:5432/mlx", "postgresql://ann:***@db:5432/mlx"),
        ("https://:token@mlflow.example.org/", "https://***@mlflow.example.org/"),
        ("sqlite:////srv/.mlx/mlx.db", "sqlite:////srv/.mlx/mlx.db"),
        ("http://mlflow:5000", "http://mlflow:5000"),
        ("http://mlflow:5000/?token=abc&x=1", "http://mlflow:5000/?token=***&x=1"),
        (
            "https://m.example.org/api?access_token=abc",
            "https://m.example.org/api?access_token=***",
        ),
        ("https://u:p@m.example.org/?API_KEY=k", "https://u:***@m.example.org/?API_KEY=***"),
    ],
)
def test_redact_url_hides_passwords_and_tokens(url: str, shown: str) -> None:
    assert redact_url(url) == shown
