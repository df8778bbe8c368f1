"""The pip flavour's uv commands under a server whose environment forces colour.

CI runners and Playwright's web server (which starts JupyterLab for the browser tests) set
``FORCE_COLOR``; uv then colours its output even into a pipe. What uv writes is parsed (the
lock) and shown as text (the install log, a refusal), so it must stay plain.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_mlx.config import Settings
from jupyter_mlx.environments.service import EnvironmentService
from jupyter_mlx.errors import InvalidInput

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ESCAPE = "\x1b"


def declare_pip(root: Path, name: str, *requirements: str) -> None:
    folder = root / "envs" / name
    folder.mkdir(parents=True)
    (folder / "requirements.in").write_text("\n".join([f"# name: {name}", *requirements]) + "\n")


def test_lock_install_and_refusal_carry_no_escape_codes_when_colour_is_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a server environment forcing colour, and two pip specs: one that resolves (a
    # small package with one dependency, which uv annotates, from the package index through
    # uv's cache), one that cannot
    monkeypatch.setenv("FORCE_COLOR", "1")
    service = EnvironmentService(Settings.resolve(tmp_path))
    declare_pip(tmp_path, "plain", "python-dateutil")
    declare_pip(tmp_path, "nowhere", "six==0.0.0")

    # When the first is locked and installed, and the second locked
    service.lock("plain")
    ready = service.install("plain")
    with pytest.raises(InvalidInput) as refused:
        service.lock("nowhere")

    # Then the lock is uv's plain requirements file, which installs
    lock = (tmp_path / "envs" / "plain" / "requirements.lock").read_text()
    assert ESCAPE not in lock
    assert "# via python-dateutil" in lock
    assert ready.state == "ready", ready.error
    # And the install log and the refusal read as plain text
    log = service.log("plain").text
    assert "uv pip sync" in log
    assert ESCAPE not in log
    assert "six==0.0.0" in refused.value.message
    assert ESCAPE not in refused.value.message
