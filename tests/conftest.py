"""Shared fixtures: a real Jupyter server (under a hub-style base URL) with jupyter-mlx."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture(autouse=True)
def _isolated_workspace_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's workspace or tracking server through the environment."""
    monkeypatch.delenv("MLX_WORKSPACE_DIR", raising=False)
    monkeypatch.delenv("MLX_ROOT_DIR", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


@pytest.fixture
def jp_base_url() -> str:
    """Serve under an escaped prefix, as JupyterHub does (/user/a@b/)."""
    return "/a%40b/"


@pytest.fixture
def mlx_workspace(tmp_path: Path) -> Path:
    """The workspace folder the test server is configured with."""
    return tmp_path / "workspace"


@pytest.fixture
def jp_server_config(mlx_workspace: Path) -> dict:
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_mlx": True}},
        "MLXApp": {"workspace_dir": str(mlx_workspace)},
    }
