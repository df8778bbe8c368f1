"""The versions a scoring process serves, in process: a swap while a request is in flight,
URIs, percentiles, the example request and the smoke test of a loaded version."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from slowmodel import save_slow_model

from jupyter_mlx.serving import admin, deployment
from jupyter_mlx.serving.app import ScoringApp
from jupyter_mlx.serving.deployment import Deployments, LoadedModel, ModelRef


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> LoadedModel:
    """The slow doubler (0.3 s a predict call), loaded."""
    return deployment.load(str(save_slow_model(tmp_path_factory.mktemp("slow"))))


def as_version(loaded: LoadedModel, version: str) -> LoadedModel:
    ref = ModelRef(f"models:/slow/{version}", f"models:/slow/{version}", "slow", None, version)
    return dataclasses.replace(loaded, ref=ref)


def test_a_request_in_flight_finishes_on_the_version_it_was_routed_to(slow: LoadedModel) -> None:
    deployments = Deployments(
        "models:/slow@champion", as_version(slow, "1"), batch_window_ms=2, max_batch_rows=64
    )
    app = ScoringApp(deployments, name="slow", max_request_bytes=1 << 20)

    async def scenario() -> tuple[httpx.Response, httpx.Response, bool]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://endpoint") as http:
            # Given: a request predicting on version 1 (0.3 s)
            first = asyncio.create_task(http.post("/invocations", json={"inputs": [[1.0]]}))
            while not deployments.primary.in_flight:
                await asyncio.sleep(0.01)
            old = deployments.primary
            # When: version 2 is swapped in, and another request comes
            deployments.replace("primary", as_version(slow, "2"))
            await asyncio.sleep(0.05)
            retiring = list(deployments._retiring)
            waits = bool(retiring) and not any(task.done() for task in retiring)
            waits = waits and not first.done() and old.in_flight == 1
            second = await http.post("/invocations", json={"inputs": [[2.0]]})
            answer = await first
            await asyncio.gather(*retiring)
            return answer, second, waits and old.in_flight == 0

    first, second, waited = asyncio.run(scenario())
    records = app.monitor.log(10)["records"]

    # Then: each was answered by the version it was routed to; the old one waited for its own
    assert (first.json(), second.json()) == ({"predictions": [[2.0]]}, {"predictions": [[4.0]]})
    assert sorted((r["version"], r["input"]["inputs"]) for r in records) == [
        ("1", [[1.0]]),
        ("2", [[2.0]]),
    ]
    assert waited
    assert [v["version"] for v in admin.state(app)["versions"]] == ["2"]


def test_a_loaded_version_is_smoke_tested_on_its_input_example(slow: LoadedModel) -> None:
    passed, detail = deployment.smoke_test(slow)
    without = deployment.smoke_test(dataclasses.replace(slow, input_example=None))

    assert passed, detail
    assert detail.startswith("predicted 2 rows -> shape (2, 1), no NaN, in ")
    assert without == (True, "no input example to try")


@pytest.mark.parametrize(
    ("uri", "named"),
    [
        ("models:/churn@champion", ("churn", "champion")),
        ("models:/team.churn@prod-1", ("team.churn", "prod-1")),
        ("models:/churn/3", None),
        ("runs:/abc/model", None),
        ("models:/@x", None),
        ("/tmp/model", None),
    ],
)
def test_alias_uris_are_told_apart(uri: str, named: tuple[str, str] | None) -> None:
    assert deployment.alias_of(uri) == named


def test_a_path_resolves_to_itself_and_a_missing_one_is_refused(tmp_path: Path) -> None:
    assert deployment.resolve(str(tmp_path)) == ModelRef(str(tmp_path), str(tmp_path))
    with pytest.raises(deployment.InvalidInput, match="does not resolve") as refused:
        deployment.load(str(tmp_path / "nothing"), field="canary")
    assert refused.value.field == "canary"


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]

    assert [deployment.percentile(values, q) for q in (50, 95, 99, 100)] == [50, 95, 99, 100]
    assert deployment.percentile([3.0], 99) == 3.0
    assert deployment.percentile([], 50) is None


@pytest.mark.parametrize(
    ("example", "body"),
    [
        (np.array([[0.5, 1.0]], dtype="float32"), {"inputs": [[0.5, 1.0]]}),
        (
            pd.DataFrame({"a": [1], "b": ["x"]}),
            {"dataframe_split": {"columns": ["a", "b"], "data": [[1, "x"]]}},
        ),
        ({"ids": np.array([1, 2])}, {"inputs": {"ids": [1, 2]}}),
        ("some text", None),
        (None, None),
    ],
)
def test_the_example_request_fits_the_input_example(example: object, body: object) -> None:
    assert admin.example_request(example) == body
