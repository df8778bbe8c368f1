"""Promotion of a run's model behind gates, alias moves, their history and rollback, against
a real MLflow SQLite store and the jupyter-mlx store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from modelruns import copy_store, log_model_run

from jupyter_mlx.config import Settings
from jupyter_mlx.environments.service import EnvironmentService
from jupyter_mlx.errors import InvalidInput, NotFound
from jupyter_mlx.models.history import AliasHistory
from jupyter_mlx.models.promotions import Promotions
from jupyter_mlx.models.schemas import (
    Gates,
    ListModelsQuery,
    MoveAliasRequest,
    PromoteRequest,
    Promotion,
    RollbackRequest,
)
from jupyter_mlx.models.service import ModelService
from jupyter_mlx.store import Store
from jupyter_mlx.tracking.client import TrackingConnection


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow SQLite database with MLflow's tables and no data, copied for each test."""
    from mlflow.tracking import MlflowClient

    path = tmp_path_factory.mktemp("empty") / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{path}").search_experiments()
    return path


@pytest.fixture
def models(tmp_path: Path, empty_store: Path, mlflow_state: None) -> Iterator[ModelService]:
    settings = Settings.resolve(tmp_path, environ={})
    copy_store(empty_store, settings.workspace)
    store = Store(settings.db_url)
    store.upgrade()
    connection = TrackingConnection(settings.tracking_uri)
    yield ModelService(settings, store, connection, EnvironmentService(settings))
    store.dispose()


def mlflow_client(models: ModelService) -> Any:
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=models.settings.tracking_uri)


def champion(models: ModelService) -> str:
    """The version MLflow's own client finds behind alias ``champion`` of ``wine``."""
    return str(mlflow_client(models).get_model_version_by_alias("wine", "champion").version)


def run(models: ModelService, **kwargs: Any) -> str:
    return log_model_run(models.settings.tracking_uri, **kwargs)


def promote(
    models: ModelService, run_id: str, *, name: str = "wine", alias: str = "champion", **fields: Any
) -> Promotion:
    request = PromoteRequest(run_id=run_id, name=name, alias=alias, **fields)
    return models.promote(request, user="ann")


def test_promote_with_a_passing_gate_registers_a_version_mlflow_reads(
    models: ModelService,
) -> None:
    # Given a run of an environment, with a model and a good accuracy,
    run_id = run(
        models,
        metrics={"val_accuracy": 0.93},
        tags={"mlx.env.name": "wine", "mlx.env.lock_sha256": "ab" * 32},
    )
    seen: list[Promotion] = []

    # When it is promoted behind a metric gate,
    plan = models.prepare_promotion(
        PromoteRequest(
            run_id=run_id, name="wine", alias="champion", gates=["val_accuracy >= 0.9"], note="v1"
        )
    )
    assert plan.promotion.state == "running"
    assert [g.status for g in plan.promotion.gates] == ["pending"]
    done = models.execute(plan, user="ann", on_progress=seen.append)

    # Then version 1 is registered from its LoggedModel and holds the alias,
    assert done.state == "promoted", done.error
    assert (done.version, done.previous_version, done.error) == ("1", None, None)
    assert done.gates[0].detail == "val_accuracy 0.93 >= 0.9"
    statuses = [p.gates[0].status for p in seen]
    assert list(dict.fromkeys(statuses)) == ["pending", "running", "passed"]
    client = mlflow_client(models)
    version = client.get_model_version_by_alias("wine", "champion")
    assert str(version.version) == "1"
    assert version.run_id == run_id
    [model] = models.run_models(run_id).models
    assert model.model_id is not None
    assert version.source == client.get_logged_model(model.model_id).artifact_location
    assert version.tags == {
        "mlx.run_id": run_id,
        "mlx.notebook": "train.ipynb",
        "mlx.job.id": "job-1",
        "mlx.env.name": "wine",
        "mlx.env.lock_sha256": "ab" * 32,
    }
    # and described with its run, and recorded with its gate.
    described = models.describe("wine")
    assert described.aliases == {"champion": "1"}
    assert described.latest_version == "1"
    [described_version] = described.versions
    assert described_version.notebook == "train.ipynb"
    assert described_version.environment == "wine"
    assert described_version.metrics == {"val_accuracy": 0.93}
    assert described_version.aliases == ["champion"]
    [move] = models.history("wine").moves
    assert (move.action, move.outcome, move.from_version, move.to_version) == (
        "promote",
        "moved",
        None,
        "1",
    )
    assert (move.user, move.note, move.gates) == ("ann", "v1", done.gates)


