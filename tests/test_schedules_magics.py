"""``%mlx_schedule`` and ``%mlx_sweep`` in a kernel of a server with jupyter-mlx: the notebook
as saved is scheduled, or swept, through the server's API; bad input is one line.

The server and the kernel-like shell are test_jobs_magics.py's fixtures, imported (F811: the
tests take them as arguments by name).
"""
# ruff: noqa: F811

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import servers
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from test_jobs_magics import server, shell  # noqa: F401

from jupyter_mlx.jobs.schemas import Sweep
from jupyter_mlx.magics import ScheduleView, SweepWidget

pytestmark = pytest.mark.slow


def jobs(server: servers.Server) -> list[dict]:
    return server.get("jobs").json()["jobs"]


def test_mlx_schedule_schedules_this_notebook_and_shows_its_next_fire_times(
    shell: InteractiveShell, server: servers.Server
) -> None:
    view = shell.run_line_magic(
        "mlx_schedule", '"30 6 * * 1-5" --tz Europe/Paris --name morning -p epochs 5'
    )

    # The server has the definition of this notebook, with its schedule and values,
    assert isinstance(view, ScheduleView)
    [job] = [j for j in jobs(server) if j["id"] == view.job.id]
    assert (job["name"], job["notebook"], job["cron"], job["timezone"]) == (
        "morning",
        "nb.ipynb",
        "30 6 * * 1-5",
        "Europe/Paris",
    )
    assert job["parameters"] == {"epochs": 5} and job["catchup"] == "latest"
    # and the display names its id, the schedule in words and five weekday mornings.
    fires = view.preview.next_fire_times
    assert len(fires) == 5
    paris = [moment.astimezone(ZoneInfo("Europe/Paris")) for moment in fires]
    assert {(m.hour, m.minute) for m in paris} == {(6, 30)}
    assert all(m.weekday() < 5 for m in paris) and fires == sorted(fires)
    bundle = view._repr_mimebundle_()
    text, html = bundle["text/plain"], bundle["text/html"]
    assert text.startswith(f"Job 'morning' ({job['id']}) runs nb.ipynb 30 6 * * 1-5 in ")
    assert "At 06:30, Monday through Friday" in text and "At 06:30" in html
    for moment in paris:
        assert moment.strftime("%Y-%m-%d 06:30") in text
        assert moment.strftime("%Y-%m-%d 06:30") in html
    assert job["id"] in html and "mlx:open-job-definition" in html


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('"61 * * * *"', "mlx: Cron expression '61 * * * *' is not valid: "),
        ('"0 6 * * *" --tz Mars/Olympus', "mlx: Unknown time zone 'Mars/Olympus': "),
        ('"0 6 * * *" -p epochs x', "mlx: Parameter 'epochs' takes an integer "),
        ('"0 6 * * *" --catchup sometimes', "UsageError"),
    ],
)
def test_a_refused_schedule_is_one_line_and_creates_nothing(
    shell: InteractiveShell,
    server: servers.Server,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
) -> None:
    before = len(jobs(server))
    if message == "UsageError":
        with pytest.raises(UsageError, match="--catchup: Input should be 'none', 'latest' or"):
            shell.run_line_magic("mlx_schedule", line)
    else:
        assert shell.run_line_magic("mlx_schedule", line) is None
        out = capsys.readouterr().out
        assert out.startswith(message) and out.count("\n") == 1
    assert len(jobs(server)) == before


def test_mlx_sweep_runs_this_notebook_over_a_grid_and_follows_it_to_its_end(
    shell: InteractiveShell, server: servers.Server, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("mlx_sweep", "-p epochs 1,2 --strategy grid")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("mlx: Sweep ") and "of nb.ipynb: running, 0 of 2 trials" in lines[0]
    assert lines[-1].endswith(": succeeded, 2 of 2 trials done")
    sweep_id = lines[-1].split()[2]
    [summary] = [s for s in server.get("sweeps").json()["sweeps"] if s["id"].startswith(sweep_id)]
    sweep = Sweep.model_validate(server.get(f"sweeps/{summary['id']}").json())
    assert [t.values for t in sweep.trials] == [{"epochs": 1}, {"epochs": 2}]
    assert [t.run.status for t in sweep.trials] == ["succeeded", "succeeded"]

    # In a notebook front-end, the same sweep shows as a full progress bar over its trials.
    widget = SweepWidget(sweep)
    assert (widget.bar.value, widget.bar.max, widget.bar.bar_style) == (2, 2, "success")
    assert "succeeded, 2 of 2 trials done" in widget.header.value
    assert widget.trials.value.count("<td>succeeded</td>") == 2


def test_mlx_sweep_no_wait_returns_at_once(
    shell: InteractiveShell, server: servers.Server, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    shell.run_line_magic("mlx_sweep", "-p epochs 3:4 --no-wait")

    [line] = capsys.readouterr().out.splitlines()
    assert line.endswith(": running, 0 of 2 trials done")
    assert time.monotonic() - started < 10
    sweep_id = line.split()[2]
    [summary] = [s for s in server.get("sweeps").json()["sweeps"] if s["id"].startswith(sweep_id)]
    deadline = time.monotonic() + 120
    while server.get(f"sweeps/{summary['id']}").json()["status"] == "running":
        assert time.monotonic() < deadline, "the sweep did not end"
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "mlx: A sweep needs at least one varied parameter"),
        ("-p lr 0.1:0.5", "mlx: -p lr 0.1:0.5: a grid range of floats needs a step"),
        ("-p batch 1,2", "mlx: The sweep varies 'batch', which the notebook's parameters cell"),
        ("-p epochs 1,2 --strategy optuna", "mlx: An optuna sweep optimises a metric"),
    ],
)
def test_a_refused_sweep_is_one_line_and_starts_nothing(
    shell: InteractiveShell,
    server: servers.Server,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
) -> None:
    before = len(server.get("sweeps").json()["sweeps"])
    shell.run_line_magic("mlx_sweep", line)
    out = capsys.readouterr().out
    assert out.startswith(message) and out.count("\n") == 1
    assert len(server.get("sweeps").json()["sweeps"]) == before


def test_without_a_server_the_magics_say_so_in_one_line(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MLX_SERVER_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(Path(__file__).parent / "no-such-runtime"))
    shell.run_line_magic("mlx_schedule", '"0 6 * * *"')
    shell.run_line_magic("mlx_sweep", "-p epochs 1,2")
    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith("mlx: No jupyter-mlx server serves ")
    assert first.endswith("or use `jupyter mlx jobs create` in a terminal.")
    assert second.endswith("or use `jupyter mlx sweep` in a terminal.")


def test_next_fire_times_are_in_the_schedule_zone(shell: InteractiveShell) -> None:
    view = shell.run_line_magic("mlx_schedule", '"0 12 * * *" --tz Asia/Tokyo')
    assert isinstance(view, ScheduleView)
    first = view.preview.next_fire_times[0]
    assert isinstance(first, datetime) and first.utcoffset().total_seconds() == 9 * 3600
    assert "JST" in repr(view)
