"""%load_ext jupyter_mlx and %mlx_status in an IPython shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from IPython.testing.globalipapp import start_ipython

from jupyter_mlx.config import Settings
from jupyter_mlx.services import Services


@pytest.fixture(scope="module")
def ip():
    shell = start_ipython()
    yield shell
    shell.run_line_magic("unload_ext", "jupyter_mlx")


def test_load_ext_registers_the_magics(ip) -> None:
    ip.run_line_magic("load_ext", "jupyter_mlx")

    assert "mlx_status" in ip.magics_manager.magics["line"]


def test_mlx_status_shows_the_kernels_workspace(
    ip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / ".mlx"
    Services.from_settings(Settings.resolve(tmp_path)).close()
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(workspace))
    ip.run_line_magic("load_ext", "jupyter_mlx")

    status = ip.run_line_magic("mlx_status", "")

    assert status.status.workspace == str(workspace)
    html = status._repr_html_()
    assert "<th style='text-align:left'>Workspace</th>" in html
    assert "ok (revision 0001)" in html
    assert f"workspace     {workspace}" in repr(status)
