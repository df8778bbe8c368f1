"""Metric histories: the one-query path on a database store equals MLflow's client; a
database that is not MLflow's falls back to the client, one that cannot be opened is down."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest
from mlflow_data import seed_runs

from jupyter_mlx.errors import Unavailable
from jupyter_mlx.tracking.client import TrackingConnection
from jupyter_mlx.tracking.history import MetricHistoryReader


def test_database_query_and_client_agree(tmp_path: Path) -> None:
    runs = seed_runs(tmp_path)
    connection = TrackingConnection(runs.tracking_uri)
    client = connection.client
    # A rewrite of step 2 and a NaN at step 9: the latest write wins, NaN reads as None.
    client.log_metric(runs.first, "loss", 42.0, step=2, timestamp=100)
    client.log_metric(runs.first, "loss", math.nan, step=9, timestamp=101)
    fast = MetricHistoryReader(connection)
    through_client = MetricHistoryReader(connection)
    through_client._engine = None  # what a tracking server (http://) gets

    ids, keys = [runs.first, runs.second], ["loss", "accuracy", "absent"]
    by_query, by_client = fast.read(ids, keys), through_client.read(ids, keys)

    assert fast._engine is not None
    assert by_query[(runs.first, "loss")][2] == 42.0
    assert by_query[(runs.first, "loss")][9] is None
    assert by_query[(runs.second, "absent")] == {}
    assert by_query == by_client


def test_a_tracking_server_is_read_through_the_client() -> None:
    assert MetricHistoryReader(TrackingConnection("http://mlflow:5000"))._engine is None
    assert MetricHistoryReader(TrackingConnection("databricks"))._engine is None


def test_a_database_without_mlflows_tables_is_read_through_the_client_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a reader whose database lacks MLflow's tables (as if MLflow renamed them)
    runs = seed_runs(tmp_path / "workspace")
    connection = TrackingConnection(runs.tracking_uri)
    other = f"sqlite:///{tmp_path / 'not-mlflow.db'}"
    reader = MetricHistoryReader(connection, database_uri=other)

    # When histories are read twice
    with caplog.at_level(logging.WARNING, logger="jupyter_mlx.tracking.history"):
        first = reader.read([runs.first, runs.second], ["loss"])
        second = reader.read([runs.first], ["accuracy"])

    # Then the client answers, and one warning says why
    assert first == MetricHistoryReader(connection).read([runs.first, runs.second], ["loss"])
    assert second == {(runs.first, "accuracy"): {0: 0.5}}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "no such table: metrics" in warnings[0].getMessage()
    assert reader.run_experiments([runs.first]) is None


def test_a_database_that_cannot_be_opened_is_unavailable_not_a_fallback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runs = seed_runs(tmp_path / "workspace")
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'mlflow.db'}"
    reader = MetricHistoryReader(TrackingConnection(runs.tracking_uri), database_uri=unreachable)

    with pytest.raises(Unavailable, match="unable to open database file"):
        reader.read([runs.first], ["loss"])
    with pytest.raises(Unavailable):
        reader.run_experiments([runs.first])

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_experiments_of_runs_come_from_one_query(tmp_path: Path) -> None:
    runs = seed_runs(tmp_path)

    found = MetricHistoryReader(TrackingConnection(runs.tracking_uri)).run_experiments(
        [runs.first, runs.other_notebook, "0" * 32]
    )

    assert found == {runs.first: runs.experiment_id, runs.other_notebook: runs.experiment_id}
