"""The store: WAL SQLite, Alembic migrations on empty and existing databases, health."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jupyter_mlx.errors import Unavailable
from jupyter_mlx.store import Store
from jupyter_mlx.store.tables import Base, WorkspaceRecord


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "mlx.db"


def test_upgrade_creates_an_empty_database_at_head(db_path: Path) -> None:
    store = Store(f"sqlite:///{db_path}")

    assert store.upgrade() == Store.head_revision()

    assert db_path.is_file()
    assert store.table_names() == sorted(["alembic_version", *Base.metadata.tables])
    assert store.health().healthy is True
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upgrade_of_an_existing_database_keeps_its_data(db_path: Path) -> None:
    # Given a store that was created and used,
    first = Store(f"sqlite:///{db_path}")
    first.upgrade()
    with first.session() as session:
        workspace_id = session.scalar(select(WorkspaceRecord.id))
    first.dispose()

    # when a restarted server upgrades it again,
    second = Store(f"sqlite:///{db_path}")
    assert second.upgrade() == Store.head_revision()

    # then the same workspace identity is still the only one.
    with second.session() as session:
        assert session.scalars(select(WorkspaceRecord.id)).all() == [workspace_id]


def test_health_of_a_missing_database_creates_nothing(db_path: Path) -> None:
    health = Store(f"sqlite:///{db_path}").health()

    assert (health.healthy, health.revision) == (False, None)
    assert health.message == "The store has not been created yet."
    assert not db_path.parent.exists()


def test_health_reports_a_database_behind_the_code(db_path: Path) -> None:
    # A database created by hand (or by a much older version) without our schema.
    db_path.parent.mkdir(parents=True)
    sqlite3.connect(db_path).close()

    health = Store(f"sqlite:///{db_path}").health()

    assert health.healthy is False
    assert health.message == (
        f"The store is at revision None; this version needs {Store.head_revision()}."
    )


def test_session_rolls_back_a_failed_transaction(db_path: Path) -> None:
    store = Store(f"sqlite:///{db_path}")
    store.upgrade()

    with pytest.raises(RuntimeError), store.session() as session:
        session.add(WorkspaceRecord(id="x" * 32, created_at=datetime.now(timezone.utc)))
        session.flush()
        raise RuntimeError("crash mid-change")

    with store.session() as session:
        assert session.scalar(select(WorkspaceRecord).where(WorkspaceRecord.id == "x" * 32)) is None


def test_an_unreachable_database_is_unavailable_with_its_url_redacted(tmp_path: Path) -> None:
    # A folder where the database file should be: SQLite cannot open it.
    (tmp_path / "mlx.db").mkdir()
    store = Store(f"sqlite:///{tmp_path / 'mlx.db'}")

    with pytest.raises(Unavailable, match="cannot be migrated"):
        store.upgrade()
    assert store.health().healthy is False


def test_the_migrated_schema_is_the_schema_of_the_tables(db_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = Store(f"sqlite:///{db_path}")
    store.upgrade()

    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_runs_and_definitions_from_before_environments_are_kept_without_any(
    db_path: Path,
) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    from jupyter_mlx.store.tables import JobDefinitionRecord, JobRunRecord

    db_path.parent.mkdir(parents=True)
    store = Store(f"sqlite:///{db_path}")
    config = store._alembic_config()

    def migrate(step: Any, revision: str) -> set[str]:
        """Apply ``step`` to ``revision``; the columns job runs have then."""
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)
            found = inspect(connection)
            if not found.has_table("mlx_job_runs"):
                return set()
            return {column["name"] for column in found.get_columns("mlx_job_runs")}

    # Given a store at the revision before job runs gained an environment (found by walking
    # the revisions up, then stepping back down through that migration's downgrade),
    scripts = reversed(list(ScriptDirectory.from_config(config).walk_revisions()))
    before = next(
        script.down_revision
        for script in scripts
        if "environment" in migrate(command.upgrade, script.revision)
    )
    assert "environment" not in migrate(command.downgrade, before)
    # holding a run and a definition written then,
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO mlx_job_runs (id, job_id, notebook, status, parameters, kernel, "
                "retries, retry_backoff, output_formats, experiment, attempt, created_at) "
                "VALUES ('r1', 'j1', 'nb.ipynb', 'succeeded', '{}', 'python3', 0, 10, "
                "'[\"ipynb\"]', 'nb.ipynb', 1, '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO mlx_job_definitions (id, name, notebook, snapshot_sha256, "
                "snapshot_taken_at, parameters, kernel, retries, retry_backoff, output_formats, "
                "experiment, timezone, catchup, max_concurrent_runs, active, skipped_fires, "
                "notify, webhook_events, created_at, updated_at) VALUES ('j1', 'nightly', "
                "'nb.ipynb', '', '2026-01-01 00:00:00', '{}', 'python3', 0, 10, '[\"ipynb\"]', "
                "'nb.ipynb', 'UTC', 'latest', 1, 1, 0, 1, '[]', '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"
            )
        )

    # when it is upgraded,
    assert store.upgrade() == Store.head_revision()

    # then both are read back, on no environment and with no inputs.
    with store.session() as session:
        run = session.get(JobRunRecord, "r1")
        job = session.get(JobDefinitionRecord, "j1")
        assert run is not None and job is not None
        assert (run.environment, run.environment_lock_sha256, run.inputs) == (None, None, None)
        assert (job.environment, job.install_environment, job.inputs) == (None, None, None)
