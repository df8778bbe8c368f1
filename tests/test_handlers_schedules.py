"""/mlx/api/jobs, /mlx/api/sweeps and /mlx/api/schedules/preview through a real in-process server.

pytest-jupyter initializes the server but does not run its post-start hook, so neither the
job dispatcher nor the scheduler runs: runs a definition or a sweep queues stay queued, no
kernel starts and no schedule fires, and every state a test sees is the one its requests
made. Each answer is checked against the schema openapi.yaml gives it. Authentication of
every route is covered by test_routes_auth.py.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nbformat
import pytest
import yaml
from conftest import mlx_server_config
from jobnotebooks import PARAMETERS, write_notebook
from jsonschema import Draft202012Validator
from tornado.httpclient import HTTPClientError

from jupyter_mlx.jobs import schemas
from jupyter_mlx.jobs.schemas import (
    ListJobRunsQuery,
    ListJobsQuery,
    ListSweepsQuery,
    SchedulePreviewQuery,
)

OPENAPI = yaml.safe_load((Path(__file__).parents[1] / "jupyter_mlx" / "openapi.yaml").read_text())
PRINTS = "print(epochs, lr, name, day, flag, opts)"
#: Most runs a sweep may make on the test server (MLXApp.max_sweep_runs).
MAX_SWEEP_RUNS = 6
UNKNOWN = "0" * 32
DAILY_6 = "0 6 * * *"


@pytest.fixture
def jp_server_config(mlx_workspace: Path) -> dict:
    return mlx_server_config(
        mlx_workspace,
        warm_kernels=0,  # type: ignore[arg-type]
        max_sweep_runs=MAX_SWEEP_RUNS,  # type: ignore[arg-type]
    )


@pytest.fixture
def notebooks(jp_root_dir: Path) -> Path:
    """train.ipynb with a parameters cell of every type, in the server's root."""
    write_notebook(jp_root_dir / "train.ipynb", PRINTS)
    return jp_root_dir


# --- requests -------------------------------------------------------------------------------


async def call(jp_fetch, method: str, *parts: str, body: Any = None, **kwargs):
    """(status, headers, body bytes) of a request to /mlx/api/..., errors included."""
    if body is not None:
        kwargs["body"] = body if isinstance(body, str) else json.dumps(body)
    elif method in ("POST", "PATCH"):
        kwargs["body"] = ""
    try:
        response = await jp_fetch("mlx", "api", *parts, method=method, **kwargs)
    except HTTPClientError as exc:
        assert exc.response is not None
        return exc.code, exc.response.headers, exc.response.body
    return response.code, response.headers, response.body


async def call_json(jp_fetch, method: str, *parts: str, **kwargs) -> tuple[int, Any]:
    code, _, body = await call(jp_fetch, method, *parts, **kwargs)
    return code, json.loads(body) if body else {}


def conforms(body: Any, schema: str) -> Any:
    """Assert ``body`` fits the component ``schema`` of openapi.yaml; return it."""
    document = {"$ref": f"#/components/schemas/{schema}", "components": OPENAPI["components"]}
    errors = sorted(Draft202012Validator(document).iter_errors(body), key=str)
    assert not errors, f"{schema}: {errors[0].message} at {list(errors[0].absolute_path)}"
    return body


def refused(code: int, error: dict, field: str | None, status: int = 400) -> None:
    """Assert an error answer of ``status`` naming ``field``."""
    assert (code, error.get("field")) == (status, field), error
    conforms(error, "Error")
    assert error["message"]
    assert error["code"] == {400: "invalid_input", 404: "not_found", 409: "conflict"}[status]


async def create_job(jp_fetch, **body: Any) -> dict:
    code, job = await call_json(
        jp_fetch, "POST", "jobs", body={"notebook": "train.ipynb", "cron": DAILY_6, **body}
    )
    assert code == 201, job
    return conforms(job, "JobDefinition")


async def get_job(jp_fetch, job_id: str) -> dict:
    code, job = await call_json(jp_fetch, "GET", "jobs", job_id)
    assert code == 200, job
    return conforms(job, "JobDefinition")


async def list_jobs(jp_fetch, **params: str) -> list[dict]:
    code, page = await call_json(jp_fetch, "GET", "jobs", params=params)
    assert code == 200, page
    return conforms(page, "ListJobsResponse")["jobs"]


async def job_runs(jp_fetch, *parts: str, **params: str) -> dict:
    code, page = await call_json(jp_fetch, "GET", *parts, params=params)
    assert code == 200, page
    return conforms(page, "ListJobRunsResponse")


async def trigger(jp_fetch, job_id: str, body: Any = None) -> dict:
    code, started = await call_json(jp_fetch, "POST", "jobs", job_id, "trigger", body=body)
    assert code == 201, started
    return conforms(started, "TriggerJobResponse")


async def create_sweep(jp_fetch, **body: Any) -> dict:
    code, sweep = await call_json(
        jp_fetch, "POST", "sweeps", body={"notebook": "train.ipynb", **body}
    )
    assert code == 201, sweep
    return conforms(sweep, "Sweep")


