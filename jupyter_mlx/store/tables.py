"""SQLAlchemy tables of the jupyter-mlx store.

Tables change only through new migrations in ``store/migrations/versions``; never edit a
released migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every jupyter-mlx table."""


class WorkspaceRecord(Base):
    """The identity of a workspace: one row, written when the store is first created."""

    __tablename__ = "mlx_workspace"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessRecord(Base):
    """A supervised child process, recorded while it runs.

    A server started after a killed one reads these rows to find the children it left behind
    (see :meth:`jupyter_mlx.supervisor.Supervisor.recover`). The start time of a process, as
    ``psutil`` reports it, tells a live child from a new process that was given a reused pid.
    """

    __tablename__ = "mlx_processes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    pgid: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[float] = mapped_column(Float)
    argv: Mapped[list[str]] = mapped_column(JSON)
    log_path: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(String(32))
    owner_pid: Mapped[int] = mapped_column(Integer)
    owner_create_time: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobRunRecord(Base):
    """A job run: one execution of a notebook with its parameters (see :mod:`jupyter_mlx.jobs`).

    The job service is its only writer. A run a definition's schedule fired carries the
    instant in ``scheduled_for``, unique with ``job_id``: a second scheduler firing the same
    instant fails to insert it. ``max_concurrent`` caps the runs of its group (its sweep, else
    its job) that execute at once. While an attempt executes, ``host``, ``owner_pid`` and
    ``owner_create_time`` name the process executing it, so a server started after a killed
    one can tell the runs that lost their executor.
    """

    __tablename__ = "mlx_job_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), index=True)
    notebook: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    kernel: Mapped[str] = mapped_column(String(255))
    environment: Mapped[str | None] = mapped_column(String(64), nullable=True)
    environment_lock_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    inputs: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    timeout: Mapped[float | None] = mapped_column(Float, nullable=True)
    retries: Mapped[int] = mapped_column(Integer)
    retry_backoff: Mapped[float] = mapped_column(Float)
    output_formats: Mapped[list[str]] = mapped_column(JSON)
    experiment: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    output_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    html_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    mlflow_experiment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mlflow_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    owner_pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    owner_create_time: Mapped[float | None] = mapped_column(Float, nullable=True)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    max_concurrent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sweep_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    trial_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trial_values: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)
    trial_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (
        Index("ix_mlx_job_runs_notebook_created", "notebook", "created_at"),
        Index("ix_mlx_job_runs_created_at", "created_at"),
        Index("uq_mlx_job_runs_fire", "job_id", "scheduled_for", unique=True),
    )


class JobAttemptRecord(Base):
    """One try of a job run, with the kernel process that ran it while it runs."""

    __tablename__ = "mlx_job_attempts"

    run_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("mlx_job_runs.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    kernel: Mapped[str] = mapped_column(String(255))
    warm_kernel: Mapped[bool] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    create_time: Mapped[float | None] = mapped_column(Float, nullable=True)


class JobDefinitionRecord(Base):
    """A job definition: a copy of a notebook, the settings of its runs and its schedule.

    ``last_fire_at`` is the last scheduled instant the scheduler handled (fired or skipped);
    with the unique (``job_id``, ``scheduled_for``) key of job runs it makes every instant
    fire at most once, whichever scheduler gets there first.
    """

    __tablename__ = "mlx_job_definitions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    notebook: Mapped[str] = mapped_column(Text, index=True)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    snapshot_taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    kernel: Mapped[str] = mapped_column(String(255))
    environment: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    install_environment: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=False)
    inputs: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    timeout: Mapped[float | None] = mapped_column(Float, nullable=True)
    retries: Mapped[int] = mapped_column(Integer)
    retry_backoff: Mapped[float] = mapped_column(Float)
    output_formats: Mapped[list[str]] = mapped_column(JSON)
    experiment: Mapped[str] = mapped_column(Text)
    cron: Mapped[str | None] = mapped_column(String(200), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64))
    catchup: Mapped[str] = mapped_column(String(10))
    max_concurrent_runs: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    next_fire_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    last_fire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    skipped_fires: Mapped[int] = mapped_column(Integer, default=0)
    sweep: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    notify: Mapped[bool] = mapped_column(Boolean)
    webhook_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    webhook_events: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SweepRecord(Base):
    """A sweep: trials of one notebook over a parameter space, under one parent MLflow run.

    A sweep a definition fired carries its ``job_id`` and ``scheduled_for``, unique together,
    so one instant makes one sweep.
    """

    __tablename__ = "mlx_sweeps"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    notebook: Mapped[str] = mapped_column(Text, index=True)
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    strategy: Mapped[str] = mapped_column(String(10))
    space: Mapped[dict[str, Any]] = mapped_column(JSON)
    base: Mapped[dict[str, Any]] = mapped_column(JSON)
    trials: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str | None] = mapped_column(String(250), nullable=True)
    direction: Mapped[str] = mapped_column(String(10))
    max_concurrent_runs: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    experiment: Mapped[str] = mapped_column(Text)
    mlflow_experiment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mlflow_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("uq_mlx_sweeps_fire", "job_id", "scheduled_for", unique=True),)


class AliasMoveRecord(Base):
    """One move of a registered model's alias, refused or undone ones included.

    See :class:`jupyter_mlx.models.history.AliasHistory`, its only writer. ``gates`` holds the
    gate results as :class:`~jupyter_mlx.models.schemas.GateResult` dicts.
    """

    __tablename__ = "mlx_alias_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    model: Mapped[str] = mapped_column(String(256), index=True)
    alias: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    from_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    user: Mapped[str | None] = mapped_column(String(255), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    gates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class EndpointRecord(Base):
    """An endpoint: the model it serves, how, and whether it should run.

    See :class:`jupyter_mlx.serving.service.EndpointService`, its only writer. ``port`` is the
    port asked for (0: a free one at each start); ``wanted_running`` says whether the next
    server start starts it again.
    """

    __tablename__ = "mlx_endpoints"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    model_uri: Mapped[str] = mapped_column(Text)
    port: Mapped[int] = mapped_column(Integer)
    batch_window_ms: Mapped[float] = mapped_column(Float)
    max_batch_rows: Mapped[int] = mapped_column(Integer)
    canary_model_uri: Mapped[str | None] = mapped_column(Text, nullable=True)
    canary_percent: Mapped[int] = mapped_column(Integer)
    wanted_running: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
