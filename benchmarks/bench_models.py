"""Models: a gated promotion, a rollback and a model read, against MLflow's client doing the same.

One workspace (SQLite tracking store under a temporary folder) holds ``2 * (--repeat + 1)``
runs, each with a small scikit-learn model logged as an MLflow 3 LoggedModel with an input
example, and the metrics ``val_accuracy`` and ``loss``. Measured in one process, after one
unmeasured warm-up of each, over ``--repeat`` repeats:

1. *Promote, ours*: ``ModelService.promote`` with two metric gates (``val_accuracy >= 0.5`` and
   ``loss < champion.loss``): the run and its model found, the gates read against the run and
   the champion's run, a new version registered with its ``mlx.*`` tags, the alias moved, the
   move recorded in the history. *Anchor*: ``MlflowClient.create_model_version`` then
   ``set_registered_model_alias``, the two calls a user makes by hand (no gate, no record).
2. *Rollback, ours*: ``ModelService.rollback`` (history read, alias moved back, recorded).
   *Anchor*: ``set_registered_model_alias`` to a version the caller already knows.
3. *Model read, ours*: ``ModelService.describe`` of the model, ``--repeat + 1`` versions: versions
   with their runs' names, notebooks and metrics, aliases, default gates, outside moves checked.
   *Anchor*: ``search_model_versions`` plus ``get_run`` of each version, the reads MLflow's UI
   makes for its model page.
4. *Smoke test*: one ``smoke`` gate (an alias moved behind it alone: a fresh Python loads the
   model with MLflow and predicts on its input example, the output checked), against the least
   a user runs by hand for the same check, ``python -c`` loading the model with
   ``mlflow.pyfunc.load_model`` and predicting on its input example, timed ``--smoke-repeat``
   times.

Usage::

    python benchmarks/bench_models.py [--repeat 20] [--smoke-repeat 3] [--plot FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))

from modelruns import log_model_run  # noqa: E402

from jupyter_mlx.config import Settings  # noqa: E402
from jupyter_mlx.models.schemas import PromoteRequest, RollbackRequest  # noqa: E402
from jupyter_mlx.services import Services  # noqa: E402
from jupyter_mlx.tracking.schemas import ListExperimentsQuery  # noqa: E402

NAME = "bench-model"
ALIAS = "champion"
GATES = ["val_accuracy >= 0.5", "loss < champion.loss"]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls, after one unmeasured warm-up."""
    call()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
    }


def measure(services: Services, run_ids: list[str], repeat: int, smoke_repeat: int) -> dict:
    """Every measurement of the module docstring, as ``{question: {side: summary}}``."""
    import mlflow

    # A models:/ source is resolved through MLflow's process-wide tracking URI, as a user's
    # mlflow.register_model is.
    mlflow.set_tracking_uri(services.settings.tracking_uri)
    models = services.models
    client = services.tracking.connection.client
    ours_runs, anchor_runs = iter(run_ids[: repeat + 1]), iter(run_ids[repeat + 1 :])

    def ours_promote() -> None:
        # Each promotion's run has a lower loss than the champion's: the gates pass.
        request = PromoteRequest(run_id=next(ours_runs), name=NAME, alias=ALIAS, gates=GATES)
        promotion = models.promote(request, user="bench")
        assert promotion.state == "promoted", promotion.error

    def anchor_promote() -> None:
        run_id = next(anchor_runs)
        model_id = models.run_models(run_id).models[0].model_id
        version = client.create_model_version(
            f"{NAME}-anchor", f"models:/{model_id}", run_id=run_id, model_id=model_id
        )
        client.set_registered_model_alias(f"{NAME}-anchor", ALIAS, version.version)

    client.create_registered_model(f"{NAME}-anchor")
    results: dict[str, dict[str, Any]] = {}
    results["promote (2 metric gates)"] = {
        "ours": summary(timed(ours_promote, repeat)),
        "mlflow": summary(timed(anchor_promote, repeat)),
    }

    def ours_rollback() -> None:
        models.rollback(NAME, ALIAS, RollbackRequest(), user="bench")

    held = client.get_model_version_by_alias(NAME, ALIAS).version

    def anchor_rollback() -> None:
        client.set_registered_model_alias(NAME, ALIAS, held)

    results["rollback"] = {
        "ours": summary(timed(ours_rollback, repeat)),
        "mlflow": summary(timed(anchor_rollback, repeat)),
    }

    def anchor_read() -> None:
        versions = client.search_model_versions(f"name = '{NAME}'")
        for version in versions:
            client.get_run(version.run_id)

    results["model read"] = {
        "ours": summary(timed(lambda: models.describe(NAME), repeat)),
        "mlflow": summary(timed(anchor_read, repeat)),
    }
    results["smoke test"] = measure_smoke(services, run_ids[0], smoke_repeat)
    return results


def measure_smoke(services: Services, run_id: str, repeat: int) -> dict[str, Any]:
    """A smoke gate alone (a move of the alias to its own version), against an in-process
    load and predict."""
    from jupyter_mlx.models.schemas import MoveAliasRequest

    models = services.models
    version = services.tracking.connection.client.get_model_version_by_alias(NAME, ALIAS).version
    model_uri = models.run_models(run_id).models[0].model_uri

    def ours() -> None:
        request = MoveAliasRequest(version=str(version), gates=[], smoke=True)
        promotion = models.move_alias(NAME, "smoke", request, user="bench")
        assert promotion.state == "promoted", promotion.error

    by_hand = (
        "import mlflow.pyfunc, sys; model = mlflow.pyfunc.load_model(sys.argv[1]); "
        "model.predict(model.input_example)"
    )
    env = {**os.environ, "MLFLOW_TRACKING_URI": services.settings.tracking_uri}

    def anchor() -> None:
        subprocess.run([sys.executable, "-c", by_hand, model_uri], env=env, check=True)

    return {"ours": summary(timed(ours, repeat)), "mlflow": summary(timed(anchor, repeat))}


def plot(results: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(12, 3.5))
    for axis, (question, sides) in zip(axes, results.items(), strict=True):
        values = [sides[name]["p50_ms"] for name in ("ours", "mlflow")]
        axis.bar(["jupyter-mlx", "MLflow by hand"], values, color=["#1f77b4", "#aaaaaa"])
        axis.set_title(question, fontsize=9)
        axis.set_ylabel("p50 (ms)")
        for index, value in enumerate(values):
            axis.annotate(f"{value:g}", (index, value), ha="center", va="bottom", fontsize=8)
    fig.suptitle("Models: jupyter-mlx against the same done by hand with MLflow (lower is better)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--smoke-repeat", type=int, default=3)
    parser.add_argument("--plot", type=Path, help="write a bar chart of the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mlx-bench-models-") as folder:
        settings = Settings.resolve(root_dir=Path(folder))
        services = Services.from_settings(settings)
        try:
            services.tracking.list_experiments(ListExperimentsQuery())  # creates the store
            # Losses fall run after run: every promotion beats the champion.
            run_ids = [
                log_model_run(
                    settings.tracking_uri, metrics={"val_accuracy": 0.9, "loss": 1.0 / (i + 2)}
                )
                for i in range(2 * (args.repeat + 1))
            ]
            results = measure(services, run_ids, args.repeat, args.smoke_repeat)
        finally:
            services.close()
    report = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "repeat": args.repeat,
        "results": results,
    }
    print(json.dumps(report, indent=2))
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