def instant(text: str | None) -> datetime:
    assert text is not None
    return datetime.fromisoformat(text)


def in_zone(text: str | None, tz: str) -> tuple[int, int]:
    """(hour, minute) of an instant on the wall clock of ``tz``."""
    moment = instant(text).astimezone(ZoneInfo(tz))
    return moment.hour, moment.minute


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# --- POST and GET jobs ----------------------------------------------------------------------


async def test_a_created_definition_is_scheduled_and_listed(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    before = utc_now()

    code, headers, raw = await call(
        jp_fetch,
        "POST",
        "jobs",
        body={
            "notebook": "train.ipynb",
            "name": "nightly",
            "cron": "0 6 * * 1-5",
            "timezone": "Europe/Paris",
            "parameters": {"epochs": 5},
            "webhook_url": "https://hooks.example.com/mlx",
        },
    )

    job = conforms(json.loads(raw), "JobDefinition")
    assert code == 201
    assert headers["Location"] == f"/a%40b/mlx/api/jobs/{job['id']}"
    assert (job["name"], job["notebook"], job["parameters"]) == (
        "nightly",
        "train.ipynb",
        {"epochs": 5},
    )
    assert (job["cron"], job["timezone"], job["active"]) == ("0 6 * * 1-5", "Europe/Paris", True)
    assert job["schedule_description"] == "At 06:00, Monday through Friday"
    assert instant(job["next_fire_at"]) > before
    assert in_zone(job["next_fire_at"], "Europe/Paris") == (6, 0)
    assert instant(job["next_fire_at"]).astimezone(ZoneInfo("Europe/Paris")).weekday() < 5
    assert (job["kernel"], job["experiment"], job["notebook_changed"]) == (
        "python3",
        "train.ipynb",
        False,
    )
    assert (job["run_count"], job["active_runs"], job["last_run"], job["recent_runs"]) == (
        0,
        0,
        None,
        [],
    )
    assert Path(job["snapshot_path"]).parent == mlx_workspace / "jobs" / job["id"]
    copy = nbformat.read(job["snapshot_path"], as_version=4)
    assert [c.source for c in copy.cells] == [PARAMETERS, PRINTS]

    assert await get_job(jp_fetch, job["id"]) == job
    assert await list_jobs(jp_fetch) == [job]
    assert await list_jobs(jp_fetch, notebook="train.ipynb") == [job]
    assert await list_jobs(jp_fetch, notebook="other.ipynb") == []


async def test_a_definition_without_cron_or_created_paused_does_not_fire(
    jp_fetch, notebooks: Path
) -> None:
    on_demand = await create_job(jp_fetch, name="on demand", cron=None)
    paused = await create_job(jp_fetch, name="paused", active=False)

    assert (on_demand["cron"], on_demand["schedule_description"]) == (None, None)
    assert on_demand["next_fire_at"] is None
    assert (paused["active"], paused["next_fire_at"]) == (False, None)
    assert [j["name"] for j in await list_jobs(jp_fetch)] == ["on demand", "paused"]


def refused_definitions() -> dict[str, tuple[dict, str]]:
    """Bodies POST jobs refuses with 400, by name, with the field each answer names."""
    grid_of_9 = {"epochs": {"values": [1, 2, 3]}, "lr": {"values": [0.1, 0.2, 0.3]}}
    return {
        "minute out of range": ({"cron": "61 * * * *"}, "cron"),
        "three cron fields": ({"cron": "* * *"}, "cron"),
        "cron of words": ({"cron": "every day"}, "cron"),
        "unknown time zone": ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        "time zone as a path": ({"timezone": "../etc/passwd"}, "timezone"),
        "ftp webhook": ({"webhook_url": "ftp://hooks.example.com/x"}, "webhook_url"),
        "webhook without a host": ({"webhook_url": "https://"}, "webhook_url"),
        "sweep varying nothing": ({"sweep": {"parameters": {}}}, "sweep.parameters"),
        "sweep over max_sweep_runs": ({"sweep": {"parameters": grid_of_9}}, "sweep.parameters"),
        "sweep of an unknown name": (
            {"sweep": {"parameters": {"batch": {"values": [1, 2]}}}},
            "sweep.parameters.batch",
        ),
        "unknown parameter": ({"parameters": {"batch": 5}}, "parameters.batch"),
        "string for an int": ({"parameters": {"epochs": "5"}}, "parameters.epochs"),
        "unknown catch-up policy": ({"catchup": "some"}, "catchup"),
        "unknown body field": ({"colour": "red"}, "colour"),
    }


async def test_refused_definitions_name_the_field_and_store_nothing(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    cases = refused_definitions()

    outcomes = {}
    for case, (body, _) in cases.items():
        code, error = await call_json(
            jp_fetch, "POST", "jobs", body={"notebook": "train.ipynb", "cron": DAILY_6, **body}
        )
        conforms(error, "Error")
        outcomes[case] = (code, error.get("field"))

    assert outcomes == {case: (400, field) for case, (_, field) in cases.items()}
    assert await list_jobs(jp_fetch) == []
    jobs_folder = mlx_workspace / "jobs"
    assert not jobs_folder.exists() or list(jobs_folder.iterdir()) == []


async def test_a_definition_of_a_missing_notebook_is_404(jp_fetch, notebooks: Path) -> None:
    code, error = await call_json(jp_fetch, "POST", "jobs", body={"notebook": "gone.ipynb"})

    refused(code, error, "notebook", 404)
    assert await list_jobs(jp_fetch) == []


# --- PATCH jobs/{id} ------------------------------------------------------------------------


async def test_a_changed_cron_fires_next_on_the_new_schedule(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)
    before = utc_now()

    code, changed = await call_json(
        jp_fetch, "PATCH", "jobs", job["id"], body={"cron": "30 7 * * *", "timezone": "Asia/Tokyo"}
    )

    assert code == 200, changed
    conforms(changed, "JobDefinition")
    assert (changed["cron"], changed["timezone"]) == ("30 7 * * *", "Asia/Tokyo")
    assert changed["schedule_description"] == "At 07:30"
    assert instant(changed["next_fire_at"]) > before
    assert in_zone(changed["next_fire_at"], "Asia/Tokyo") == (7, 30)
    assert (changed["name"], changed["parameters"]) == (job["name"], job["parameters"])
    assert await get_job(jp_fetch, job["id"]) == changed


async def test_a_null_cron_unschedules_the_definition(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)

    code, changed = await call_json(jp_fetch, "PATCH", "jobs", job["id"], body={"cron": None})

    assert code == 200, changed
    shown = await get_job(jp_fetch, job["id"])
    assert (shown["cron"], shown["next_fire_at"], shown["schedule_description"]) == (
        None,
        None,
        None,
    )
    assert shown["active"] is True
    assert shown == changed


async def test_other_fields_change_and_the_schedule_stays(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch, parameters={"epochs": 5})

    code, changed = await call_json(
        jp_fetch,
        "PATCH",
        "jobs",
        job["id"],
        body={"name": "renamed", "parameters": {"lr": 0.5}, "retries": 2, "catchup": "all"},
    )

    assert code == 200, changed
    shown = await get_job(jp_fetch, job["id"])
    assert (shown["name"], shown["parameters"], shown["retries"], shown["catchup"]) == (
        "renamed",
        {"lr": 0.5},
        2,
        "all",
    )
    assert (shown["cron"], shown["next_fire_at"]) == (job["cron"], job["next_fire_at"])


async def test_null_clears_what_may_be_empty_and_keeps_the_rest(jp_fetch, notebooks: Path) -> None:
    job = await create_job(
        jp_fetch,
        name="nightly",
        timeout=60,
        retries=2,
        catchup="all",
        webhook_url="https://hooks.example.com/mlx",
        parameters={"epochs": 5},
    )
    kept = ("name", "retries", "retry_backoff", "catchup", "timezone", "notify", "parameters")

    code, changed = await call_json(
        jp_fetch,
        "PATCH",
        "jobs",
        job["id"],
        body={name: None for name in (*kept, "timeout", "webhook_url", "kernel")},
    )

    assert code == 200, changed
    shown = await get_job(jp_fetch, job["id"])
    assert {name: shown[name] for name in kept} == {name: job[name] for name in kept}
    assert (shown["timeout"], shown["webhook_url"], shown["kernel"]) == (None, None, "python3")
    assert (shown["cron"], shown["next_fire_at"]) == (job["cron"], job["next_fire_at"])
    assert shown == changed


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"cron": "0 25 * * *"}, "cron"),
        ({"timezone": "Nowhere/Atlantis"}, "timezone"),
        ({"webhook_url": "mailto:ops@example.com"}, "webhook_url"),
        ({"parameters": {"batch": 1}}, "parameters.batch"),
        ({"sweep": {"parameters": {}}}, "sweep.parameters"),
        ({"retries": 99}, "retries"),
    ],
    ids=["cron", "timezone", "webhook_url", "parameter", "sweep", "retries"],
)
async def test_a_refused_change_changes_nothing(
    jp_fetch, notebooks: Path, body: dict, field: str
) -> None:
    job = await create_job(jp_fetch)

    code, error = await call_json(jp_fetch, "PATCH", "jobs", job["id"], body=body)

    refused(code, error, field)
    assert await get_job(jp_fetch, job["id"]) == job


