"""Metric histories: the one-query path on a database store equals MLflow's client."""

from __future__ import annotations

import math
from pathlib import Path

from mlflow_data import seed_runs

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
