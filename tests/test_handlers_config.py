"""GET /mlx/api/config: the front-end's handshake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import mlx_server_config

from jupyter_mlx import __version__


async def test_config_describes_the_running_server(jp_fetch, mlx_workspace: Path) -> None:
    response = await jp_fetch("mlx", "api", "config")

    assert response.code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.body)
    assert body["version"] == __version__
    assert body["features"] == ["status", "experiments"]
    assert body["workspace"] == str(mlx_workspace.resolve())
    assert body["tracking_uri"] == f"sqlite:///{mlx_workspace.resolve() / 'mlflow.db'}"
    assert body["store"] == {
        "url": f"sqlite:///{mlx_workspace.resolve() / 'mlx.db'}",
        "healthy": True,
        "revision": "0001",
        "message": None,
    }
    assert (mlx_workspace / "mlx.db").is_file()
    assert (mlx_workspace / "artifacts").is_dir()


async def test_kernels_are_pointed_at_the_workspace(jp_fetch, mlx_workspace: Path) -> None:
    # Kernels inherit the server's environment; the running extension sets it.
    import os

    await jp_fetch("mlx", "api", "config")
    assert os.environ["MLX_WORKSPACE_DIR"] == str(mlx_workspace.resolve())
    assert os.environ["MLFLOW_TRACKING_URI"].endswith("/mlflow.db")


class TestWithRemoteTracking:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path) -> dict:
        return mlx_server_config(
            mlx_workspace, tracking_uri="postgresql://ann:s3cret@db.internal:5432/mlflow"
        )

    async def test_config_redacts_tracking_credentials(self, jp_fetch) -> None:
        body = json.loads((await jp_fetch("mlx", "api", "config")).body)

        assert body["tracking_uri"] == "postgresql://ann:***@db.internal:5432/mlflow"
        assert "s3cret" not in json.dumps(body)


class TestWithUnreachableStore:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path, tmp_path: Path) -> dict:
        return mlx_server_config(mlx_workspace, db_url="sqlite:///" + str(tmp_path / "ok.db"))

    async def test_a_store_deleted_under_the_server_reports_unhealthy(
        self, jp_fetch, tmp_path: Path
    ) -> None:
        (tmp_path / "ok.db").unlink()

        body = json.loads((await jp_fetch("mlx", "api", "config")).body)

        assert body["store"]["healthy"] is False
        assert body["store"]["message"] == "The store has not been created yet."