# --- pause and resume -----------------------------------------------------------------------


async def test_pause_stops_the_schedule_and_resume_restarts_it(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)

    pause_code, paused = await call_json(jp_fetch, "POST", "jobs", job["id"], "pause")
    assert pause_code == 200, paused
    conforms(paused, "JobDefinition")
    assert (paused["active"], paused["next_fire_at"]) == (False, None)
    shown = await get_job(jp_fetch, job["id"])
    assert (shown["active"], shown["next_fire_at"], shown["cron"]) == (False, None, DAILY_6)

    # A paused definition still runs on demand.
    started = await trigger(jp_fetch, job["id"])
    assert started["run"]["trigger"] == "manual"

    before = utc_now()
    resume_code, resumed = await call_json(jp_fetch, "POST", "jobs", job["id"], "resume")
    assert resume_code == 200, resumed
    conforms(resumed, "JobDefinition")
    assert resumed["active"] is True
    assert instant(resumed["next_fire_at"]) > before
    assert in_zone(resumed["next_fire_at"], "UTC") == (6, 0)
    assert await get_job(jp_fetch, job["id"]) == resumed


# --- trigger and the runs of a definition ----------------------------------------------------


async def test_a_trigger_queues_a_run_of_the_definitions_copy(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch, parameters={"epochs": 5, "name": "alice"})
    write_notebook(notebooks / "train.ipynb", "print('edited after the definition')")

    empty = await trigger(jp_fetch, job["id"])
    given = await trigger(jp_fetch, job["id"], body={"parameters": {"epochs": 9}})

    run = empty["run"]
    assert empty["sweep"] is None
    assert (run["job_id"], run["trigger"], run["status"]) == (job["id"], "manual", "queued")
    assert (run["scheduled_for"], run["sweep_id"], run["webhook"]) == (None, None, None)
    assert run["parameters"] == {"epochs": 5, "name": "alice"}
    assert given["run"]["parameters"] == {"epochs": 9, "name": "alice"}
    copy = nbformat.read(run["input_path"], as_version=4)
    assert [c.source for c in copy.cells] == [PARAMETERS, PRINTS]

    listed = await job_runs(jp_fetch, "jobs", job["id"], "runs")
    assert ([r["id"] for r in listed["runs"]], listed["total"]) == (
        [given["run"]["id"], run["id"]],
        2,
    )
    assert (await job_runs(jp_fetch, "job-runs", job_id=job["id"]))["total"] == 2
    queued = await job_runs(jp_fetch, "jobs", job["id"], "runs", status="queued", max_results="1")
    assert ([r["id"] for r in queued["runs"]], queued["total"]) == ([given["run"]["id"]], 2)
    assert queued["next_page_token"]
    shown = await get_job(jp_fetch, job["id"])
    assert (shown["run_count"], shown["active_runs"]) == (2, 2)
    assert shown["last_run"]["id"] == given["run"]["id"]
    assert [r["id"] for r in shown["recent_runs"]] == [run["id"], given["run"]["id"]]
    code, fetched = await call_json(jp_fetch, "GET", "job-runs", run["id"])
    assert (code, conforms(fetched, "JobRun")["job_id"]) == (200, job["id"])


