"""Cron schedules in IANA time zones: validation, words, fire times and catch-up.

Fire times come from croniter on aware datetimes of the definition's zone (``zoneinfo``), so a
daily 06:00 stays 06:00 on the wall clock across a daylight-saving change. A local time that a
change skips fires at the first minute after the gap (02:30 fires at 03:00 in Paris on the
spring change); one that a change repeats fires at each of its two instants, as croniter
computes them. Every instant is handed to the store in UTC.

What a scheduler that wakes late fires is decided here, by :func:`plan_fires`: instants that
came due within :data:`ON_TIME_S` of now are on time and always fire; older ones were missed
(the scheduler was not running) and follow the definition's catch-up policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InvalidInput

#: A fire this many seconds late still counts as on time (a loop woken under load).
ON_TIME_S = 30.0
#: Most fires a plan looks at after a long downtime (a minutely schedule down for a week).
MAX_SCANNED_FIRES = 100_000


def zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The IANA time zone ``name``.

    Raises:
        InvalidInput: No such zone (``field`` names the input).
    """
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"Unknown time zone {name!r}: give an IANA name such as 'Europe/Paris' or 'UTC'.",
            field=field,
        ) from exc


def check_cron(expression: str, *, field: str = "cron") -> str:
    """A five-field cron expression, normalised to single spaces.

    Raises:
        InvalidInput: It has not five fields, or croniter refuses one (``field`` names it).
    """
    from croniter import croniter

    fields = expression.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"Cron expression {expression!r} has {len(fields)} fields; give five: minute hour "
            "day-of-month month day-of-week (e.g. '0 6 * * 1-5').",
            field=field,
        )
    normal = " ".join(fields)
    if not croniter.is_valid(normal):
        raise InvalidInput(
            f"Cron expression {expression!r} is not valid: each field takes numbers, ranges "
            "(1-5), lists (1,3), steps (*/15) or names (mon, jan).",
            field=field,
        )
    return normal


@lru_cache(maxsize=256)
def describe(expression: str) -> str:
    """The expression in words: ``'0 6 * * 1-5'`` is ``'At 06:00, Monday through Friday'``."""
    from cron_descriptor import Options, get_description

    options = Options()
    options.use_24hour_time_format = True
    options.verbose = False
    return str(get_description(expression, options))


def fire_times(expression: str, tz: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """The fire times strictly after ``after``, in ``tz``, without end."""
    from croniter import croniter

    iterator = croniter(expression, after.astimezone(tz))
    while True:
        yield iterator.get_next(datetime)


def next_fire(expression: str, tz: ZoneInfo, after: datetime) -> datetime:
    """The first fire time strictly after ``after``, in UTC."""
    return next(fire_times(expression, tz, after)).astimezone(timezone.utc)


def preview(expression: str, tz: ZoneInfo, now: datetime, count: int) -> list[datetime]:
    """The next ``count`` fire times after ``now``, in ``tz``."""
    times = fire_times(expression, tz, now)
    return [next(times) for _ in range(count)]


@dataclass(frozen=True, slots=True)
class FirePlan:
    """What one look at a definition fires.

    Attributes:
        fires: The instants to fire (UTC), oldest first, each with its trigger: ``schedule``
            when on time, ``catchup`` when missed.
        skipped: Missed instants the policy does not run.
        cursor: The last instant handled, to store as the definition's ``last_fire_at``.
        next_fire_at: The first instant after now.
    """

    fires: list[tuple[datetime, str]] = field(default_factory=list)
    skipped: int = 0
    cursor: datetime | None = None
    next_fire_at: datetime | None = None


def plan_fires(
    expression: str,
    tz: ZoneInfo,
    *,
    cursor: datetime,
    now: datetime,
    policy: str,
    cap: int,
) -> FirePlan:
    """The fires due between ``cursor`` (excluded) and ``now`` (included), per ``policy``.

    Args:
        expression: The cron expression.
        tz: Its time zone.
        cursor: The last instant already handled (or the moment the schedule began).
        now: The scheduler's clock.
        policy: ``none`` runs no missed instant, ``latest`` the latest one, ``all`` every one,
            the latest ``cap`` of them.
        cap: Most missed instants ``all`` runs.
    """
    due: list[datetime] = []
    upcoming = None
    for count, moment in enumerate(fire_times(expression, tz, cursor)):
        instant = moment.astimezone(timezone.utc)
        if instant > now:
            upcoming = instant
            break
        if count >= MAX_SCANNED_FIRES:
            upcoming = next_fire(expression, tz, now)
            break
        due.append(instant)
    late = now - timedelta(seconds=ON_TIME_S)
    on_time = [instant for instant in due if instant >= late]
    missed = [instant for instant in due if instant < late]
    if policy == "all":
        kept = missed[-cap:] if cap > 0 else []
    elif policy == "latest" and not on_time:
        kept = missed[-1:]
    else:
        kept = []
    fires = [(instant, "catchup") for instant in kept] + [(i, "schedule") for i in on_time]
    return FirePlan(
        fires=fires,
        skipped=len(missed) - len(kept),
        cursor=due[-1] if due else cursor,
        next_fire_at=upcoming,
    )
