"""Hot reload of a scoring process serving ``models:/churn@champion``: the alias moves under
load and no request fails; a version that fails its smoke test leaves the old one serving."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from scoringservers import scoring_server, serving_env
from servingregistry import add_version, move_alias, tracking_store

#: Concurrent clients of the load loop.
CLIENTS = 6
#: Seconds the load runs at most.
LOAD_DEADLINE_S = 60.0
#: Seconds of load kept up after the new version answers.
AFTER_SWAP_S = 1.0
BODY = {"inputs": [[0.9, 0.1, 0.1]]}


async def load_while_alias_moves(url: str, tracking_uri: str, version: str) -> list[int]:
    """Post requests from :data:`CLIENTS` clients; once they run, move the alias to
    ``version`` and tell the server; stop a second after the server serves it. The statuses."""
    statuses: list[int] = []
    stop = asyncio.Event()

    async def client(http: httpx.AsyncClient) -> None:
        while not stop.is_set():
            answer = await http.post(f"{url}/invocations", json=BODY)
            statuses.append(answer.status_code)

    async def mover(http: httpx.AsyncClient) -> None:
        while len(statuses) < 50:
            await asyncio.sleep(0.05)
        await asyncio.to_thread(move_alias, tracking_uri, "champion", version)
        await http.post(f"{url}/-/reload")
        while (await http.get(f"{url}/-/state")).json()["versions"][0]["version"] != version:
            await asyncio.sleep(0.1)
        await asyncio.sleep(AFTER_SWAP_S)
        stop.set()

    limits = httpx.Limits(max_connections=CLIENTS + 1)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        tasks = [client(http) for _ in range(CLIENTS)]
        await asyncio.wait_for(asyncio.gather(mover(http), *tasks), LOAD_DEADLINE_S)
    return statuses


def wait_for_state(url: str, done: callable, timeout: float = 30.0) -> dict:  # type: ignore[valid-type]
    """``/-/state`` once ``done(state)`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        state = httpx.get(f"{url}/-/state").json()
        if done(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


@pytest.mark.slow
def test_an_alias_moved_under_load_is_served_without_a_failed_request(
    tmp_path: Path, mlflow_state: None
) -> None:
    # Given: churn@champion on version 1, versions 2 and 3 (3 predicts NaN) registered
    tracking_uri = tracking_store(tmp_path / "store")
    first, second, broken = add_version(tracking_uri), add_version(tracking_uri), None
    broken = add_version(tracking_uri, nan=True)
    move_alias(tracking_uri, "champion", first)
    args = ["--model", "models:/churn@champion", "--reload-interval", "0.5"]
    with scoring_server(args, serving_env(tracking_uri)) as server:
        # When: the alias moves to version 2 while six clients post requests
        statuses = asyncio.run(load_while_alias_moves(server.url, tracking_uri, second))
        after = httpx.get(f"{server.url}/-/state").json()
        newest = httpx.get(f"{server.url}/-/log", params={"limit": 1}).json()["records"]

        # Then: every request was answered 200, and version 2 serves
        assert len(statuses) > 50
        assert set(statuses) == {200}
        assert [v["version"] for v in after["versions"]] == [second]
        assert after["versions"][0]["model_uri"] == f"models:/churn/{second}"
        assert after["model_uri"] == "models:/churn@champion"
        assert after["reload"]["error"] is None and after["reload"]["reloaded_at"]
        assert newest[0]["version"] == second
        assert after["requests"] == len(statuses)

        # When: the alias moves to a version that fails its smoke test
        move_alias(tracking_uri, "champion", broken)
        assert httpx.post(f"{server.url}/-/reload").json() == {"checking": True}
        state = wait_for_state(server.url, lambda s: s["reload"]["error"])
        answer = httpx.post(f"{server.url}/invocations", json=BODY)

        # Then: version 2 keeps serving, and the reload says why
        assert state["reload"]["error"].startswith(f"Version {broken} failed its smoke test: ")
        assert "NaN" in state["reload"]["error"]
        assert state["reload"]["loading"] is None
        assert [v["version"] for v in state["versions"]] == [second]
        assert answer.status_code == 200

        # When: the alias moves back to the version served
        move_alias(tracking_uri, "champion", second)
        httpx.post(f"{server.url}/-/reload")
        state = wait_for_state(server.url, lambda s: s["reload"]["error"] is None)

        # Then: the error is gone
        assert state["reload"]["error"] is None