async def test_a_refused_trigger_queues_nothing(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)

    wrong_type = await call_json(
        jp_fetch, "POST", "jobs", job["id"], "trigger", body={"parameters": {"epochs": "x"}}
    )
    unknown = await call_json(
        jp_fetch, "POST", "jobs", job["id"], "trigger", body={"parameters": {"batch": 1}}
    )
    not_json = await call_json(jp_fetch, "POST", "jobs", job["id"], "trigger", body="{")

    refused(*wrong_type, "parameters.epochs")
    refused(*unknown, "parameters.batch")
    refused(*not_json, None)
    assert (await job_runs(jp_fetch, "jobs", job["id"], "runs"))["total"] == 0
    assert (await get_job(jp_fetch, job["id"]))["run_count"] == 0


async def test_the_runs_of_a_definition_refuse_bad_queries(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)

    for params, field in [
        ({"max_results": "0"}, "max_results"),
        ({"status": "sleeping"}, "status.0"),
        ({"page_token": "nonsense"}, "page_token"),
        ({"colour": "red"}, "colour"),
        ({"job_id": UNKNOWN}, "job_id"),  # the path names the job; the spec does not list it
    ]:
        code, error = await call_json(jp_fetch, "GET", "jobs", job["id"], "runs", params=params)
        refused(code, error, field)


# --- update from notebook -------------------------------------------------------------------


async def test_update_from_notebook_takes_the_edited_notebook(jp_fetch, notebooks: Path) -> None:
    # Given a definition, and its notebook edited afterwards with new defaults
    job = await create_job(jp_fetch, parameters={"lr": 0.2})
    edited = "epochs = 7\nlr = 0.1\nname = 'carol'\nday = '2024-01-01'\nflag = True\nopts = {}"
    write_notebook(notebooks / "train.ipynb", PRINTS, "print('new cell')", parameters=edited)
    changed = await get_job(jp_fetch, job["id"])
    assert changed["notebook_changed"] is True
    old = await trigger(jp_fetch, job["id"])

    # When the definition takes the notebook
    code, updated = await call_json(jp_fetch, "POST", "jobs", job["id"], "update-from-notebook")

    # Then it is no longer changed, its copy has the new cells and defaults, and the runs to
    # come execute that copy with the definition's values on top of the new defaults
    assert code == 200, updated
    conforms(updated, "JobDefinition")
    assert updated["notebook_changed"] is False
    assert updated["snapshot_sha256"] != job["snapshot_sha256"]
    assert instant(updated["snapshot_taken_at"]) > instant(job["snapshot_taken_at"])
    assert updated["parameters"] == {"lr": 0.2}
    assert await get_job(jp_fetch, job["id"]) == updated
    new = await trigger(jp_fetch, job["id"])
    old_copy = nbformat.read(old["run"]["input_path"], as_version=4)
    new_copy = nbformat.read(new["run"]["input_path"], as_version=4)
    assert [c.source for c in old_copy.cells] == [PARAMETERS, PRINTS]
    assert [c.source for c in new_copy.cells] == [edited, PRINTS, "print('new cell')"]
    assert new["run"]["parameters"] == {"lr": 0.2}


