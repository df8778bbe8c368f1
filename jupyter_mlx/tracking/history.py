"""Reads of MLflow's tables that the client answers one object at a time: metric histories of
many runs, and the experiment of each run.

``MlflowClient.get_metric_history`` answers one run and one metric per call and builds an
object per point: comparing 20 runs x 2 metrics x 1,000 steps takes about a second that way.
When the tracking store is a database, one query on MLflow's ``metrics`` table (its schema
has been stable since MLflow 1.x) returns the same points in tens of milliseconds; one query on
its ``runs`` table gives the experiments a comparison searches, where the client would need a
call per run. A tracking server (``http(s)://``) is read through the client.

A database whose tables are not MLflow's (a schema MLflow changed) is read through the client
too, after one warning naming the reason; a database that cannot be reached is
:class:`~jupyter_mlx.errors.Unavailable`, as it is for the client.

Keys are read :data:`KEYS_PER_QUERY` at a time, within the bound parameters of any SQLite
build, and a caller's ``check`` runs between queries, row chunks and client calls, so work
whose caller has gone stops early.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.sql.elements import TextClause

from ..config import redact_url
from ..store.db import engine_options
from .client import TrackingConnection

log = logging.getLogger(__name__)

#: Points of one (run, metric): step -> value (None for NaN or infinity), the latest write
#: per step.
History = dict[int, float | None]

#: Metric keys per query: with up to 50 run ids, under the 999 parameters of old SQLite builds.
KEYS_PER_QUERY = 200
#: Rows fetched between two calls of the caller's ``check``.
ROWS_PER_CHECK = 10_000

DATABASE_BACKENDS = frozenset({"sqlite", "postgresql", "mysql", "mssql"})

_POINTS = text(
    "SELECT run_uuid, key, step, value, is_nan FROM metrics "
    "WHERE run_uuid IN :run_ids AND key IN :keys ORDER BY timestamp"
).bindparams(bindparam("run_ids", expanding=True), bindparam("keys", expanding=True))

_RUN_EXPERIMENTS = text(
    "SELECT run_uuid, experiment_id FROM runs WHERE run_uuid IN :run_ids"
).bindparams(bindparam("run_ids", expanding=True))

# How SQLite, PostgreSQL, MySQL and SQL Server say that a table or column does not exist.
_NOT_MLFLOW_SCHEMA = re.compile(
    r"no such (table|column)|relation .* does not exist|column .* does not exist"
    r"|table .* doesn't exist|unknown column|invalid (object|column) name",
    re.IGNORECASE,
)


class MetricHistoryReader:
    """Reads aligned-ready metric histories (and run experiments) from a tracking store.

    Args:
        connection: The tracking store.
        database_uri: The database queried directly; default: the tracking URI when it names
            a database (``sqlite:``, ``postgresql:``, ``mysql:``, ``mssql:``).
    """

    def __init__(self, connection: TrackingConnection, *, database_uri: str | None = None) -> None:
        self.connection = connection
        self._engine: Engine | None = _database_engine(database_uri or connection.tracking_uri)

    def close(self) -> None:
        """Close the pooled connections of the direct queries."""
        if self._engine is not None:
            self._engine.dispose()

    def read(
        self, run_ids: list[str], keys: list[str], *, check: Callable[[], None] | None = None
    ) -> dict[tuple[str, str], History]:
        """The history of every (run, metric) pair; an absent metric gives an empty history.

        Args:
            run_ids: The runs.
            keys: The metrics.
            check: Called between batches of work; what it raises stops the read.

        Raises:
            Unavailable: The tracking store cannot be reached.
        """
        check = check or _go_on
        histories: dict[tuple[str, str], History] = {(r, k): {} for k in keys for r in run_ids}
        if not run_ids or not keys:
            return histories

        def add(rows: Sequence[Any]) -> None:
            for run_id, key, step, value, is_nan in rows:
                histories[(run_id, key)][int(step)] = None if is_nan else _finite(value)

        for start in range(0, len(keys), KEYS_PER_QUERY):
            batch = keys[start : start + KEYS_PER_QUERY]
            check()
            if not self._each_chunk(_POINTS, {"run_ids": run_ids, "keys": batch}, add, check):
                for run_id, key, step, value in self._through_client(run_ids, batch, check):
                    histories[(run_id, key)][step] = value
        return histories

    def run_experiments(self, run_ids: list[str]) -> dict[str, str] | None:
        """The experiment id of each run found, in one query; None where the store is no
        database of MLflow's schema (ask the client).

        Raises:
            Unavailable: The tracking store cannot be reached.
        """
        if not run_ids:
            return {}
        found: dict[str, str] = {}

        def add(rows: Sequence[Any]) -> None:
            found.update((str(run_id), str(experiment_id)) for run_id, experiment_id in rows)

        if not self._each_chunk(_RUN_EXPERIMENTS, {"run_ids": run_ids}, add, _go_on):
            return None
        return found

    def _each_chunk(
        self,
        statement: TextClause,
        params: dict[str, Any],
        handle: Callable[[Sequence[Any]], None],
        check: Callable[[], None],
    ) -> bool:
        """Run one query, handing its rows to ``handle`` :data:`ROWS_PER_CHECK` at a time (so
        memory holds one chunk) and calling ``check`` after each.

        Returns:
            False when there is no database of MLflow's schema to ask.
        """
        if self._engine is None:
            return False
        try:
            connection = self._engine.connect()
        except SQLAlchemyError as exc:
            raise self.connection.unavailable(exc) from exc
        try:
            with connection:
                result = connection.execute(statement, params)
                while chunk := result.fetchmany(ROWS_PER_CHECK):
                    handle(chunk)
                    check()
                return True
        except (OperationalError, ProgrammingError) as exc:
            reason = str(exc.orig or exc).splitlines()[0]
            if _NOT_MLFLOW_SCHEMA.search(reason):
                log.warning(
                    "The tracking database %s lacks MLflow's tables as expected (%s); reading "
                    "through the MLflow client from now on, one call per run and metric.",
                    redact_url(self.connection.tracking_uri),
                    reason,
                )
                self.close()
                self._engine = None
                return False
            if isinstance(exc, OperationalError):
                raise self.connection.unavailable(exc) from exc
            raise

    def _through_client(
        self, run_ids: list[str], keys: list[str], check: Callable[[], None]
    ) -> Iterator[tuple[str, str, int, float | None]]:
        client = self.connection.client
        for run_id in run_ids:
            for key in keys:
                check()
                with self.connection.errors(field="metric_keys"):
                    metrics = client.get_metric_history(run_id, key)
                for metric in sorted(metrics, key=lambda m: m.timestamp):
                    yield run_id, key, metric.step, _finite(metric.value)


def _go_on() -> None:
    """The ``check`` of a caller that never stops a read."""


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _database_engine(uri: str) -> Engine | None:
    try:
        url = make_url(uri)
    except ArgumentError:
        return None
    if url.get_backend_name() not in DATABASE_BACKENDS:
        return None
    try:
        return create_engine(url, **engine_options(uri))
    except (ArgumentError, ImportError):
        return None
