"""The jupyter-mlx store: SQLAlchemy tables under Alembic migrations (SQLite or PostgreSQL)."""

from .db import Store, StoreHealth

__all__ = ["Store", "StoreHealth"]