def test_a_failing_metric_gate_registers_nothing(models: ModelService) -> None:
    run_id = run(models, metrics={"val_accuracy": 0.93, "loss": 0.2})

    done = promote(models, run_id, gates=["val_accuracy >= 0.95", "loss < 0.3"])

    assert done.state == "refused"
    assert done.error == "val_accuracy >= 0.95: val_accuracy 0.93 >= 0.95"
    assert [g.status for g in done.gates] == ["failed", "passed"]
    assert list(mlflow_client(models).search_registered_models()) == []
    [move] = models.history("wine").moves
    assert (move.action, move.outcome, move.to_version) == ("promote", "refused", None)
    assert move.error == done.error


def test_a_gate_against_the_champion_passes_when_better_and_refuses_when_worse(
    models: ModelService,
) -> None:
    # Given a champion with loss 0.35 (promoted while there was no champion),
    first = promote(models, run(models, metrics={"loss": 0.35}), gates=["loss < champion.loss"])
    assert first.gates[0].detail == "no version holds alias 'champion' yet: passes"

    # When a better run and then a worse one are promoted behind loss < champion.loss,
    better = promote(models, run(models, metrics={"loss": 0.21}), gates=["loss < champion.loss"])
    worse = promote(models, run(models, metrics={"loss": 0.5}), gates=["loss < champion.loss"])

    # Then the better one takes the alias and the worse one is refused, with the values.
    assert better.state == "promoted"
    assert (better.version, better.previous_version) == ("2", "1")
    assert better.gates[0].detail == "loss 0.21 < champion.loss 0.35 (version 1)"
    assert worse.state == "refused"
    assert worse.error == "loss < champion.loss: loss 0.5 < champion.loss 0.21 (version 2)"
    assert champion(models) == "2"
    assert [v.version for v in models.describe("wine").versions] == ["2", "1"]


def test_rollback_restores_the_previous_version_and_is_recorded(models: ModelService) -> None:
    promote(models, run(models))
    promote(models, run(models))

    move = models.rollback("wine", "champion", RollbackRequest(note="bad"), user="bob")

    assert (move.action, move.from_version, move.to_version, move.user) == (
        "rollback",
        "2",
        "1",
        "bob",
    )
    assert champion(models) == "1"
    assert [m.action for m in models.history("wine").moves] == ["rollback", "promote", "promote"]


def test_rollback_without_an_earlier_version_or_alias_is_refused(models: ModelService) -> None:
    promote(models, run(models))

    with pytest.raises(InvalidInput, match="no earlier version") as caught:
        models.rollback("wine", "champion", RollbackRequest(), user=None)
    assert caught.value.field == "alias"
    with pytest.raises(NotFound) as missing:
        models.rollback("wine", "staging", RollbackRequest(), user=None)
    assert missing.value.field == "alias"


def test_moves_made_with_mlflow_directly_are_recorded_as_outside(models: ModelService) -> None:
    # Given two versions, the alias on version 2 through jupyter-mlx,
    promote(models, run(models))
    promote(models, run(models))
    client = mlflow_client(models)

    # When MLflow's client moves it back and sets another alias,
    client.set_registered_model_alias("wine", "champion", "1")
    client.set_registered_model_alias("wine", "staging", "2")
    models.describe("wine")
    models.describe("wine")

    # Then each move is recorded once as outside, by nobody,
    moves = models.history("wine").moves
    outside = [(m.alias, m.from_version, m.to_version) for m in moves if m.action == "outside"]
    assert sorted(outside) == [("champion", "2", "1"), ("staging", None, "2")]
    assert {(m.user, m.note) for m in moves if m.action == "outside"} == {
        (None, "moved outside jupyter-mlx")
    }
    # and a rollback undoes the outside move; a deletion outside is recorded too.
    assert models.rollback("wine", "champion", RollbackRequest(), user=None).to_version == "2"
    client.delete_registered_model_alias("wine", "staging")
    latest = models.history("wine").moves[0]
    assert (latest.alias, latest.action, latest.from_version, latest.to_version) == (
        "staging",
        "outside",
        "2",
        None,
    )


