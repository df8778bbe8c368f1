"""Webhooks of job definitions, told by a real run's end, against a tiny HTTP server on
127.0.0.1: delivered, refused by the receiver, and unreachable; the run is never changed."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jobnotebooks import write_notebook
from servers import free_port
from test_jobs_service import finished, running_jobs

from jupyter_mlx.jobs.schemas import CreateJobRequest

pytestmark = pytest.mark.slow


class Receiver:
    """An HTTP server recording what is POSTed to it and answering ``status``."""

    def __init__(self, status: int) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                receiver.posts.append((self.headers["X-MLX-Event"], body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def ok() -> Iterator[Receiver]:
    receiver = Receiver(200)
    yield receiver
    receiver.close()


@pytest.fixture
def refusing() -> Iterator[Receiver]:
    receiver = Receiver(500)
    yield receiver
    receiver.close()


async def test_a_run_end_is_posted_to_the_webhook_and_a_failed_delivery_changes_no_run(
    tmp_path: Path, ok: Receiver, refusing: Receiver
) -> None:
    write_notebook(tmp_path / "good.ipynb", "print('fine')", parameters=None)
    write_notebook(tmp_path / "bad.ipynb", "raise ValueError('broken')", parameters=None)
    unreachable = f"http://127.0.0.1:{free_port()}/hook"
    async with running_jobs(tmp_path) as services:
        definitions = services.definitions

        async def run_of(notebook: str, url: str) -> Any:
            job = await definitions.create(
                CreateJobRequest(
                    notebook=notebook, webhook_url=url, webhook_events=["success", "failure"]
                )
            )
            started = await definitions.trigger(job.id)
            assert started.run is not None
            await finished(services, started.run)
            # The delivery is recorded just after the run's end.
            for _ in range(200):
                run = await services.jobs.get(started.run.id)
                if run.webhook is not None:
                    break
                await asyncio.sleep(0.05)
            return job, run

        # Given a definition whose webhook answers 200, when its run succeeds,
        job, run = await run_of("good.ipynb", ok.url)
        # then the receiver got the run's end as JSON, and the run says so.
        assert run.status == "succeeded"
        [(event, body)] = ok.posts
        assert event == "success" and body["event"] == "success"
        assert body["job"] == {"id": job.id, "name": "good", "notebook": "good.ipynb"}
        assert body["run"]["id"] == run.id and body["run"]["status"] == "succeeded"
        assert run.webhook is not None and run.webhook.delivered
        assert (run.webhook.status_code, run.webhook.event) == (200, "success")

        # Given a receiver answering 500, a failed run is still just failed,
        _, run = await run_of("bad.ipynb", refusing.url)
        assert run.status == "failed" and run.error is not None
        assert [event for event, _ in refusing.posts] == ["failure"]
        assert run.webhook is not None and not run.webhook.delivered
        assert run.webhook.status_code == 500 and "HTTP 500" in (run.webhook.error or "")

        # and a URL nobody listens on is reported on the run, which succeeded.
        _, run = await run_of("good.ipynb", unreachable)
        assert run.status == "succeeded"
        assert run.webhook is not None and not run.webhook.delivered
        assert run.webhook.status_code is None
        assert "cannot reach the URL" in (run.webhook.error or "")
