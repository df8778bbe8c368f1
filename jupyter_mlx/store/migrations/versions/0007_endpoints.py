"""Endpoints: registered models served by supervised scoring processes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mlx_endpoints",
        sa.Column("name", sa.String(63), primary_key=True),
        sa.Column("model_uri", sa.Text(), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("batch_window_ms", sa.Float(), nullable=False),
        sa.Column("max_batch_rows", sa.Integer(), nullable=False),
        sa.Column("canary_model_uri", sa.Text(), nullable=True),
        sa.Column("canary_percent", sa.Integer(), nullable=False),
        sa.Column("wanted_running", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("mlx_endpoints")
