"""Job runs in the store: the queries and state changes of the job service (all blocking).

Only the job service calls these, in worker threads; each state change is one transaction,
and a change that depends on the current status says so in its ``WHERE`` clause, so two
processes sharing the store never both claim a run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import InvalidInput, NotFound
from ..store import Store
from ..store.tables import JobAttemptRecord, JobRunRecord, SweepRecord
from .files import RunFiles
from .schemas import (
    JobAttempt,
    JobRun,
    JobRunError,
    JobRunProgress,
    ListJobRunsQuery,
    WebhookDelivery,
)

_TOKEN = re.compile(r"^(\d{1,16}):([0-9a-f]{32})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
#: Queued runs a claim looks at per free slot: runs held back by their group's cap are passed.
CANDIDATES_PER_SLOT = 20


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(moment: datetime | None) -> datetime | None:
    """A stored time in UTC (SQLite hands times back without their zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Owner:
    """The process executing a run's attempt."""

    host: str
    pid: int
    create_time: float


def _error(data: dict[str, Any] | None) -> JobRunError | None:
    return None if data is None else JobRunError.model_validate(data)


def to_schema(
    record: JobRunRecord,
    attempts: Iterable[JobAttemptRecord],
    files: RunFiles,
    progress: JobRunProgress | None = None,
) -> JobRun:
    """The wire form of a run and its attempts."""
    return JobRun(
        id=record.id,
        job_id=record.job_id,
        notebook=record.notebook,
        status=record.status,  # type: ignore[arg-type]
        parameters=record.parameters,
        kernel=record.kernel,
        environment=record.environment,
        environment_lock_sha256=record.environment_lock_sha256,
        inputs=record.inputs or [],
        timeout=record.timeout,
        retries=record.retries,
        retry_backoff=record.retry_backoff,
        output_formats=record.output_formats,  # type: ignore[arg-type]
        experiment=record.experiment,
        idempotency_key=record.idempotency_key,
        attempt=record.attempt,
        attempts=[
            JobAttempt(
                number=attempt.number,
                status=attempt.status,  # type: ignore[arg-type]
                kernel=attempt.kernel,
                warm_kernel=attempt.warm_kernel,
                started_at=aware(attempt.started_at),  # type: ignore[arg-type]
                finished_at=aware(attempt.finished_at),
                error=_error(attempt.error),
            )
            for attempt in sorted(attempts, key=lambda a: a.number)
        ],
        progress=progress if record.status == "running" else None,
        created_at=aware(record.created_at),  # type: ignore[arg-type]
        started_at=aware(record.started_at),
        finished_at=aware(record.finished_at),
        next_attempt_at=aware(record.next_attempt_at) if record.status == "queued" else None,
        input_path=str(files.input),
        output_path=record.output_path,
        html_path=record.html_path,
        log_path=str(files.log),
        mlflow_experiment_id=record.mlflow_experiment_id,
        mlflow_run_id=record.mlflow_run_id,
        error=_error(record.error),
        trigger=record.trigger,  # type: ignore[arg-type]
        scheduled_for=aware(record.scheduled_for),
        sweep_id=record.sweep_id,
        webhook=None if record.webhook is None else WebhookDelivery.model_validate(record.webhook),
    )


class JobRecords:
    """The job runs of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, record: JobRunRecord) -> tuple[JobRunRecord, bool]:
        """Add a queued run; a repeated idempotency key, or a scheduled instant of its job that
        has fired already, gives the run made before instead.

        Returns:
            The run, and whether it was added now.
        """
        try:
            with self.store.session() as session:
                session.add(record)
        except IntegrityError:
            existing = None
            if record.idempotency_key is not None:
                existing = self.by_idempotency_key(record.idempotency_key)
            if existing is None and record.scheduled_for is not None:
                existing = self.by_fire(record.job_id, record.scheduled_for)
            if existing is None:
                raise
            return existing, False
        return record, True

    def by_fire(self, job_id: str, scheduled_for: datetime) -> JobRunRecord | None:
        """The run a job's schedule made for one instant."""
        with self.store.session() as session:
            return session.scalar(
                select(JobRunRecord).where(
                    JobRunRecord.job_id == job_id, JobRunRecord.scheduled_for == scheduled_for
                )
            )

    def by_idempotency_key(self, key: str) -> JobRunRecord | None:
        with self.store.session() as session:
            return session.scalar(select(JobRunRecord).where(JobRunRecord.idempotency_key == key))

    def job_exists(self, job_id: str) -> bool:
        with self.store.session() as session:
            found = session.scalar(
                select(JobRunRecord.id).where(JobRunRecord.job_id == job_id).limit(1)
            )
        return found is not None

    def get(self, run_id: str) -> tuple[JobRunRecord, list[JobAttemptRecord]]:
        """A run and its attempts.

        Raises:
            NotFound: No such run.
        """
        with self.store.session() as session:
            record = session.get(JobRunRecord, run_id)
            if record is None:
                raise NotFound(f"No job run {run_id!r}.", field="job_run_id")
            attempts = list(
                session.scalars(select(JobAttemptRecord).where(JobAttemptRecord.run_id == run_id))
            )
        return record, attempts

    def page(
        self, query: ListJobRunsQuery
    ) -> tuple[list[JobRunRecord], dict[str, list[JobAttemptRecord]], str | None, int]:
        """A page of runs, newest first, with their attempts, the next page's token and the
        count of runs matching the filters.

        Raises:
            InvalidInput: The page token is not one this route gave (``field`` page_token).
        """
        filters = []
        if query.notebook:
            filters.append(JobRunRecord.notebook == query.notebook)
        if query.status:
            filters.append(JobRunRecord.status.in_(query.status))
        if query.job_id:
            filters.append(JobRunRecord.job_id == query.job_id)
        if query.sweep_id:
            filters.append(JobRunRecord.sweep_id == query.sweep_id)
        keyset = []
        if query.page_token:
            match = _TOKEN.match(query.page_token)
            if match is None:
                raise InvalidInput(
                    "page_token: not a page token of this route; pass a previous next_page_token.",
                    field="page_token",
                )
            created = _EPOCH + int(match[1]) * _MICROSECOND
            keyset.append(
                or_(
                    JobRunRecord.created_at < created,
                    and_(JobRunRecord.created_at == created, JobRunRecord.id < match[2]),
                )
            )
        with self.store.session() as session:
            total = session.scalar(select(func.count()).select_from(JobRunRecord).where(*filters))
            records = list(
                session.scalars(
                    select(JobRunRecord)
                    .where(*filters, *keyset)
                    .order_by(JobRunRecord.created_at.desc(), JobRunRecord.id.desc())
                    .limit(query.max_results + 1)
                )
            )
            more = len(records) > query.max_results
            records = records[: query.max_results]
            attempts: dict[str, list[JobAttemptRecord]] = {r.id: [] for r in records}
            if records:
                for attempt in session.scalars(
                    select(JobAttemptRecord).where(JobAttemptRecord.run_id.in_(list(attempts)))
                ):
                    attempts[attempt.run_id].append(attempt)
        token = None
        if more and records:
            last = records[-1]
            created_us = (aware(last.created_at) - _EPOCH) // _MICROSECOND  # type: ignore[operator]
            token = f"{created_us}:{last.id}"
        return records, attempts, token, int(total or 0)

    def claim_due(
        self, owner: Owner, limit: int, only: set[str] | None = None
    ) -> list[tuple[JobRunRecord, int]]:
        """Take up to ``limit`` queued runs that are due, oldest first, and start an attempt of
        each: the run becomes ``running`` under ``owner``. A run whose group (its sweep, else
        its job) has ``max_concurrent`` runs running waits for one of them to end.

        Args:
            owner: The process that executes them.
            limit: The most runs to take.
            only: Take only runs among these ids.

        Returns:
            The runs claimed and the number of the attempt each starts.
        """
        if limit <= 0:
            return []
        moment = now()
        claimed: list[tuple[JobRunRecord, int]] = []
        among = [] if only is None else [JobRunRecord.id.in_(sorted(only))]
        with self.store.session() as session:
            candidates = list(
                session.scalars(
                    select(JobRunRecord)
                    .where(
                        *among,
                        JobRunRecord.status == "queued",
                        or_(
                            JobRunRecord.next_attempt_at.is_(None),
                            JobRunRecord.next_attempt_at <= moment,
                        ),
                    )
                    .order_by(JobRunRecord.created_at, JobRunRecord.id)
                    .limit(limit * CANDIDATES_PER_SLOT)
                )
            )
            running: Counter[str] = Counter()
            for record in candidates:
                if len(claimed) >= limit:
                    break
                group = record.sweep_id or record.job_id
                if record.max_concurrent is not None:
                    if group not in running:
                        running[group] = self._running_in(session, record)
                    if running[group] >= record.max_concurrent:
                        continue
                number = record.attempt + 1
                taken = session.execute(
                    update(JobRunRecord)
                    .where(JobRunRecord.id == record.id, JobRunRecord.status == "queued")
                    .values(
                        status="running",
                        attempt=number,
                        started_at=record.started_at or moment,
                        next_attempt_at=None,
                        error=None,
                        host=owner.host,
                        owner_pid=owner.pid,
                        owner_create_time=owner.create_time,
                    )
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount != 1:  # type: ignore[attr-defined]
                    continue
                session.add(
                    JobAttemptRecord(
                        run_id=record.id,
                        number=number,
                        status="running",
                        kernel=record.kernel,
                        warm_kernel=False,
                        started_at=moment,
                    )
                )
                session.refresh(record)
                claimed.append((record, number))
                running[group] += 1
        return claimed

    @staticmethod
    def _running_in(session: Any, record: JobRunRecord) -> int:
        column = JobRunRecord.sweep_id if record.sweep_id else JobRunRecord.job_id
        return int(
            session.scalar(
                select(func.count()).where(
                    column == (record.sweep_id or record.job_id), JobRunRecord.status == "running"
                )
            )
            or 0
        )

    def sweep_run(self, sweep_id: str) -> tuple[str, str | None]:
        """A sweep's id and its parent MLflow run's, which its trials' runs nest under."""
        with self.store.session() as session:
            return sweep_id, session.scalar(
                select(SweepRecord.mlflow_run_id).where(SweepRecord.id == sweep_id)
            )

    def set_mlflow_run(self, run_id: str, experiment_id: str, mlflow_run_id: str) -> None:
        with self.store.session() as session:
            session.execute(
                update(JobRunRecord)
                .where(JobRunRecord.id == run_id)
                .values(mlflow_experiment_id=experiment_id, mlflow_run_id=mlflow_run_id)
            )

    def set_kernel(
        self, run_id: str, number: int, pid: int, create_time: float, warm: bool
    ) -> None:
        """Record the kernel process an attempt runs in (what recovery stops)."""
        with self.store.session() as session:
            session.execute(
                update(JobAttemptRecord)
                .where(JobAttemptRecord.run_id == run_id, JobAttemptRecord.number == number)
                .values(pid=pid, create_time=create_time, warm_kernel=warm)
            )

    def finish_attempt(
        self,
        run_id: str,
        number: int,
        status: str,
        error: JobRunError | None,
        *,
        retry_at: datetime | None,
        output_path: str | None = None,
        html_path: str | None = None,
    ) -> JobRunRecord:
        """End an attempt: the run is queued again for ``retry_at``, or ends with ``status``."""
        moment = now()
        data = None if error is None else error.model_dump()
        with self.store.session() as session:
            session.execute(
                update(JobAttemptRecord)
                .where(JobAttemptRecord.run_id == run_id, JobAttemptRecord.number == number)
                .values(status=status, finished_at=moment, error=data)
            )
            values: dict[str, Any] = {
                "error": data,
                "host": None,
                "owner_pid": None,
                "owner_create_time": None,
            }
            if output_path is not None:
                values["output_path"] = output_path
            if html_path is not None:
                values["html_path"] = html_path
            if retry_at is not None:
                values.update(status="queued", next_attempt_at=retry_at)
            else:
                values.update(status=status, finished_at=moment, next_attempt_at=None)
            session.execute(update(JobRunRecord).where(JobRunRecord.id == run_id).values(**values))
            record = session.get(JobRunRecord, run_id)
            assert record is not None
            session.refresh(record)
            return record

    def stop_queued(self, run_id: str) -> bool:
        """End a queued run as ``stopped``; False when it is not queued (any more)."""
        moment = now()
        with self.store.session() as session:
            done = session.execute(
                update(JobRunRecord)
                .where(JobRunRecord.id == run_id, JobRunRecord.status == "queued")
                .values(
                    status="stopped",
                    finished_at=moment,
                    next_attempt_at=None,
                    error=JobRunError(message="Stopped while queued.").model_dump(),
                )
            )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def delete(self, run_id: str) -> None:
        with self.store.session() as session:
            session.execute(delete(JobAttemptRecord).where(JobAttemptRecord.run_id == run_id))
            session.execute(delete(JobRunRecord).where(JobRunRecord.id == run_id))

    def ids_of(self, *, job_id: str | None = None, sweep_id: str | None = None) -> list[str]:
        """The ids of a job's runs, or of a sweep's trials, oldest first."""
        column = JobRunRecord.job_id if job_id is not None else JobRunRecord.sweep_id
        with self.store.session() as session:
            return list(
                session.scalars(
                    select(JobRunRecord.id)
                    .where(column == (job_id if job_id is not None else sweep_id))
                    .order_by(JobRunRecord.created_at, JobRunRecord.id)
                )
            )

    def set_webhook(self, run_id: str, delivery: WebhookDelivery) -> None:
        """Record how a run's webhook was told of its end."""
        with self.store.session() as session:
            session.execute(
                update(JobRunRecord)
                .where(JobRunRecord.id == run_id)
                .values(webhook=delivery.model_dump(mode="json"))
            )

    def running_on(self, host: str) -> list[tuple[JobRunRecord, JobAttemptRecord | None]]:
        """Runs recorded as running on this host, each with its current attempt."""
        with self.store.session() as session:
            records = list(
                session.scalars(
                    select(JobRunRecord).where(
                        JobRunRecord.status == "running", JobRunRecord.host == host
                    )
                )
            )
            return [
                (record, session.get(JobAttemptRecord, (record.id, record.attempt)))
                for record in records
            ]

    def kernel_uses(self, last: int = 200) -> Counter[str]:
        """How often each kernelspec ran among the latest runs."""
        with self.store.session() as session:
            kernels = session.scalars(
                select(JobRunRecord.kernel).order_by(JobRunRecord.created_at.desc()).limit(last)
            )
            return Counter(kernels)

    def queued_kernels(self) -> Counter[str]:
        """Kernelspecs of the runs waiting in the queue and due now, by count."""
        with self.store.session() as session:
            rows = session.execute(
                select(JobRunRecord.kernel, func.count())
                .where(
                    JobRunRecord.status == "queued",
                    or_(
                        JobRunRecord.next_attempt_at.is_(None),
                        JobRunRecord.next_attempt_at <= now(),
                    ),
                )
                .group_by(JobRunRecord.kernel)
            )
            return Counter({kernel: int(count) for kernel, count in rows})

    def next_due(self) -> datetime | None:
        """When the earliest queued retry becomes due."""
        with self.store.session() as session:
            return aware(
                session.scalar(
                    select(func.min(JobRunRecord.next_attempt_at)).where(
                        JobRunRecord.status == "queued"
                    )
                )
            )
