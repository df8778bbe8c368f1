"""Bounded pools for blocking work: a full pool refuses at once, cheap routes never queue."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest
from conftest import mlx_server_config
from tornado.httpclient import HTTPClientError

from jupyter_mlx.blocking import BlockingPool
from jupyter_mlx.errors import Busy


async def test_a_full_pool_refuses_and_a_cancelled_wait_never_runs() -> None:
    # Given a pool of one thread and one queue slot, its thread held by a call,
    pool = BlockingPool("test", workers=1, queue=1)
    release = threading.Event()
    ran: list[str] = []

    def hold() -> str:
        release.wait(10)
        ran.append("hold")
        return "held"

    first = asyncio.ensure_future(pool.run(hold))
    queued = asyncio.ensure_future(pool.run(ran.append, "queued"))
    await asyncio.sleep(0.05)

    # when one more call comes, it is refused at once; the queued one is cancelled,
    with pytest.raises(Busy, match="busy"):
        await pool.run(ran.append, "refused")
    assert pool.load().pending == 2
    queued.cancel()
    # The cancellation reaches the pool's queue once the loop has run the waiting call's
    # callbacks; the held thread is released only then, or it could take the queued call.
    with pytest.raises(asyncio.CancelledError):
        await queued
    release.set()

    # then the running call finishes, the cancelled one never ran, and the pool is free again.
    assert await first == "held"
    await asyncio.sleep(0.05)
    assert ran == ["hold"]
    assert pool.load().pending == 0
    assert await pool.run(len, "abc") == 3
    pool.shutdown()


class TestASaturatedServer:
    @pytest.fixture
    def jp_server_config(self, mlx_workspace: Path) -> dict:
        config = mlx_server_config(mlx_workspace)
        config["MLXApp"].update({"blocking_workers": 1, "blocking_queue": 0})
        return config

    async def test_heavy_reads_beyond_the_queue_get_503_and_config_still_answers(
        self, jp_fetch, jp_serverapp, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given a run search that holds the server's only heavy thread,
        services = jp_serverapp.web_app.settings["mlx"]
        release = threading.Event()
        monkeypatch.setattr(services.tracking, "search_runs", lambda query: release.wait(10))
        held = asyncio.ensure_future(jp_fetch("mlx", "api", "runs"))
        await asyncio.sleep(0.1)

        # when another search comes, and then the status,
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch("mlx", "api", "runs")
        status = await jp_fetch("mlx", "api", "config")
        release.set()
        with pytest.raises(HTTPClientError):  # the held search's fake answer is not a page
            await held

        # then the second search is refused with Retry-After, and the status answered anyway.
        assert refused.value.code == 503
        assert refused.value.response is not None
        assert refused.value.response.headers["Retry-After"] in ("1", "2", "3")
        body = json.loads(refused.value.response.body)
        assert body["code"] == "busy"
        assert status.code == 200
