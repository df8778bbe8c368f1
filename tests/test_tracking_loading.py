"""MLflow is imported once, one thread at a time: a first job run and the panel's first run
search at the same moment in a fresh server both get their answer."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

#: A fresh interpreter in which two threads touch MLflow first, at once: one as a job run's
#: MLflow run does (through the connection), one as the panel's run search does.
FIRST_TOUCHES = textwrap.dedent(
    """
    import sys, tempfile, threading
    from jupyter_mlx.tracking import service
    from jupyter_mlx.tracking.client import TrackingConnection
    from jupyter_mlx.tracking.schemas import ListRunsQuery

    connection = TrackingConnection(f"sqlite:///{tempfile.mkdtemp()}/mlflow.db")
    errors = []
    start = threading.Barrier(2)

    def job():
        start.wait()
        try:
            with connection.errors():
                connection.client.get_experiment_by_name("x")
        except Exception as exc:
            errors.append(f"job: {type(exc).__name__}: {exc}")

    def panel():
        start.wait()
        try:
            service._validate_search(ListRunsQuery(filter="metrics.loss < 1"))
        except Exception as exc:
            errors.append(f"panel: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=job), threading.Thread(target=panel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("; ".join(errors) or "ok")
    """
)


@pytest.mark.parametrize("attempt", [1, 2])
def test_two_threads_touching_mlflow_first_at_once_both_succeed(attempt: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_TOUCHES], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "ok", done.stdout + done.stderr
