"""Shared fixtures: a real Jupyter server (under a hub-style base URL) with jupyter-mlx."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture(autouse=True)
def _isolated_workspace_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's workspace or tracking server through the environment."""
    for name in (
        "MLX_WORKSPACE_DIR",
        "MLX_ROOT_DIR",
        "MLX_DB_URL",
        "MLX_SERVER_URL",
        "MLX_SERVER_TOKEN",
        "MLFLOW_TRACKING_URI",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def jp_base_url() -> str:
    """Serve under an escaped prefix, as JupyterHub does (/user/a@b/)."""
    return "/a%40b/"


@pytest.fixture
def mlx_workspace(tmp_path: Path) -> Path:
    """The workspace folder the test server is configured with."""
    return tmp_path / "workspace"


def mlx_server_config(workspace: Path, **mlx: str) -> dict:
    """A server configuration enabling jupyter-mlx on ``workspace`` with more ``MLXApp`` traits."""
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_mlx": True}},
        "MLXApp": {"workspace_dir": str(workspace), **mlx},
    }


@pytest.fixture
def jp_server_config(mlx_workspace: Path) -> dict:
    return mlx_server_config(mlx_workspace)


#: Variables MLflow's fluent API writes to os.environ behind monkeypatch's back.
MLFLOW_PROCESS_ENV = ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID", "MLFLOW_RUN_ID")


@pytest.fixture
def mlflow_state() -> Iterator[None]:
    """Undo the process-wide state MLflow's fluent API keeps after a test.

    ``mlflow.set_tracking_uri`` and ``mlflow.set_experiment`` store module globals and also
    export ``MLFLOW_TRACKING_URI`` / ``MLFLOW_EXPERIMENT_ID`` to ``os.environ``.
    """
    import mlflow
    from mlflow.tracking import fluent

    saved = {name: os.environ.get(name) for name in MLFLOW_PROCESS_ENV}
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(None)
    fluent._active_experiment_id = None
    fluent._last_active_run_id.set(None)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    """IPython's shell with the jupyter-mlx magics, removed again after the test."""
    from IPython.testing import globalipapp

    from jupyter_mlx.magics import register_magics, unregister_magics

    globalipapp.start_ipython()
    ipython = globalipapp.get_ipython()
    register_magics(ipython)
    yield ipython
    unregister_magics(ipython)
