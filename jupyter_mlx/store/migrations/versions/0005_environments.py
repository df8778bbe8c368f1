"""Job runs and definitions on an environment, with declared data inputs.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _run_columns() -> list[sa.Column]:
    """The columns job runs gain (new objects each call: a column belongs to one table)."""
    return [
        sa.Column("environment", sa.String(64), nullable=True),
        sa.Column("environment_lock_sha256", sa.String(64), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=True),
    ]


def _definition_columns() -> list[sa.Column]:
    """The columns job definitions gain."""
    return [
        sa.Column("environment", sa.String(64), nullable=True),
        sa.Column("install_environment", sa.Boolean(), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=True),
    ]


def upgrade() -> None:
    # Nullable columns, added in place: SQLite would copy a table to add a constraint, and
    # dropping the old copy of the runs cascades to their attempts under foreign_keys=ON.
    for column in _run_columns():
        op.add_column("mlx_job_runs", column)
    for column in _definition_columns():
        op.add_column("mlx_job_definitions", column)
    op.create_index("ix_mlx_job_definitions_environment", "mlx_job_definitions", ["environment"])


def downgrade() -> None:
    op.drop_index("ix_mlx_job_definitions_environment", "mlx_job_definitions")
    for column in _definition_columns():
        op.drop_column("mlx_job_definitions", column.name)
    for column in _run_columns():
        op.drop_column("mlx_job_runs", column.name)
