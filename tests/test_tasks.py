"""The task group of background loops: crashes logged and restarted, prompt and ordered stop."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from jupyter_mlx.tasks import TaskGroup, TaskState, TaskStatus

pytestmark = pytest.mark.timeout(20)


async def test_a_crashing_task_is_logged_and_restarted_with_growing_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a loop that crashes on its first two runs and then serves until stopped,
    caplog.set_level(logging.ERROR, logger="jupyter_mlx")
    group = TaskGroup(backoff_initial=0.05, backoff_max=1.0)
    starts: list[float] = []
    serving = asyncio.Event()

    async def watch() -> None:
        starts.append(time.monotonic())
        if len(starts) <= 2:
            raise RuntimeError(f"boom {len(starts)}")
        serving.set()
        while not await group.sleep(60):
            pass

    # when it is started,
    group.start("watcher", watch)
    await asyncio.wait_for(serving.wait(), timeout=5)

    # then each crash was logged with its traceback, and the loop was started again after a
    # backoff that doubled.
    crashes = [r for r in caplog.records if "crashed" in r.getMessage()]
    assert [r.getMessage() for r in crashes] == [
        "Background task 'watcher' crashed; restarting it in 0.05 s",
        "Background task 'watcher' crashed; restarting it in 0.1 s",
    ]
    assert [str(r.exc_info[1]) for r in crashes if r.exc_info] == ["boom 1", "boom 2"]
    assert starts[1] - starts[0] >= 0.05
    assert starts[2] - starts[1] >= 0.1
    assert group.describe() == [
        TaskStatus("watcher", TaskState.RUNNING, restarts=2, last_error="RuntimeError: boom 2")
    ]
    await group.stop()
    assert group.describe()[0].state is TaskState.STOPPED


async def test_stop_cancels_tasks_promptly_in_reverse_start_order() -> None:
    # Given two loops: one blocked in a plain long sleep, one waiting on the group,
    group = TaskGroup()
    order: list[str] = []
    running = asyncio.Event()

    async def blocked() -> None:
        try:
            running.set()
            await asyncio.sleep(60)
        finally:
            order.append("blocked")

    async def polite() -> None:
        try:
            await group.sleep(60)
        finally:
            order.append("polite")

    group.start("polite", polite)
    group.start("blocked", blocked)
    await asyncio.wait_for(running.wait(), timeout=5)

    # when the group stops,
    started = time.monotonic()
    await group.stop()

    # then both ended at once, the last started first, and neither will run again.
    assert time.monotonic() - started < 1
    assert order == ["blocked", "polite"]
    assert [s.state for s in group.describe()] == [TaskState.STOPPED, TaskState.STOPPED]
    with pytest.raises(RuntimeError, match="stopped"):
        group.start("late", polite)
    assert await asyncio.wait_for(group.sleep(60), timeout=1) is True


async def test_stop_during_backoff_does_not_wait_for_the_restart() -> None:
    # Given a task that crashed and waits a minute to be restarted,
    group = TaskGroup(backoff_initial=60)

    async def crash() -> None:
        raise ValueError("no config")

    group.start("crasher", crash)
    while group.describe()[0].state is not TaskState.BACKOFF:
        await asyncio.sleep(0.01)

    # when the group stops, then it stops at once without a restart.
    started = time.monotonic()
    await group.stop()

    assert time.monotonic() - started < 1
    assert group.describe() == [
        TaskStatus("crasher", TaskState.STOPPED, 0, "ValueError: no config")
    ]


async def test_a_task_that_returns_is_done_and_its_name_free_again() -> None:
    # Given a task that does its work and returns,
    group = TaskGroup(backoff_initial=0.01)
    runs: list[int] = []

    async def once() -> None:
        runs.append(1)

    # when it has run, then it is done, never restarted, and may be started again.
    group.start("once", once)
    await asyncio.sleep(0.1)

    assert runs == [1]
    assert group.describe() == [TaskStatus("once", TaskState.DONE, 0, None)]
    group.start("once", once)
    await asyncio.sleep(0.1)
    assert len(runs) == 2
    await group.stop()


async def test_a_running_name_cannot_be_started_twice() -> None:
    group = TaskGroup()

    async def wait() -> None:
        await group.sleep(60)

    group.start("loop", wait)
    with pytest.raises(ValueError, match="already running"):
        group.start("loop", wait)
    await group.stop()


async def test_a_task_that_ignores_cancellation_is_reported_and_left(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a loop that swallows the first cancellation and ends only when released,
    caplog.set_level(logging.WARNING, logger="jupyter_mlx")
    group = TaskGroup(stop_timeout=0.1)
    released = asyncio.Event()
    running = asyncio.Event()
    ended = asyncio.Event()

    async def stubborn() -> None:
        try:
            running.set()
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            await released.wait()
        ended.set()

    group.start("stubborn", stubborn)
    await asyncio.wait_for(running.wait(), timeout=5)

    # when the group stops,
    started = time.monotonic()
    await group.stop()

    # then stop gave up after its timeout and said so, instead of hanging.
    assert time.monotonic() - started < 1
    assert "Background task 'stubborn' did not stop within 0.1 s" in caplog.messages
    released.set()
    await asyncio.wait_for(ended.wait(), timeout=5)
