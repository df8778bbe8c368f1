"""Traffic split between a primary and a canary, and ``PATCH /-/config``: the routing
itself, then one scoring process whose split, canary and batching are changed while it serves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from scoringservers import RunningServer, scoring_server, serving_env
from servingregistry import Registry, registry

from jupyter_mlx.serving.deployment import Deployments, LoadedModel, ModelRef

BODY = {"inputs": [[0.9, 0.1, 0.1]]}


def loaded(version: str) -> LoadedModel:
    """A stand-in for a loaded version (routing reads none of the model)."""
    ref = ModelRef(f"models:/churn/{version}", f"models:/churn/{version}", "churn", None, version)
    signature: Any = None
    return LoadedModel(ref, None, signature, None, None, datetime.now(timezone.utc))  # type: ignore[arg-type]


@pytest.mark.parametrize("percent", [0, 1, 10, 33, 50, 100])
def test_the_canary_takes_exactly_its_percent_of_each_hundred_requests(percent: int) -> None:
    deployments = Deployments(
        "models:/churn@champion",
        loaded("1"),
        canary_uri="models:/churn/2",
        canary=loaded("2"),
        canary_percent=percent,
        batch_window_ms=2,
        max_batch_rows=256,
    )

    routed = [deployments.route().label for _ in range(300)]

    assert routed.count("2") == 3 * percent
    # Spread out, not in a run: each hundred holds its share.
    assert [routed[i : i + 100].count("2") for i in (0, 100, 200)] == [percent] * 3


def test_without_a_canary_the_primary_takes_every_request() -> None:
    deployments = Deployments(
        "models:/churn/1", loaded("1"), canary_percent=50, batch_window_ms=2, max_batch_rows=256
    )

    assert {deployments.route().label for _ in range(10)} == {"1"}
    assert deployments.primary.in_flight == 10


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with registry(tmp_path_factory.mktemp("split")) as made:
        yield made


@pytest.fixture(scope="module")
def server(versions: Registry) -> Iterator[RunningServer]:
    first, second = versions.plain
    args = [
        "--model", f"models:/churn/{first}",
        "--canary", f"models:/churn/{second}",
        "--canary-percent", "20",
        "--name", "churn",
        "--reload-interval", "0",
    ]  # fmt: skip
    with scoring_server(args, serving_env(versions.tracking_uri)) as running:
        yield running


def post_many(url: str, count: int) -> list[int]:
    with httpx.Client(timeout=30) as http:
        return [http.post(f"{url}/invocations", json=BODY).status_code for _ in range(count)]


def by_role(state: dict) -> dict[str, dict]:
    return {version["role"]: version for version in state["versions"]}


@pytest.mark.slow
def test_a_canary_answers_its_share_and_is_counted_apart(
    server: RunningServer, versions: Registry
) -> None:
    first, second = versions.plain
    before = by_role(httpx.get(f"{server.url}/-/state").json())

    statuses = post_many(server.url, 100)
    state = httpx.get(f"{server.url}/-/state").json()
    buckets = httpx.get(f"{server.url}/-/metrics").json()["buckets"]

    assert set(statuses) == {200}
    versions_now = by_role(state)
    assert versions_now["primary"]["version"] == first
    assert versions_now["canary"]["version"] == second
    canary_share = versions_now["canary"]["requests"] - before["canary"]["requests"]
    assert 15 <= canary_share <= 25
    assert state["canary_percent"] == 20
    assert versions_now["canary"]["p50_ms"] > 0 and versions_now["canary"]["p99_ms"] > 0
    per_version: dict[str, int] = {}
    for bucket in buckets:
        for version, count in bucket["versions"].items():
            per_version[version] = per_version.get(version, 0) + count
    assert per_version[second] == versions_now["canary"]["requests"]
    assert per_version[first] == versions_now["primary"]["requests"]


@pytest.mark.slow
def test_config_changes_the_split_the_canary_and_the_batching(
    server: RunningServer, versions: Registry
) -> None:
    first, second = versions.plain
    url = f"{server.url}/-/config"

    # When: the canary takes every request
    state = httpx.patch(url, json={"canary_percent": 100}).json()
    before = by_role(state)["canary"]["requests"]
    post_many(server.url, 10)
    after = by_role(httpx.get(f"{server.url}/-/state").json())["canary"]["requests"]
    # Then: it answered all of them
    assert state["canary_percent"] == 100
    assert after - before == 10

    # When: a URI that does not resolve is asked for
    refused = httpx.patch(url, json={"model_uri": "models:/churn@nowhere"})
    # Then: 400 naming it, and the same versions keep serving
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "BAD_REQUEST"
    assert "'models:/churn@nowhere' does not resolve" in refused.json()["message"]
    assert [v["version"] for v in httpx.get(f"{server.url}/-/state").json()["versions"]] == [
        first,
        second,
    ]

    # When: the broken version is asked for as the canary
    refused = httpx.patch(url, json={"canary_model_uri": f"models:/churn/{versions.broken}"})
    # Then: its smoke test refuses it
    assert refused.status_code == 400
    assert "failed its smoke test" in refused.json()["message"]

    # When: the batching changes and the canary is dropped
    state = httpx.patch(
        url, json={"canary_model_uri": None, "batch_window_ms": 0, "max_batch_rows": 8}
    ).json()
    # Then: only the primary serves, batching off, its counts kept
    assert [v["role"] for v in state["versions"]] == ["primary"]
    assert state["canary_percent"] == 0
    assert (state["batch_window_ms"], state["max_batch_rows"]) == (0, 8)
    assert state["versions"][0]["requests"] > 0
    assert set(post_many(server.url, 5)) == {200}

    # When: another primary is asked for
    state = httpx.patch(url, json={"model_uri": f"models:/churn/{second}"}).json()
    # Then: it serves from then on
    assert state["model_uri"] == f"models:/churn/{second}"
    assert [v["version"] for v in state["versions"]] == [second]
    assert set(post_many(server.url, 3)) == {200}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"canary_percent": 101}, "within 0-100"),
        ({"max_batch_rows": 0}, "at least one row"),
        ({"batch_window_ms": "2"}, "'batch_window_ms' has the wrong type"),
        ({"replicas": 2}, "Unknown fields: replicas"),
        ([1], "must be a JSON object"),
    ],
)
def test_bad_config_is_refused(server: RunningServer, body: Any, message: str) -> None:
    answer = httpx.patch(f"{server.url}/-/config", json=body)

    assert answer.status_code == 400
    assert message in answer.json()["message"]
