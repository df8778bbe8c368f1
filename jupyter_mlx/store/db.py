"""Engine, sessions and schema upgrades of the jupyter-mlx store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from jupyter_mlx.config import redact_url
from jupyter_mlx.errors import Unavailable

from .tables import WorkspaceRecord

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 5000
#: Seconds to wait for a database connection (a new one, or a free one from the pool).
CONNECT_TIMEOUT_S = 5


def engine_options(url: str) -> dict[str, Any]:
    """``create_engine`` options that bound every wait on the database at ``url``.

    SQLite waits at most ``SQLITE_BUSY_TIMEOUT_MS`` for a lock, PostgreSQL and MySQL at most
    ``CONNECT_TIMEOUT_S`` for a connection, and any backend as long for a pooled connection.
    """
    backend = make_url(url).get_backend_name()
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_MS / 1000
    elif backend in ("postgresql", "mysql"):
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return {"pool_pre_ping": True, "pool_timeout": CONNECT_TIMEOUT_S, "connect_args": connect_args}


@dataclass(frozen=True)
class StoreHealth:
    """What a user needs to know about the store.

    Attributes:
        url: The database URL with any password redacted.
        healthy: True when the database answers and its schema is the current one.
        revision: The schema revision the database is at (None before the first upgrade).
        message: Why the store is unhealthy, or None.
    """

    url: str
    healthy: bool
    revision: str | None
    message: str | None


def _enable_sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


class Store:
    """The jupyter-mlx database: one engine per server, one transaction per state change.

    Args:
        url: A SQLAlchemy URL, e.g. ``sqlite:////home/ann/project/.mlx/mlx.db`` or
            ``postgresql+psycopg://mlx@db/mlx``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._sqlite_path = self._sqlite_file(url)
        self.engine: Engine = create_engine(url, **engine_options(url))
        if self._sqlite_path is not None:
            event.listen(self.engine, "connect", _enable_sqlite_wal)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @staticmethod
    def _sqlite_file(url: str) -> Path | None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return Path(parsed.database)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def upgrade(self) -> str:
        """Create the database if needed and apply every pending migration.

        Returns:
            The schema revision the database is at afterwards.

        Raises:
            Unavailable: The database cannot be reached or migrated.
        """
        if self._sqlite_path is not None:
            self._sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        from alembic import command

        try:
            with self.engine.begin() as connection:
                config = self._alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            with self.session() as session:
                if session.scalar(select(WorkspaceRecord)) is None:
                    session.add(
                        WorkspaceRecord(id=uuid.uuid4().hex, created_at=datetime.now(timezone.utc))
                    )
        except SQLAlchemyError as exc:
            raise Unavailable(
                f"The jupyter-mlx store at {redact_url(self.url)} cannot be migrated: "
                f"{exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
            ) from exc
        return self.head_revision()

    def current_revision(self) -> str | None:
        """The revision the database is at, or None if it was never migrated."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @classmethod
    def head_revision(cls) -> str:
        """The newest revision this version of jupyter-mlx knows."""
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(cls._alembic_config()).get_current_head()
        assert head is not None, "the migrations folder has no revision"
        return head

    def health(self) -> StoreHealth:
        """Check the store without changing it (a missing SQLite file is not created)."""
        url = redact_url(self.url)
        if self._sqlite_path is not None and not self._sqlite_path.exists():
            return StoreHealth(url, False, None, "The store has not been created yet.")
        try:
            revision = self.current_revision()
        except SQLAlchemyError as exc:
            return StoreHealth(url, False, None, f"The store cannot be reached: {exc}")
        head = self.head_revision()
        if revision != head:
            message = f"The store is at revision {revision}; this version needs {head}."
            return StoreHealth(url, False, revision, message)
        return StoreHealth(url, True, revision, None)

    def table_names(self) -> list[str]:
        """Names of the tables in the database (for diagnostics and tests)."""
        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @staticmethod
    def _alembic_config() -> Any:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        return config
