"""SQLAlchemy tables of the jupyter-mlx store.

Tables change only through new migrations in ``store/migrations/versions``; never edit a
released migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every jupyter-mlx table."""


class WorkspaceRecord(Base):
    """The identity of a workspace: one row, written when the store is first created."""

    __tablename__ = "mlx_workspace"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
