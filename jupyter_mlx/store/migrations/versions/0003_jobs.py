"""Job runs and their attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mlx_job_runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("job_id", sa.String(64), nullable=False, index=True),
        sa.Column("notebook", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("kernel", sa.String(255), nullable=False),
        sa.Column("timeout", sa.Float(), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("retry_backoff", sa.Float(), nullable=False),
        sa.Column("output_formats", sa.JSON(), nullable=False),
        sa.Column("experiment", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("output_path", sa.Text(), nullable=True),
        sa.Column("html_path", sa.Text(), nullable=True),
        sa.Column("mlflow_experiment_id", sa.String(64), nullable=True),
        sa.Column("mlflow_run_id", sa.String(64), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("owner_pid", sa.Integer(), nullable=True),
        sa.Column("owner_create_time", sa.Float(), nullable=True),
    )
    op.create_index("ix_mlx_job_runs_notebook_created", "mlx_job_runs", ["notebook", "created_at"])
    op.create_index("ix_mlx_job_runs_created_at", "mlx_job_runs", ["created_at"])
    op.create_table(
        "mlx_job_attempts",
        sa.Column(
            "run_id",
            sa.String(32),
            sa.ForeignKey("mlx_job_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("kernel", sa.String(255), nullable=False),
        sa.Column("warm_kernel", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("create_time", sa.Float(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("mlx_job_attempts")
    op.drop_table("mlx_job_runs")
