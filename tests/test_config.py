"""Workspace settings: defaults, environment overrides, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_mlx.config import Settings, redact_url


def test_defaults_keep_everything_under_the_workspace(tmp_path: Path) -> None:
    settings = Settings.resolve(tmp_path)

    assert settings.workspace == tmp_path.resolve() / ".mlx"
    assert settings.db_url == f"sqlite:///{tmp_path.resolve() / '.mlx' / 'mlx.db'}"
    assert settings.tracking_uri == f"sqlite:///{tmp_path.resolve() / '.mlx' / 'mlflow.db'}"
    assert settings.artifacts_dir == tmp_path.resolve() / ".mlx" / "artifacts"


def test_environment_overrides_defaults_but_not_explicit_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(tmp_path / "ws"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow.internal:5000")

    from_env = Settings.resolve(tmp_path)
    explicit = Settings.resolve(tmp_path, workspace=tmp_path / "mine", tracking_uri="file:///x")

    assert from_env.workspace == tmp_path / "ws"
    assert from_env.tracking_uri == "http://mlflow.internal:5000"
    assert explicit.workspace == tmp_path / "mine"
    assert explicit.tracking_uri == "file:///x"
    assert explicit.kernel_env() == {
        "MLX_ROOT_DIR": str(tmp_path.resolve()),
        "MLX_WORKSPACE_DIR": str(tmp_path / "mine"),
        "MLFLOW_TRACKING_URI": "file:///x",
    }


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:pw@db:5432/mlx", "postgresql://ann:***@db:5432/mlx"),
        ("https://:token@mlflow.example.org/", "https://***@mlflow.example.org/"),
        ("sqlite:////srv/.mlx/mlx.db", "sqlite:////srv/.mlx/mlx.db"),
        ("http://mlflow:5000", "http://mlflow:5000"),
    ],
)
def test_redact_url_hides_only_the_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown
