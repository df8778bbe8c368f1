"""Job definitions with schedules, sweeps, and the runs' links to both.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _run_columns() -> list[sa.Column]:
    """The columns job runs gain (new objects each call: a column belongs to one table)."""
    return [
        sa.Column("trigger", sa.String(20), nullable=False, server_default="manual"),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_concurrent", sa.Integer(), nullable=True),
        sa.Column("sweep_id", sa.String(32), nullable=True),
        sa.Column("trial_number", sa.Integer(), nullable=True),
        sa.Column("trial_values", sa.JSON(), nullable=True),
        sa.Column("objective", sa.Float(), nullable=True),
        sa.Column("trial_error", sa.Text(), nullable=True),
        sa.Column("webhook", sa.JSON(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "mlx_job_definitions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("notebook", sa.Text(), nullable=False, index=True),
        sa.Column("snapshot_sha256", sa.String(64), nullable=False),
        sa.Column("snapshot_taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("kernel", sa.String(255), nullable=False),
        sa.Column("timeout", sa.Float(), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("retry_backoff", sa.Float(), nullable=False),
        sa.Column("output_formats", sa.JSON(), nullable=False),
        sa.Column("experiment", sa.Text(), nullable=False),
        sa.Column("cron", sa.String(200), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("catchup", sa.String(10), nullable=False),
        sa.Column("max_concurrent_runs", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("next_fire_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("last_fire_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skipped_fires", sa.Integer(), nullable=False),
        sa.Column("sweep", sa.JSON(), nullable=True),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_events", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "mlx_sweeps",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("notebook", sa.Text(), nullable=False, index=True),
        sa.Column("job_id", sa.String(64), nullable=True, index=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("strategy", sa.String(10), nullable=False),
        sa.Column("space", sa.JSON(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(250), nullable=True),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("max_concurrent_runs", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("experiment", sa.Text(), nullable=False),
        sa.Column("mlflow_experiment_id", sa.String(64), nullable=True),
        sa.Column("mlflow_run_id", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("uq_mlx_sweeps_fire", "mlx_sweeps", ["job_id", "scheduled_for"], unique=True)
    # Columns and a unique index, not a table constraint: SQLite would copy the table for
    # that, and dropping the old copy cascades to the attempts under foreign_keys=ON.
    for column in _run_columns():
        op.add_column("mlx_job_runs", column)
    op.create_index("ix_mlx_job_runs_sweep_id", "mlx_job_runs", ["sweep_id"])
    op.create_index(
        "uq_mlx_job_runs_fire", "mlx_job_runs", ["job_id", "scheduled_for"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_mlx_job_runs_fire", "mlx_job_runs")
    op.drop_index("ix_mlx_job_runs_sweep_id", "mlx_job_runs")
    for column in _run_columns():
        op.drop_column("mlx_job_runs", column.name)
    op.drop_table("mlx_sweeps")
    op.drop_table("mlx_job_definitions")