def test_a_failure_at_the_record_step_undoes_the_promotion(
    models: ModelService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a champion at version 1,
    promote(models, run(models))
    record = AliasHistory.record

    def failing(self: AliasHistory, *args: Any, **kwargs: Any) -> Any:
        if kwargs["outcome"] == "moved" and kwargs["action"] == "promote":
            raise OSError("disk full")
        return record(self, *args, **kwargs)

    monkeypatch.setattr(AliasHistory, "record", failing)

    # When recording the next promotion fails,
    done = promote(models, run(models))

    # Then it failed, its version is gone and the alias is where it was,
    assert done.state == "failed"
    assert done.error is not None
    assert done.error.startswith("Could not record the move: OSError: disk full.")
    assert "Version 2 was deleted again" in done.error
    client = mlflow_client(models)
    assert [str(v.version) for v in client.search_model_versions("name = 'wine'")] == ["1"]
    assert champion(models) == "1"
    # and the history says so.
    latest = models.history("wine").moves[0]
    assert (latest.outcome, latest.from_version, latest.to_version) == ("undone", "1", "2")


def test_a_failed_first_promotion_leaves_no_registered_model(
    models: ModelService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(self: AliasHistory, *args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(AliasHistory, "record", failing)

    done = promote(models, run(models))

    assert done.state == "failed"
    assert "registered model wine was deleted again" in (done.error or "")
    assert list(mlflow_client(models).search_registered_models()) == []


def test_a_run_model_is_listed_with_its_flavours_and_found_by_any_of_its_names(
    models: ModelService,
) -> None:
    run_id = run(models)

    [model] = models.run_models(run_id).models

    assert (model.artifact_path, model.source) == ("model", "logged_model")
    assert model.model_uri == f"models:/{model.model_id}"
    assert model.flavors == ["python_function", "sklearn"]
    assert model.signature is not None and '"shape": [-1, 3]' in model.signature["inputs"]
    assert model.has_input_example
    for given in ("model", model.model_uri, model.model_id):
        plan = models.prepare_promotion(
            PromoteRequest(run_id=run_id, artifact_path=given, name="wine", alias="champion")
        )
        assert plan.promotion.model_uri == model.model_uri


def test_a_legacy_artifact_folder_is_promoted_by_its_runs_uri(models: ModelService) -> None:
    run_id = run(models, legacy_artifact=True)

    [model] = models.run_models(run_id).models
    done = promote(models, run_id, artifact_path=f"runs:/{run_id}/model")

    assert (model.source, model.model_uri, model.model_id) == (
        "artifact",
        f"runs:/{run_id}/model",
        None,
    )
    assert done.state == "promoted"
    version = mlflow_client(models).get_model_version("wine", "1")
    assert version.run_id == run_id


def test_move_and_remove_an_alias_are_gated_and_recorded(models: ModelService) -> None:
    promote(models, run(models, metrics={"acc": 0.7}))
    promote(models, run(models, metrics={"acc": 0.9}))

    refused = models.move_alias(
        "wine", "staging", MoveAliasRequest(version="1", gates=["acc > 0.8"]), user="ann"
    )
    moved = models.move_alias(
        "wine", "staging", MoveAliasRequest(version="2", gates=["acc > 0.8"]), user="ann"
    )
    removed = models.remove_alias("wine", "staging", user="ann")

    assert refused.state == "refused"
    assert (moved.state, moved.version, moved.model_uri) == ("promoted", "2", "models:/wine/2")
    assert (removed.action, removed.from_version, removed.to_version) == ("remove", "2", None)
    assert "staging" not in models.describe("wine").aliases
    actions = [(m.alias, m.action, m.outcome) for m in models.history("wine").moves[:3]]
    assert actions == [
        ("staging", "remove", "moved"),
        ("staging", "move", "moved"),
        ("staging", "move", "refused"),
    ]


def test_default_gates_stored_on_the_model_apply_when_none_are_given(
    models: ModelService,
) -> None:
    promote(models, run(models, metrics={"acc": 0.9}))

    models.set_gates("wine", Gates(metrics=["acc >= 0.95"]))
    done = promote(models, run(models, metrics={"acc": 0.9}))
    forced = promote(models, run(models, metrics={"acc": 0.9}), gates=[])

    assert models.describe("wine").gates == Gates(metrics=["acc >= 0.95"])
    assert (done.state, done.error) == ("refused", "acc >= 0.95: acc 0.9 >= 0.95")
    assert forced.state == "promoted"


def test_models_are_listed_by_part_of_the_name_in_pages(models: ModelService) -> None:
    run_id = run(models)
    for name in ("Wine-red", "wine-white", "beer"):
        promote(models, run_id, name=name)

    first = models.list(ListModelsQuery(search="WINE", max_results=1))
    second = models.list(
        ListModelsQuery(search="WINE", max_results=1, page_token=first.next_page_token)
    )

    assert [m.name for m in first.models + second.models] == ["Wine-red", "wine-white"]
    assert second.next_page_token is None
    assert first.models[0].aliases == {"champion": "1"}


@pytest.mark.parametrize(
    ("fields", "error", "field", "message"),
    [
        ({"run_id": "0" * 32}, NotFound, "run_id", "0" * 32),
        (
            {"artifact_path": "nothing"},
            InvalidInput,
            "artifact_path",
            "its models: model (models:/",
        ),
        ({"gates": ["acc >> 0.9"]}, InvalidInput, "gates", "unknown operator '>>' at position 5"),
        ({"gates": ["f1 > 0.9"]}, InvalidInput, "gates", "no metric 'f1' (its metrics: acc)"),
        ({"alias": "latest"}, InvalidInput, "alias", "latest"),
        ({"alias": "v3"}, InvalidInput, "alias", "v3"),
        ({"alias": "not ok!"}, InvalidInput, "alias", "alias: "),
        ({"name": "promote"}, InvalidInput, "name", "'promote' is reserved"),
    ],
)
def test_bad_promotions_are_refused_naming_the_field(
    models: ModelService, fields: dict[str, Any], error: type[Exception], field: str, message: str
) -> None:
    request = {"run_id": run(models, metrics={"acc": 0.9}), "name": "wine", "alias": "champion"}

    with pytest.raises(error) as caught:
        models.prepare_promotion(PromoteRequest(**{**request, **fields}))

    assert caught.value.field == field  # type: ignore[attr-defined]
    assert message in caught.value.message  # type: ignore[attr-defined]


def test_a_run_without_a_model_lists_its_artifacts(models: ModelService) -> None:
    run_id = run(models, with_model=False)

    with pytest.raises(InvalidInput, match=r"has no model.*\(its artifacts: notes.txt\)"):
        promote(models, run_id)


def test_a_name_differing_only_in_case_is_refused(models: ModelService) -> None:
    run_id = run(models)
    promote(models, run_id, name="Wine")

    with pytest.raises(InvalidInput, match="'Wine' exists") as caught:
        promote(models, run_id, name="wine")
    assert caught.value.field == "name"


def test_a_smoke_test_of_a_model_without_input_example_is_refused(models: ModelService) -> None:
    with pytest.raises(InvalidInput, match="needs an input example") as caught:
        promote(models, run(models, input_example=False), smoke=True)
    assert caught.value.field == "smoke"


def test_unknown_model_version_and_alias_are_named(models: ModelService) -> None:
    promote(models, run(models))

    for call, field in [
        (lambda: models.describe("nope"), "name"),
        (lambda: models.history("nope"), "name"),
        (lambda: models.set_gates("nope", Gates()), "name"),
        (
            lambda: models.move_alias("wine", "a", MoveAliasRequest(version="9"), user=None),
            "version",
        ),
        (lambda: models.remove_alias("wine", "staging", user=None), "alias"),
        (lambda: models.rollback("nope", "champion", RollbackRequest(), user=None), "name"),
    ]:
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.field == field


def test_a_started_promotion_is_polled_until_it_ends(models: ModelService) -> None:
    promotions = Promotions()
    plan = models.prepare_promotion(
        PromoteRequest(run_id=run(models, metrics={"acc": 0.9}), name="wine", alias="champion")
    )

    started = promotions.start(models, plan, "ann")
    promotions.close()
    done = promotions.get(started.promotion_id)

    assert started.state == "running"
    assert (done.state, done.version) == ("promoted", "1")
    with pytest.raises(NotFound) as caught:
        promotions.get("nope")
    assert caught.value.field == "promotion_id"


def test_a_version_whose_run_was_deleted_keeps_its_lineage_tags_only(
    models: ModelService,
) -> None:
    run_id = run(models, metrics={"acc": 0.9}, tags={"mlx.env.name": "wine"})
    promote(models, run_id)

    mlflow_client(models).delete_run(run_id)
    [version] = models.describe("wine").versions

    assert (version.run_id, version.run_name, version.metrics) == (run_id, None, {})
    assert (version.notebook, version.environment, version.job_id) == (
        "train.ipynb",
        "wine",
        "job-1",
    )
