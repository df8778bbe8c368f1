"""One-shot commands (run()) and the process-group helpers they stop their children with.

Every test uses real processes.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

import psutil
import pytest

from jupyter_mlx.errors import ProcessTimeout, from_json
from jupyter_mlx.processes import run

pytestmark = pytest.mark.timeout(30)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie nobody reaped does not count)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# --- run() -----------------------------------------------------------------------------------


async def test_run_streams_merged_output_while_the_command_runs(tmp_path: Path) -> None:
    # Given a command that waits for a file the caller creates on its first line,
    go = tmp_path / "go"
    code = (
        "import os, sys, time\n"
        "print('ready', flush=True)\n"
        "while not os.path.exists(sys.argv[1]): time.sleep(0.01)\n"
        "print('done', flush=True)\n"
        "print('oops', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    lines: list[str] = []

    def on_line(line: str) -> None:
        lines.append(line)
        if line == "ready":
            go.touch()

    # when it runs,
    result = await run([sys.executable, "-c", code, go], timeout=10, on_line=on_line)

    # then its lines came as it printed them (else it would have waited for ever), stderr
    # included, and its exit status is reported, not raised.
    assert lines == ["ready", "done", "oops"]
    assert (result.returncode, result.ok, result.output) == (3, False, "ready\ndone\noops")
    assert result.argv == (sys.executable, "-c", code, str(go))


async def test_run_keeps_only_the_tail_of_the_output() -> None:
    result = await run(
        ["sh", "-c", "for i in 1 2 3 4 5; do echo $i; done"], timeout=10, tail_lines=2
    )

    assert (result.ok, result.output) == (True, "4\n5")


async def test_run_timeout_stops_the_whole_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild"
    script = f"sleep 60 & echo $! > {pidfile}; echo started; wait"

    started = time.monotonic()
    with pytest.raises(ProcessTimeout) as raised:
        await run(["sh", "-c", script], timeout=0.5, grace=1)

    assert time.monotonic() - started < 3
    assert raised.value.message == "sh did not finish within 0.5 s and was stopped."
    assert raised.value.output == "started"
    assert not alive(int(pidfile.read_text()))


def test_a_timeout_read_back_from_an_answer_is_a_process_timeout() -> None:
    body = {"message": "sh did not finish within 0.5 s and was stopped.", "code": "timeout"}

    error = from_json(504, body)

    assert isinstance(error, ProcessTimeout)
    assert (error.message, error.status, error.argv, error.timeout) == (
        body["message"],
        504,
        (),
        None,
    )


async def test_run_kills_a_group_that_ignores_sigterm(caplog: pytest.LogCaptureFixture) -> None:
    # Given a command (and its child) ignoring SIGTERM,
    caplog.set_level(logging.WARNING, logger="jupyter_mlx")
    pids: list[int] = []

    # when it times out, then it is killed once its grace period is over.
    with pytest.raises(ProcessTimeout):
        await run(
            ["sh", "-c", "trap '' TERM; echo $$; sleep 60"],
            timeout=0.3,
            grace=0.3,
            on_line=lambda line: pids.append(int(line)),
        )

    assert not alive(pids[0])
    assert any("outlived SIGTERM" in message for message in caplog.messages)


async def test_cancelling_run_stops_the_group_and_propagates() -> None:
    # Given a command running a grandchild, whose pid an async callback receives,
    pids: list[int] = []
    printed = asyncio.Event()

    async def on_line(line: str) -> None:
        pids.append(int(line))
        printed.set()

    task = asyncio.ensure_future(
        run(["sh", "-c", "sleep 60 & echo $!; wait"], timeout=60, on_line=on_line, grace=1)
    )
    await asyncio.wait_for(printed.wait(), timeout=5)

    # when the caller is cancelled,
    task.cancel()

    # then the cancellation comes through, and only after the grandchild is gone.
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not alive(pids[0])


async def test_run_stops_what_a_finished_command_left_behind() -> None:
    pids: list[int] = []

    started = time.monotonic()
    result = await run(
        ["sh", "-c", "sleep 60 & echo $!"], timeout=10, on_line=lambda line: pids.append(int(line))
    )

    assert result.ok
    assert time.monotonic() - started < 3
    assert not alive(pids[0])


async def test_an_error_in_the_line_callback_stops_the_command() -> None:
    pids: list[int] = []

    def on_line(line: str) -> None:
        pids.append(int(line))
        raise ValueError("cannot parse progress")

    with pytest.raises(ValueError, match="cannot parse progress"):
        await run(["sh", "-c", "echo $$; sleep 60"], timeout=10, on_line=on_line, grace=1)

    assert not alive(pids[0])
