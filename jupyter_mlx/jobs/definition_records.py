"""Job definitions in the store: the queries and state changes of the definition service.

All blocking; the service calls them in its threads. The scheduler's one write, advancing a
definition's cursor, is conditional on the cursor it read, so two schedulers sharing a store
never both move it (and the runs' unique fire key keeps each instant to one run anyway).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from ..errors import NotFound
from ..store import Store
from ..store.tables import JobDefinitionRecord, JobRunRecord
from .records import aware
from .schedule import FirePlan
from .schemas import ACTIVE_STATUSES, FINAL_STATUSES, JobRunBrief

#: Runs a definition's status strip shows.
STRIP_LENGTH = 30


class DefinitionStats:
    """What a definition's runs add up to: counts, the strip and the last endings."""

    def __init__(self, runs: list[JobRunRecord], run_count: int, active_runs: int) -> None:
        self.run_count = run_count
        self.active_runs = active_runs
        self.recent = [brief(run) for run in reversed(runs[:STRIP_LENGTH])]
        self.last = brief(runs[0]) if runs else None
        ended = [run.status for run in runs if run.status in FINAL_STATUSES]
        self.previous_status = ended[1] if len(ended) > 1 else None


def brief(run: JobRunRecord) -> JobRunBrief:
    return JobRunBrief(
        id=run.id,
        status=run.status,  # type: ignore[arg-type]
        trigger=run.trigger,  # type: ignore[arg-type]
        scheduled_for=aware(run.scheduled_for),
        created_at=aware(run.created_at),  # type: ignore[arg-type]
        finished_at=aware(run.finished_at),
    )


class DefinitionRecords:
    """The job definitions of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, record: JobDefinitionRecord) -> None:
        with self.store.session() as session:
            session.add(record)

    def get(self, job_id: str) -> JobDefinitionRecord:
        """One definition.

        Raises:
            NotFound: No such definition (``field`` ``job_id``).
        """
        with self.store.session() as session:
            record = session.get(JobDefinitionRecord, job_id)
        if record is None:
            raise NotFound(f"No job definition {job_id!r}.", field="job_id")
        return record

    def find(self, job_id: str) -> JobDefinitionRecord | None:
        with self.store.session() as session:
            return session.get(JobDefinitionRecord, job_id)

    def all(self, notebook: str | None = None) -> list[JobDefinitionRecord]:
        """Every definition (of one notebook), by name."""
        where = [] if notebook is None else [JobDefinitionRecord.notebook == notebook]
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(JobDefinitionRecord)
                    .where(*where)
                    .order_by(JobDefinitionRecord.name, JobDefinitionRecord.created_at)
                )
            )

    def using(self, environment: str) -> list[JobDefinitionRecord]:
        """The definitions that run on ``environment``, by name."""
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(JobDefinitionRecord)
                    .where(JobDefinitionRecord.environment == environment)
                    .order_by(JobDefinitionRecord.name, JobDefinitionRecord.created_at)
                )
            )

    def stats(self, job_id: str) -> DefinitionStats:
        """The counts, strip and last endings of a definition's runs."""
        with self.store.session() as session:
            runs = list(
                session.scalars(
                    select(JobRunRecord)
                    .where(JobRunRecord.job_id == job_id)
                    .order_by(JobRunRecord.created_at.desc(), JobRunRecord.id.desc())
                    .limit(STRIP_LENGTH + 1)
                )
            )
            counts = dict(
                session.execute(
                    select(JobRunRecord.status, func.count())
                    .where(JobRunRecord.job_id == job_id)
                    .group_by(JobRunRecord.status)
                ).all()
            )
        active = sum(int(counts.get(status, 0)) for status in ACTIVE_STATUSES)
        return DefinitionStats(runs, sum(int(n) for n in counts.values()), active)

    def update(self, job_id: str, **values: Any) -> JobDefinitionRecord:
        """Change fields of a definition.

        Raises:
            NotFound: No such definition.
        """
        with self.store.session() as session:
            done = session.execute(
                update(JobDefinitionRecord).where(JobDefinitionRecord.id == job_id).values(**values)
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise NotFound(f"No job definition {job_id!r}.", field="job_id")
        return self.get(job_id)

    def due(self, moment: datetime) -> list[JobDefinitionRecord]:
        """Active scheduled definitions whose next fire time has come."""
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(JobDefinitionRecord).where(
                        JobDefinitionRecord.active.is_(True),
                        JobDefinitionRecord.cron.is_not(None),
                        JobDefinitionRecord.next_fire_at <= moment,
                    )
                )
            )

    def next_due(self) -> datetime | None:
        """The earliest next fire time of the active definitions."""
        with self.store.session() as session:
            return aware(
                session.scalar(
                    select(func.min(JobDefinitionRecord.next_fire_at)).where(
                        JobDefinitionRecord.active.is_(True)
                    )
                )
            )

    def advance(self, record: JobDefinitionRecord, plan: FirePlan) -> bool:
        """Move a definition's cursor past the instants a plan handled, unless another
        scheduler moved it since ``record`` was read.

        Returns:
            Whether this call moved it.
        """
        read = record.last_fire_at
        with self.store.session() as session:
            done = session.execute(
                update(JobDefinitionRecord)
                .where(
                    JobDefinitionRecord.id == record.id,
                    JobDefinitionRecord.active.is_(True),
                    JobDefinitionRecord.last_fire_at.is_(None)
                    if read is None
                    else JobDefinitionRecord.last_fire_at == read,
                )
                .values(
                    last_fire_at=plan.cursor,
                    next_fire_at=plan.next_fire_at,
                    skipped_fires=JobDefinitionRecord.skipped_fires + plan.skipped,
                )
            )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def delete(self, job_id: str) -> None:
        with self.store.session() as session:
            session.execute(delete(JobDefinitionRecord).where(JobDefinitionRecord.id == job_id))
