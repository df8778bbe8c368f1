"""The scheduler with an injected clock: fire instants across a daylight-saving change,
catch-up after downtime per policy, pause and resume, and two schedulers on one store firing
each instant exactly once. No kernel runs here: the runs a fire queues stay queued."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from jobnotebooks import write_notebook

from jupyter_mlx.config import Settings
from jupyter_mlx.jobs.definitions import ScheduleLimits
from jupyter_mlx.jobs.schemas import CreateJobRequest, JobDefinition, ListJobRunsQuery
from jupyter_mlx.services import Services

UTC = timezone.utc
T0 = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def build(root: Path, clock: Clock, catchup_cap: int = 10) -> Services:
    settings = Settings.resolve(root, environ={})
    services = Services.from_settings(settings, limits=ScheduleLimits(max_catchup_runs=catchup_cap))
    services.definitions.clock = clock
    services.scheduler.clock = clock
    return services


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_notebook(tmp_path / "nb.ipynb", "print(epochs)")
    return tmp_path


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def services(root: Path, clock: Clock) -> Iterator[Services]:
    services = build(root, clock)
    yield services
    services.close()


async def schedule(services: Services, cron: str, **fields) -> JobDefinition:
    request = CreateJobRequest(notebook="nb.ipynb", cron=cron, **fields)
    return await services.definitions.create(request)


async def fired(services: Services, job: JobDefinition) -> list[tuple[datetime, str]]:
    page = await services.jobs.list_runs(ListJobRunsQuery(job_id=job.id))
    runs = sorted(page.runs, key=lambda run: run.scheduled_for or T0)
    return [(run.scheduled_for, run.trigger) for run in runs if run.scheduled_for]


async def test_a_daily_fire_keeps_its_local_time_across_a_daylight_saving_change(
    services: Services, clock: Clock
) -> None:
    # Given a daily 06:00 schedule in Paris, created two days before summer time begins,
    job = await schedule(services, "0 6 * * *", timezone="Europe/Paris")
    assert job.next_fire_at == datetime(2026, 3, 28, 5, 0, tzinfo=UTC)  # 06:00 CET

    # when the clock reaches each fire time it announced in turn,
    for _ in range(3):
        job = await services.definitions.get(job.id)
        assert job.next_fire_at is not None
        clock.moment = job.next_fire_at
        assert await services.scheduler.tick() == 1

    # then each run fired at 06:00 Paris time: UTC+1 before the change, UTC+2 after it.
    instants = [instant for instant, _ in await fired(services, job)]
    assert instants == [
        datetime(2026, 3, 28, 5, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 4, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 4, 0, tzinfo=UTC),
    ]


async def test_a_time_the_spring_change_skips_fires_once_after_the_gap(
    services: Services, clock: Clock
) -> None:
    job = await schedule(services, "30 2 * * *", timezone="Europe/Paris")
    clock.moment = datetime(2026, 3, 29, 1, 0, 30, tzinfo=UTC)  # 03:00:30 CEST, after the gap
    assert await services.scheduler.tick() == 1
    assert [i for i, _ in await fired(services, job)] == [datetime(2026, 3, 29, 1, 0, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("policy", "cap", "expected", "skipped"),
    [
        ("none", 10, [], 6),
        ("latest", 10, [60], 5),
        ("all", 10, [10, 20, 30, 40, 50, 60], 0),
        ("all", 4, [30, 40, 50, 60], 2),
    ],
)
async def test_fires_missed_while_down_follow_the_catch_up_policy(
    root: Path, clock: Clock, policy: str, cap: int, expected: list[int], skipped: int
) -> None:
    # Given a schedule every ten minutes whose scheduler stopped right after its creation,
    services = build(root, clock, catchup_cap=cap)
    try:
        job = await schedule(services, "*/10 * * * *", catchup=policy)

        # when a scheduler looks again 65 minutes later (six fires missed, none on time),
        clock.moment = T0 + timedelta(minutes=65)
        await services.scheduler.tick()

        # then the policy chose which missed fires run, and counted the others,
        runs = await fired(services, job)
        assert runs == [(T0 + timedelta(minutes=m), "catchup") for m in expected]
        job = await services.definitions.get(job.id)
        assert job.skipped_fires == skipped
        assert job.next_fire_at == T0 + timedelta(minutes=70)
        # and a second look at the same moment fires nothing more.
        assert await services.scheduler.tick() == 0
    finally:
        services.close()


async def test_a_fire_on_time_runs_whatever_the_policy(services: Services, clock: Clock) -> None:
    job = await schedule(services, "*/10 * * * *", catchup="none")
    clock.moment = T0 + timedelta(minutes=10, seconds=5)
    await services.scheduler.tick()
    assert await fired(services, job) == [(T0 + timedelta(minutes=10), "schedule")]


async def test_pause_keeps_the_definition_and_resume_fires_from_now_without_a_burst(
    services: Services, clock: Clock
) -> None:
    # Given a schedule every minute that ran twice,
    job = await schedule(services, "* * * * *")
    for minute in (1, 2):
        clock.moment = T0 + timedelta(minutes=minute)
        await services.scheduler.tick()
    # when it is paused for an hour,
    paused = await services.definitions.pause(job.id)
    assert (paused.active, paused.next_fire_at) == (False, None)
    clock.moment = T0 + timedelta(minutes=62)
    assert await services.scheduler.tick() == 0
    # then it kept its runs, and resuming fires next at the coming minute, not the missed ones.
    clock.moment = T0 + timedelta(minutes=62, seconds=40)
    resumed = await services.definitions.resume(job.id)
    assert resumed.active and resumed.run_count == 2
    assert resumed.next_fire_at == T0 + timedelta(minutes=63)
    clock.moment = T0 + timedelta(minutes=63)
    assert await services.scheduler.tick() == 1
    assert len(await fired(services, job)) == 3


async def test_two_schedulers_on_one_store_fire_each_instant_exactly_once(
    root: Path, clock: Clock
) -> None:
    # Given two schedulers (two processes' services) sharing one SQLite store,
    first, second = build(root, clock), build(root, clock)
    try:
        job = await schedule(first, "* * * * *", catchup="all")
        # when both look at every minute for ten minutes, at the same moments, concurrently,
        for minute in range(1, 11):
            clock.moment = T0 + timedelta(minutes=minute, seconds=1)
            await asyncio.gather(first.scheduler.tick(), second.scheduler.tick())
        # then each instant made one run, and the runs are all there is.
        runs = await fired(first, job)
        assert [instant for instant, _ in runs] == [T0 + timedelta(minutes=m) for m in range(1, 11)]
        page = await second.jobs.list_runs(ListJobRunsQuery(job_id=job.id))
        assert page.total == 10
    finally:
        first.close()
        second.close()


async def test_the_loop_wakes_at_the_next_fire_time_and_stops_at_once(services: Services) -> None:
    # Given a clock running in real time, 300 ms before a minute begins,
    real = datetime.now(UTC)
    boundary = real.replace(second=0, microsecond=0) + timedelta(minutes=2)
    offset = boundary - real - timedelta(milliseconds=300)
    services.definitions.clock = services.scheduler.clock = lambda: datetime.now(UTC) + offset
    # and a schedule every minute,
    job = await schedule(services, "* * * * *")
    assert job.next_fire_at == boundary
    # when the loop runs,
    loop = asyncio.ensure_future(services.scheduler.run())
    try:
        # then it fires at that minute without waiting out a poll interval,
        for _ in range(100):
            if (await services.definitions.get(job.id)).run_count:
                break
            await asyncio.sleep(0.05)
        assert await fired(services, job) == [(boundary, "schedule")]
    finally:
        # and a cancellation ends its sleep at once.
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