async def test_update_from_a_notebook_that_lost_a_parameter_changes_nothing(
    jp_fetch, notebooks: Path
) -> None:
    job = await create_job(jp_fetch, parameters={"lr": 0.2})
    write_notebook(notebooks / "train.ipynb", "print(epochs)", parameters="epochs = 3")

    code, error = await call_json(jp_fetch, "POST", "jobs", job["id"], "update-from-notebook")

    refused(code, error, "parameters.lr")
    shown = await get_job(jp_fetch, job["id"])
    assert shown["notebook_changed"] is True
    assert shown["snapshot_sha256"] == job["snapshot_sha256"]
    copy = nbformat.read(job["snapshot_path"], as_version=4)
    assert [c.source for c in copy.cells] == [PARAMETERS, PRINTS]


async def test_update_from_a_deleted_notebook_is_404(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)
    (notebooks / "train.ipynb").unlink()

    code, error = await call_json(jp_fetch, "POST", "jobs", job["id"], "update-from-notebook")

    refused(code, error, "notebook", 404)
    assert (await get_job(jp_fetch, job["id"]))["snapshot_sha256"] == job["snapshot_sha256"]


# --- DELETE jobs/{id} -----------------------------------------------------------------------


async def test_delete_without_keep_runs_removes_the_runs(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    job = await create_job(jp_fetch)
    run = (await trigger(jp_fetch, job["id"]))["run"]

    code, _, body = await call(jp_fetch, "DELETE", "jobs", job["id"], params={"keep_runs": "false"})

    assert (code, body) == (204, b"")
    gone, error = await call_json(jp_fetch, "GET", "jobs", job["id"])
    refused(gone, error, "job_id", 404)
    run_gone, _ = await call_json(jp_fetch, "GET", "job-runs", run["id"])
    assert run_gone == 404
    assert (await job_runs(jp_fetch, "job-runs"))["total"] == 0
    assert await list_jobs(jp_fetch) == []
    assert not (mlx_workspace / "jobs" / job["id"]).exists()
    assert not (mlx_workspace / "runs" / run["id"]).exists()


async def test_delete_keeps_the_runs_stopped_by_default(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)
    run = (await trigger(jp_fetch, job["id"]))["run"]

    code, _, _ = await call(jp_fetch, "DELETE", "jobs", job["id"])

    assert code == 204
    assert await list_jobs(jp_fetch) == []
    kept, shown = await call_json(jp_fetch, "GET", "job-runs", run["id"])
    assert (kept, shown["job_id"], shown["status"]) == (200, job["id"], "stopped")


async def test_delete_refusing_to_stop_an_active_run_is_409(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)
    run = (await trigger(jp_fetch, job["id"]))["run"]

    code, error = await call_json(
        jp_fetch, "DELETE", "jobs", job["id"], params={"stop_runs": "false", "keep_runs": "false"}
    )

    refused(code, error, "stop_runs", 409)
    assert (await get_job(jp_fetch, job["id"]))["active_runs"] == 1
    _, shown = await call_json(jp_fetch, "GET", "job-runs", run["id"])
    assert shown["status"] == "queued"


async def test_delete_refuses_a_query_that_is_not_a_boolean(jp_fetch, notebooks: Path) -> None:
    job = await create_job(jp_fetch)

    code, error = await call_json(jp_fetch, "DELETE", "jobs", job["id"], params={"keep_runs": "x"})

    refused(code, error, "keep_runs")
    assert await get_job(jp_fetch, job["id"]) == job


# --- unknown ids ----------------------------------------------------------------------------


async def test_an_unknown_definition_is_404_on_every_route(jp_fetch, notebooks: Path) -> None:
    routes = [
        ("GET", ()),
        ("PATCH", ()),
        ("DELETE", ()),
        ("POST", ("trigger",)),
        ("POST", ("pause",)),
        ("POST", ("resume",)),
        ("POST", ("update-from-notebook",)),
        ("GET", ("runs",)),
    ]

    answers = {}
    for method, suffix in routes:
        body = {} if method == "PATCH" else None
        code, error = await call_json(jp_fetch, method, "jobs", UNKNOWN, *suffix, body=body)
        answers[(method, *suffix)] = (code, error["code"], error["field"])

    assert answers == {(method, *suffix): (404, "not_found", "job_id") for method, suffix in routes}


async def test_an_unknown_sweep_is_404_on_every_route(jp_fetch, notebooks: Path) -> None:
    routes = [("GET", ()), ("DELETE", ()), ("POST", ("stop",))]

    answers = {}
    for method, suffix in routes:
        code, error = await call_json(jp_fetch, method, "sweeps", UNKNOWN, *suffix)
        answers[(method, *suffix)] = (code, error["code"], error["field"])

    assert answers == {
        (method, *suffix): (404, "not_found", "sweep_id") for method, suffix in routes
    }


# --- schedules/preview ----------------------------------------------------------------------


async def test_a_preview_lists_fire_times_in_the_zone(jp_fetch) -> None:
    before = utc_now()

    code, preview = await call_json(
        jp_fetch, "GET", "schedules", "preview", params={"cron": "0  6 * * *", "tz": "Europe/Paris"}
    )

    assert code == 200, preview
    conforms(preview, "SchedulePreview")
    assert (preview["cron"], preview["tz"]) == ("0 6 * * *", "Europe/Paris")
    assert preview["description"] == "At 06:00"
    times = [datetime.fromisoformat(t) for t in preview["next_fire_times"]]
    assert len(times) == 5
    assert times == sorted(times)
    assert times[0] > before
    paris = ZoneInfo("Europe/Paris")
    for moment in times:
        assert (moment.hour, moment.minute) == (6, 0)
        assert moment.utcoffset() == moment.astimezone(paris).utcoffset()
        assert moment.utcoffset().total_seconds() in (3600, 7200)  # type: ignore[union-attr]


async def test_a_preview_defaults_to_utc_and_takes_a_count(jp_fetch) -> None:
    code, preview = await call_json(
        jp_fetch, "GET", "schedules", "preview", params={"cron": "*/15 * * * *", "count": "3"}
    )

    assert code == 200, preview
    times = [datetime.fromisoformat(t) for t in preview["next_fire_times"]]
    assert preview["tz"] == "UTC"
    assert [t.utcoffset().total_seconds() for t in times] == [0, 0, 0]  # type: ignore[union-attr]
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(times)] == [900, 900]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cron": "0 6 * *"}, "cron"),
        ({"cron": "0 6 * * mon-xyz"}, "cron"),
        ({"cron": ""}, "cron"),
        ({}, "cron"),
        ({"cron": DAILY_6, "tz": "Europe/Nowhere"}, "tz"),
        ({"cron": DAILY_6, "tz": ""}, "tz"),
        ({"cron": DAILY_6, "count": "0"}, "count"),
        ({"cron": DAILY_6, "count": "51"}, "count"),
    ],
    ids=["four fields", "bad name", "empty cron", "no cron", "bad tz", "empty tz", "0", "51"],
)
async def test_a_bad_preview_names_the_field(jp_fetch, params: dict, field: str) -> None:
    code, error = await call_json(jp_fetch, "GET", "schedules", "preview", params=params)

    refused(code, error, field)


