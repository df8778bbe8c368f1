"""SQLAlchemy tables of the jupyter-mlx store.

Tables change only through new migrations in ``store/migrations/versions``; never edit a
released migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text
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
