"""/mlx/api/models, /mlx/api/promotions and /mlx/api/runs/{id}/models through a real in-process
server (under the hub-style base URL ``/a%40b/``), against the workspace's real MLflow store.

Each answer is checked against the schema openapi.yaml gives it. Runs hold a tiny scikit-learn
model logged with an input example (:func:`modelruns.log_model_run`); gates are metric gates,
which need no subprocess. Authentication of every route is covered by test_routes_auth.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from modelruns import log_model_run
from restapi import call, conforms, refused

#: Seconds a promotion with metric gates may take.
PROMOTE_WITHIN_S = 60.0


@pytest.fixture
def tracking_uri(mlx_workspace: Path) -> str:
    """The server's tracking store: the workspace's own."""
    mlx_workspace.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{mlx_workspace / 'mlflow.db'}"


async def get(jp_fetch, *parts: str, schema: str) -> dict:
    code, _, body = await call(jp_fetch, "GET", *parts)
    assert code == 200, body
    return conforms(body, schema)


async def settled(jp_fetch, answer: tuple) -> dict:
    """A promotion answered 202 (its URL at Location), polled until it is no longer running."""
    code, headers, promotion = answer
    assert code == 202, promotion
    conforms(promotion, "Promotion")
    assert promotion["state"] == "running"
    assert headers["Location"] == f"/a%40b/mlx/api/promotions/{promotion['promotion_id']}"
    deadline = time.monotonic() + PROMOTE_WITHIN_S
    while promotion["state"] == "running":
        assert time.monotonic() < deadline, f"still running after {PROMOTE_WITHIN_S} s"
        await asyncio.sleep(0.05)
        promotion = await get(jp_fetch, "promotions", promotion["promotion_id"], schema="Promotion")
    return promotion


async def promote(jp_fetch, **body: Any) -> dict:
    return await settled(jp_fetch, await call(jp_fetch, "POST", "models", "promote", body=body))


def statuses(promotion: dict) -> list[tuple[str, str]]:
    return [(gate["gate"], gate["status"]) for gate in promotion["gates"]]


async def test_promote_behind_gates_then_refuse_move_roll_back_and_read_the_history(
    jp_fetch, tracking_uri: str
) -> None:
    # Given two runs with a model each, the second more accurate,
    first = log_model_run(tracking_uri, metrics={"val_accuracy": 0.8})
    second = log_model_run(tracking_uri, metrics={"val_accuracy": 0.9})
    held = await get(jp_fetch, "runs", first, "models", schema="RunModels")
    assert held["run_id"] == first and len(held["models"]) == 1
    assert held["models"][0]["has_input_example"] is True

    # when the first is promoted behind a passing gate (202 at once, then polled),
    promoted = await promote(
        jp_fetch, run_id=first, name="churn", alias="champion", gates=["val_accuracy >= 0.5"]
    )

    # then it is version 1 under champion, its gate passed with the values compared;
    assert promoted["error"] is None, promoted["error"]
    assert (promoted["state"], promoted["version"], promoted["previous_version"]) == (
        "promoted",
        "1",
        None,
    )
    assert statuses(promoted) == [("val_accuracy >= 0.5", "passed")]
    assert "0.8" in promoted["gates"][0]["detail"]

    # a gate the second run fails refuses it, naming the gate: nothing is registered;
    refusal = await promote(
        jp_fetch, run_id=second, name="churn", alias="champion", gates=["val_accuracy >= 0.99"]
    )
    assert (refusal["state"], refusal["version"]) == ("refused", None)
    assert "val_accuracy >= 0.99" in refusal["error"]
    model = await get(jp_fetch, "models", "churn", schema="DescribeModel")
    assert ([v["version"] for v in model["versions"]], model["aliases"]) == (
        ["1"],
        {"champion": "1"},
    )

    # beating the champion promotes it as version 2,
    better = await promote(
        jp_fetch,
        run_id=second,
        name="churn",
        alias="champion",
        gates=["val_accuracy > champion.val_accuracy"],
        note="more accurate",
    )
    assert (better["state"], better["version"], better["previous_version"]) == (
        "promoted",
        "2",
        "1",
    )

    # which MLflow's own client reads under the alias, and the model lists;
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    assert str(client.get_model_version_by_alias("churn", "champion").version) == "2"
    listed = await get(jp_fetch, "models", schema="ListModelsResponse")
    assert [(m["name"], m["aliases"]) for m in listed["models"]] == [("churn", {"champion": "2"})]
    model = await get(jp_fetch, "models", "churn", schema="DescribeModel")
    assert [v["version"] for v in model["versions"]] == ["2", "1"]
    assert model["versions"][0]["run_id"] == second
    assert model["versions"][0]["metrics"]["val_accuracy"] == pytest.approx(0.9)

    # a rollback moves champion back to version 1 in one call,
    code, _, move = await call(
        jp_fetch, "POST", "models", "churn", "aliases", "champion", "rollback", body={}
    )
    assert code == 200, move
    conforms(move, "AliasMove")
    assert (move["action"], move["from_version"], move["to_version"]) == ("rollback", "2", "1")
    assert str(client.get_model_version_by_alias("churn", "champion").version) == "1"

    # an alias moved to a version (202, polled) and removed (204) is recorded too,
    staged = await settled(
        jp_fetch,
        await call(jp_fetch, "PUT", "models", "churn", "aliases", "staging", body={"version": "2"}),
    )
    assert (staged["state"], staged["version"]) == ("promoted", "2")
    code, _, body = await call(jp_fetch, "DELETE", "models", "churn", "aliases", "staging")
    assert (code, body) == (204, None)
    model = await get(jp_fetch, "models", "churn", schema="DescribeModel")
    assert model["aliases"] == {"champion": "1"}

    # and the history holds every move, newest first, with who, the gates and the note.
    history = await get(jp_fetch, "models", "churn", "history", schema="ModelHistory")
    moves = [
        (m["action"], m["outcome"], m["alias"], m["from_version"], m["to_version"])
        for m in history["moves"]
    ]
    assert moves == [
        ("remove", "moved", "staging", "2", None),
        ("move", "moved", "staging", None, "2"),
        ("rollback", "moved", "champion", "2", "1"),
        ("promote", "moved", "champion", "1", "2"),
        ("promote", "refused", "champion", "1", None),
        ("promote", "moved", "champion", None, "1"),
    ]
    assert history["moves"][3]["note"] == "more accurate"
    assert history["moves"][3]["gates"][0]["status"] == "passed"
    assert {m["user"] for m in history["moves"]} != {None}


async def test_default_gates_are_set_on_the_model_and_run_when_none_are_given(
    jp_fetch, tracking_uri: str
) -> None:
    run = log_model_run(tracking_uri, metrics={"val_accuracy": 0.7})
    await promote(jp_fetch, run_id=run, name="fraud", alias="staging", gates=[])

    # Given default gates stored on the model,
    code, _, gates = await call(
        jp_fetch, "PUT", "models", "fraud", "gates", body={"metrics": ["val_accuracy >= 0.75"]}
    )
    assert code == 200, gates
    assert conforms(gates, "Gates") == {"metrics": ["val_accuracy >= 0.75"], "smoke": False}
    model = await get(jp_fetch, "models", "fraud", schema="DescribeModel")
    assert model["gates"] == gates
    assert json.loads(model["tags"]["mlx.gates"])["metrics"] == ["val_accuracy >= 0.75"]

    # when a promotion gives none, they run (and refuse it),
    refusal = await promote(jp_fetch, run_id=run, name="fraud", alias="champion")
    assert refusal["state"] == "refused"
    assert statuses(refusal) == [("val_accuracy >= 0.75", "failed")]

    # and a gate that does not parse is refused at once, naming the gates.
    bad = await call(
        jp_fetch, "PUT", "models", "fraud", "gates", body={"metrics": ["val_accuracy >>= 1"]}
    )
    assert "val_accuracy >>= 1" in refused(bad, 400, "gates")


async def test_bad_input_is_refused_at_once_naming_the_field(jp_fetch, tracking_uri: str) -> None:
    run = log_model_run(tracking_uri, metrics={"val_accuracy": 0.7})

    async def promoting(**body: Any) -> tuple:
        return await call(jp_fetch, "POST", "models", "promote", body=body)

    # A missing or malformed field, an unknown run, a bad gate, a metric the run lacks:
    refused(await promoting(run_id=run, name="m"), 400, "alias")
    refused(await promoting(run_id=run, name="a/b", alias="x"), 400, "name")
    refused(await call(jp_fetch, "POST", "models", "promote", body="{"), 400, None)
    assert "nope" in refused(await promoting(run_id="nope", name="m", alias="x"), 404, "run_id")
    gate = await promoting(run_id=run, name="m", alias="x", gates=["val_accuracy >>= 1"])
    assert gate[0] == 400 and gate[2]["field"].startswith("gates"), gate
    assert "val_accuracy >>= 1" in gate[2]["message"]
    missing = await promoting(run_id=run, name="m", alias="x", gates=["auc >= 0.5"])
    assert missing[0] == 400 and "auc" in missing[2]["message"], missing
    refused(await promoting(run_id=run, name="promote", alias="x"), 400, "name")
    bad_version = await call(
        jp_fetch, "PUT", "models", "m", "aliases", "x", body={"version": "one"}
    )
    refused(bad_version, 400, "version")

    # and nothing was registered.
    assert (await get(jp_fetch, "models", schema="ListModelsResponse"))["models"] == []


async def test_unknown_models_aliases_promotions_and_runs_are_404(
    jp_fetch, tracking_uri: str
) -> None:
    run = log_model_run(tracking_uri, metrics={"val_accuracy": 0.7})
    await promote(jp_fetch, run_id=run, name="known", alias="champion", gates=[])

    for answer in (
        await call(jp_fetch, "GET", "models", "nope"),
        await call(jp_fetch, "GET", "models", "nope", "history"),
        await call(jp_fetch, "PUT", "models", "nope", "gates", body={}),
        await call(jp_fetch, "DELETE", "models", "nope", "aliases", "champion"),
        await call(jp_fetch, "PUT", "models", "known", "aliases", "x", body={"version": "9"}),
        await call(jp_fetch, "DELETE", "models", "known", "aliases", "staging"),
        await call(jp_fetch, "POST", "models", "nope", "aliases", "champion", "rollback"),
        await call(jp_fetch, "GET", "promotions", "nope"),
        await call(jp_fetch, "GET", "runs", "0" * 32, "models"),
    ):
        code, _, error = answer
        assert code == 404, error
        conforms(error, "Error")