# --- sweeps ---------------------------------------------------------------------------------

GRID_2X2 = {"epochs": {"values": [1, 2]}, "lr": {"low": 0.1, "high": 0.2, "count": 2}}


async def test_a_grid_sweep_queues_every_point_then_stops_and_is_deleted(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    # Given a 2x2 grid over two parameters, with a fixed value
    code, headers, raw = await call(
        jp_fetch,
        "POST",
        "sweeps",
        body={
            "notebook": "train.ipynb",
            "parameters": GRID_2X2,
            "base": {"parameters": {"name": "grid"}},
            "max_concurrent_runs": 3,
        },
    )

    # Then it runs, with four trials queued, the first parameter varying slowest
    sweep = conforms(json.loads(raw), "Sweep")
    assert code == 201, sweep
    assert headers["Location"] == f"/a%40b/mlx/api/sweeps/{sweep['id']}"
    assert (sweep["status"], sweep["strategy"], sweep["total"], sweep["done"]) == (
        "running",
        "grid",
        4,
        0,
    )
    assert (sweep["name"], sweep["notebook"], sweep["job_id"]) == (
        "train sweep",
        "train.ipynb",
        None,
    )
    assert sweep["mlflow_run_id"]
    trials = sweep["trials"]
    assert [t["number"] for t in trials] == [0, 1, 2, 3]
    assert [t["values"] for t in trials] == [
        {"epochs": 1, "lr": 0.1},
        {"epochs": 1, "lr": 0.2},
        {"epochs": 2, "lr": 0.1},
        {"epochs": 2, "lr": 0.2},
    ]
    assert [t["run"]["parameters"] for t in trials] == [
        {"name": "grid", **t["values"]} for t in trials
    ]
    assert {(t["run"]["status"], t["run"]["trigger"], t["run"]["sweep_id"]) for t in trials} == {
        ("queued", "sweep", sweep["id"])
    }
    assert await get_sweep(jp_fetch, sweep["id"]) == sweep
    listed = await list_sweeps(jp_fetch)
    assert [(s["id"], s["status"], s["total"], s["done"]) for s in listed] == [
        (sweep["id"], "running", 4, 0)
    ]
    assert await list_sweeps(jp_fetch, notebook="other.ipynb") == []
    of_sweep = await job_runs(jp_fetch, "job-runs", sweep_id=sweep["id"])
    assert sorted(r["id"] for r in of_sweep["runs"]) == sorted(t["run"]["id"] for t in trials)

    # When it is stopped, then its queued trials are stopped with it
    stop_code, stopped = await call_json(jp_fetch, "POST", "sweeps", sweep["id"], "stop")
    assert stop_code == 200, stopped
    conforms(stopped, "Sweep")
    assert (stopped["status"], stopped["done"], stopped["finished_at"] is not None) == (
        "stopped",
        4,
        True,
    )
    assert {t["run"]["status"] for t in stopped["trials"]} == {"stopped"}
    assert await get_sweep(jp_fetch, sweep["id"]) == stopped
    assert [s["status"] for s in await list_sweeps(jp_fetch)] == ["stopped"]

    # When it is deleted with its runs, then nothing of it is left
    delete_code, _, body = await call(
        jp_fetch, "DELETE", "sweeps", sweep["id"], params={"keep_runs": "false"}
    )
    assert (delete_code, body) == (204, b"")
    gone, error = await call_json(jp_fetch, "GET", "sweeps", sweep["id"])
    refused(gone, error, "sweep_id", 404)
    assert await list_sweeps(jp_fetch) == []
    assert (await job_runs(jp_fetch, "job-runs", sweep_id=sweep["id"]))["total"] == 0
    assert not (mlx_workspace / "sweeps" / sweep["id"]).exists()


async def test_deleting_a_running_sweep_stops_it_and_keeps_its_runs(
    jp_fetch, notebooks: Path
) -> None:
    sweep = await create_sweep(jp_fetch, parameters={"epochs": {"values": [1, 2]}})

    code, _, _ = await call(jp_fetch, "DELETE", "sweeps", sweep["id"])

    assert code == 204
    assert await list_sweeps(jp_fetch) == []
    kept = await job_runs(jp_fetch, "job-runs", sweep_id=sweep["id"])
    assert (kept["total"], {r["status"] for r in kept["runs"]}) == (2, {"stopped"})


async def get_sweep(jp_fetch, sweep_id: str) -> dict:
    code, sweep = await call_json(jp_fetch, "GET", "sweeps", sweep_id)
    assert code == 200, sweep
    return conforms(sweep, "Sweep")


async def list_sweeps(jp_fetch, **params: str) -> list[dict]:
    code, page = await call_json(jp_fetch, "GET", "sweeps", params=params)
    assert code == 200, page
    return conforms(page, "ListSweepsResponse")["sweeps"]


def refused_sweeps() -> dict[str, tuple[dict, str]]:
    """Sweeps POST sweeps refuses with 400, by name, with the field each answer names."""
    return {
        "no varied parameter": ({"parameters": {}}, "parameters"),
        "over max_sweep_runs": (
            {"parameters": {"epochs": {"values": [1, 2, 3]}, "lr": {"values": [0.1, 0.2, 0.3]}}},
            "parameters",
        ),
        "random over max_sweep_runs": (
            {"parameters": GRID_2X2, "strategy": "random", "trials": MAX_SWEEP_RUNS + 1},
            "trials",
        ),
        "unknown parameter": ({"parameters": {"batch": {"values": [1, 2]}}}, "parameters.batch"),
        "empty values": ({"parameters": {"epochs": {"values": []}}}, "parameters.epochs"),
        "reversed range": (
            {"parameters": {"lr": {"low": 1, "high": 0, "count": 2}}},
            "parameters.lr",
        ),
        "value of the wrong type": (
            {"parameters": {"epochs": {"values": [1, "two"]}}},
            "parameters.epochs",
        ),
        "optuna without a metric": (
            {"parameters": GRID_2X2, "strategy": "optuna", "trials": 2},
            "metric",
        ),
        "unknown fixed parameter": (
            {"parameters": GRID_2X2, "base": {"parameters": {"batch": 1}}},
            "parameters.batch",
        ),
    }


async def test_refused_sweeps_name_the_field_and_create_nothing(jp_fetch, notebooks: Path) -> None:
    cases = refused_sweeps()

    outcomes = {}
    for case, (body, _) in cases.items():
        code, error = await call_json(
            jp_fetch, "POST", "sweeps", body={"notebook": "train.ipynb", **body}
        )
        conforms(error, "Error")
        outcomes[case] = (code, error.get("field"))

    assert outcomes == {case: (400, field) for case, (_, field) in cases.items()}
    assert await list_sweeps(jp_fetch) == []
    assert (await job_runs(jp_fetch, "job-runs"))["total"] == 0


async def test_a_sweep_of_a_missing_notebook_is_404(jp_fetch, notebooks: Path) -> None:
    code, error = await call_json(
        jp_fetch, "POST", "sweeps", body={"notebook": "gone.ipynb", "parameters": GRID_2X2}
    )

    refused(code, error, "notebook", 404)
    assert await list_sweeps(jp_fetch) == []


async def test_a_definition_whose_payload_is_a_sweep_starts_it_on_trigger(
    jp_fetch, notebooks: Path
) -> None:
    job = await create_job(jp_fetch, name="nightly grid", sweep={"parameters": GRID_2X2})

    started = await trigger(jp_fetch, job["id"])

    sweep = started["sweep"]
    assert started["run"] is None
    assert (sweep["job_id"], sweep["name"], sweep["total"]) == (job["id"], "nightly grid", 4)
    assert {t["run"]["job_id"] for t in sweep["trials"]} == {job["id"]}
    assert [s["id"] for s in await list_sweeps(jp_fetch, job_id=job["id"])] == [sweep["id"]]
    assert (await get_job(jp_fetch, job["id"]))["active_runs"] == 4

    # Deleting the definition with its runs deletes the sweep it fired.
    code, _, _ = await call(jp_fetch, "DELETE", "jobs", job["id"], params={"keep_runs": "false"})
    assert code == 204
    assert await list_sweeps(jp_fetch) == []
    assert (await job_runs(jp_fetch, "job-runs"))["total"] == 0


# --- the contract of these routes -----------------------------------------------------------


MIRRORED = {
    "CreateJobRequest": schemas.CreateJobRequest,
    "UpdateJobRequest": schemas.UpdateJobRequest,
    "TriggerJobRequest": schemas.TriggerJobRequest,
    "TriggerJobResponse": schemas.TriggerJobResponse,
    "JobSettings": schemas.JobSettings,
    "JobDefinition": schemas.JobDefinition,
    "JobRunBrief": schemas.JobRunBrief,
    "ListJobsResponse": schemas.ListJobsResponse,
    "JobRun": schemas.JobRun,
    "WebhookDelivery": schemas.WebhookDelivery,
    "SchedulePreview": schemas.SchedulePreview,
    "SweepParameter": schemas.SweepParameter,
    "SweepSpec": schemas.SweepSpec,
    "CreateSweepRequest": schemas.CreateSweepRequest,
    "SweepTrial": schemas.SweepTrial,
    "Sweep": schemas.Sweep,
    "SweepSummary": schemas.SweepSummary,
    "ListSweepsResponse": schemas.ListSweepsResponse,
}


@pytest.mark.parametrize("name", list(MIRRORED))
def test_openapi_mirrors_the_wire_shape_field_by_field(name: str) -> None:
    component = OPENAPI["components"]["schemas"][name]
    model = MIRRORED[name]
    fields = model.model_fields

    assert set(component["properties"]) == set(fields)
    if name.endswith("Request") or name in ("JobSettings", "SweepSpec", "SweepParameter"):
        # What a client sends: the fields without a default are required, no others allowed.
        assert set(component.get("required", [])) == {
            n for n, f in fields.items() if f.is_required()
        }
        assert component["additionalProperties"] is False
    else:
        # What the server answers: every field, always.
        assert set(component["required"]) == set(fields)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/jobs", ListJobsQuery),
        ("/job-runs", ListJobRunsQuery),
        ("/jobs/{job_id}/runs", ListJobRunsQuery),
        ("/sweeps", ListSweepsQuery),
        ("/schedules/preview", SchedulePreviewQuery),
    ],
)
def test_openapi_lists_each_query_argument_a_route_reads(path: str, query: type) -> None:
    documented = {
        parameter["name"]
        for parameter in map(resolved, OPENAPI["paths"][path]["get"]["parameters"])
        if parameter["in"] == "query"
    }

    # The runs of a definition are its runs: job_id comes from the path.
    assert documented == set(query.model_fields) - ({"job_id"} if "{job_id}" in path else set())


def resolved(node: dict) -> dict:
    """``node``, or the component its ``$ref`` names."""
    found: Any = OPENAPI
    for part in node.get("$ref", "#").removeprefix("#").strip("/").split("/"):
        found = found[part] if part else found
    return found if "$ref" in node else node


def schedule_query_parameters() -> list[tuple[str, dict]]:
    """The query parameters of the GET routes of job definitions, sweeps and schedules."""
    return [
        (path, parameter)
        for path, item in OPENAPI["paths"].items()
        if path.startswith(("/jobs", "/sweeps", "/schedules"))
        for parameter in map(resolved, item.get("get", {}).get("parameters", []))
        if parameter["in"] == "query"
    ]


@pytest.mark.parametrize(
    ("path", "parameter"),
    schedule_query_parameters(),
    ids=[f"{path}?{p['name']}" for path, p in schedule_query_parameters()],
)
async def test_an_empty_query_argument_is_refused_exactly_when_the_spec_refuses_it(
    jp_fetch, notebooks: Path, path: str, parameter: dict
) -> None:
    # Given a documented query parameter, the spec's verdict on an empty value, and a
    # definition for the routes under one
    schema = parameter["schema"]
    item = schema.get("items", schema)
    spec_refuses = item.get("type") == "integer" or item.get("minLength", 0) > 0 or "enum" in item
    job = await create_job(jp_fetch)
    params = {"cron": DAILY_6} if path == "/schedules/preview" else {}

    # When the route is called with it empty
    parts = path.strip("/").replace("{job_id}", job["id"]).split("/")
    code, answer = await call_json(
        jp_fetch, "GET", *parts, params={**params, parameter["name"]: ""}
    )

    # Then the server agrees with the spec, naming the parameter when it refuses
    if spec_refuses:
        refused(code, answer, parameter["name"])
    else:
        assert code == 200, answer
