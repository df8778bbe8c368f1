"""/mlx/api/notebooks/parameters and /mlx/api/job-runs through a real in-process server.

pytest-jupyter initializes the server but does not run its post-start hook, so the job
dispatcher only runs where a test starts it (:func:`start_dispatcher`, as a server does once it
listens); elsewhere runs stay queued, as they do behind a busy executor, and no kernel starts.
Authentication of every route is covered by test_routes_auth.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import nbformat
import pytest
from conftest import mlx_server_config
from nbformat.v4 import new_code_cell, new_notebook
from tornado.httpclient import HTTPClientError

PARAMETERS = "epochs = 3\nlr = 0.1\nname = 'bob'\nday = '2024-01-01'\nflag = False\nopts = {'a': 1}"
PRINTS = "print(epochs, lr, name, day, flag, opts)"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
#: Seconds a run of a two-cell notebook may take, kernel start and MLflow store creation included.
RUN_WITHIN_S = 90.0


def write_notebook(path: Path, *sources: str, parameters: str | None = PARAMETERS) -> None:
    """A python3 notebook: a cell tagged ``parameters`` (unless None), then ``sources``."""
    cells = []
    if parameters is not None:
        cells.append(new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    cells.extend(new_code_cell(source) for source in sources)
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)


@pytest.fixture
def jp_server_config(mlx_workspace: Path) -> dict:
    return mlx_server_config(mlx_workspace, warm_kernels=0)  # type: ignore[arg-type]


@pytest.fixture
def notebooks(jp_root_dir: Path, tmp_path: Path) -> Path:
    """train.ipynb with parameters, plain.ipynb without, and things that are not notebooks."""
    write_notebook(jp_root_dir / "train.ipynb", PRINTS)
    write_notebook(jp_root_dir / "other.ipynb", PRINTS)
    write_notebook(jp_root_dir / "plain.ipynb", "print('hi')", parameters=None)
    (jp_root_dir / "folder.ipynb").mkdir()
    (jp_root_dir / "notes.ipynb").write_text("just some notes\n")
    write_notebook(tmp_path / "outside.ipynb", PRINTS)
    (jp_root_dir / "link.ipynb").symlink_to(tmp_path / "outside.ipynb")
    return jp_root_dir


async def start_dispatcher(jp_serverapp) -> None:
    """Start the extensions' background work, as a server does once it listens."""
    await jp_serverapp.extension_manager.start_all_extensions()


async def call(jp_fetch, method: str, *parts: str, body: dict | None = None, **kwargs):
    """(status, headers, body bytes) of a request to /mlx/api/..., errors included."""
    if body is not None:
        kwargs["body"] = json.dumps(body)
    elif method == "POST":
        kwargs["body"] = ""
    try:
        response = await jp_fetch("mlx", "api", *parts, method=method, **kwargs)
    except HTTPClientError as exc:
        assert exc.response is not None
        return exc.code, exc.response.headers, exc.response.body
    return response.code, response.headers, response.body


async def call_json(jp_fetch, method: str, *parts: str, **kwargs) -> tuple[int, dict]:
    code, _, body = await call(jp_fetch, method, *parts, **kwargs)
    return code, json.loads(body) if body else {}


async def submit(jp_fetch, **body) -> tuple[int, dict]:
    return await call_json(jp_fetch, "POST", "job-runs", body={"notebook": "train.ipynb", **body})


async def list_runs(jp_fetch, **params) -> dict:
    code, page = await call_json(jp_fetch, "GET", "job-runs", params=params)
    assert code == 200, page
    return page


def run_folders(workspace: Path) -> list[str]:
    runs = workspace / "runs"
    return sorted(p.name for p in runs.iterdir()) if runs.exists() else []


# --- GET notebooks/parameters --------------------------------------------------------------


async def test_parameters_are_typed_from_their_defaults(jp_fetch, notebooks: Path) -> None:
    code, body = await call_json(
        jp_fetch, "GET", "notebooks", "parameters", params={"path": "train.ipynb"}
    )

    assert code == 200
    assert body["path"] == "train.ipynb"
    assert body["has_parameters_cell"] is True
    assert [
        (p["name"], p["type"], p["default"], p["default_source"]) for p in body["parameters"]
    ] == [
        ("epochs", "int", 3, "3"),
        ("lr", "float", 0.1, "0.1"),
        ("name", "str", "bob", "'bob'"),
        ("day", "str", "2024-01-01", "'2024-01-01'"),
        ("flag", "bool", False, "False"),
        ("opts", "dict", {"a": 1}, "{'a': 1}"),
    ]
    assert body["kernel"] == "python3"
    assert body["default_kernel"] == "python3"
    python3 = next(k for k in body["kernels"] if k["name"] == "python3")
    assert python3["language"] == "python"


async def test_parameters_of_a_notebook_without_a_parameters_cell(
    jp_fetch, notebooks: Path
) -> None:
    code, body = await call_json(
        jp_fetch, "GET", "notebooks", "parameters", params={"path": "plain.ipynb"}
    )

    assert code == 200
    assert (body["has_parameters_cell"], body["parameters"]) == (False, [])


async def test_parameters_refuse_bad_paths_naming_the_path(jp_fetch, notebooks: Path) -> None:
    paths = {"gone.ipynb": 404, "../x.ipynb": 400, "folder.ipynb": 400, "notes.ipynb": 400}

    answers = {}
    for path in paths:
        code, error = await call_json(
            jp_fetch, "GET", "notebooks", "parameters", params={"path": path}
        )
        answers[path] = (code, error["field"])

    assert answers == {path: (code, "path") for path, code in paths.items()}


# --- POST job-runs: refused input ---------------------------------------------------------


def refused_cases(root: Path) -> dict[str, tuple[dict, int, str]]:
    """Bodies POST job-runs refuses, by name, with the status and field of each answer."""
    return {
        "missing notebook": ({"notebook": "gone.ipynb"}, 404, "notebook"),
        "leads out of the root": ({"notebook": "../x.ipynb"}, 400, "notebook"),
        "absolute path": ({"notebook": str(root / "train.ipynb")}, 400, "notebook"),
        "symlink out of the root": ({"notebook": "link.ipynb"}, 400, "notebook"),
        "a folder": ({"notebook": "folder.ipynb"}, 400, "notebook"),
        "not a notebook": ({"notebook": "notes.ipynb"}, 400, "notebook"),
        "no parameters cell": (
            {"notebook": "plain.ipynb", "parameters": {"epochs": 5}},
            400,
            "parameters.epochs",
        ),
        "unknown parameter": (
            {"notebook": "train.ipynb", "parameters": {"batch": 5}},
            400,
            "parameters.batch",
        ),
        "string for an int": (
            {"notebook": "train.ipynb", "parameters": {"epochs": "5"}},
            400,
            "parameters.epochs",
        ),
        "bool for an int": (
            {"notebook": "train.ipynb", "parameters": {"epochs": True}},
            400,
            "parameters.epochs",
        ),
        "negative timeout": ({"notebook": "train.ipynb", "timeout": -1}, 400, "timeout"),
        "unknown kernel": ({"notebook": "train.ipynb", "kernel": "nope"}, 400, "kernel"),
        "too many retries": ({"notebook": "train.ipynb", "retries": 11}, 400, "retries"),
        "unknown body field": ({"notebook": "train.ipynb", "colour": "red"}, 400, "colour"),
        "job of no run": ({"notebook": "train.ipynb", "job_id": "0" * 32}, 404, "job_id"),
        "unknown environment": (
            {"notebook": "train.ipynb", "environment": "nope"},
            400,
            "environment",
        ),
        "bad environment name": (
            {"notebook": "train.ipynb", "environment": "../x"},
            400,
            "environment",
        ),
        "kernel and environment": (
            {"notebook": "train.ipynb", "kernel": "python3", "environment": "nope"},
            400,
            "environment",
        ),
        "missing input": ({"notebook": "train.ipynb", "inputs": ["gone.csv"]}, 400, "inputs"),
        "input out of the root": ({"notebook": "train.ipynb", "inputs": [".."]}, 400, "inputs"),
    }


async def test_refused_creates_name_the_field_and_queue_nothing(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    cases = refused_cases(notebooks)

    outcomes = {}
    for case, (body, _, _) in cases.items():
        code, error = await call_json(jp_fetch, "POST", "job-runs", body=body)
        outcomes[case] = (code, error.get("field"))

    assert outcomes == {case: (code, field) for case, (_, code, field) in cases.items()}
    assert (await list_runs(jp_fetch))["total"] == 0
    assert run_folders(mlx_workspace) == []


async def test_the_kernels_of_the_workspace_environments_are_offered(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    # Given the kernelspec an environment's install writes into the workspace's kernels folder,
    folder = mlx_workspace / "kernels" / "mlx-demo"
    folder.mkdir(parents=True)
    spec = {"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]}
    (folder / "kernel.json").write_text(json.dumps({**spec, "display_name": "Python (mlx: demo)"}))

    # then JupyterLab's launcher and kernel picker list it, and so does the run dialog.
    jupyter = json.loads((await jp_fetch("api", "kernelspecs")).body)
    code, parameters = await call_json(
        jp_fetch, "GET", "notebooks", "parameters", params={"path": "train.ipynb"}
    )
    assert jupyter["kernelspecs"]["mlx-demo"]["spec"]["display_name"] == "Python (mlx: demo)"
    assert code == 200
    assert "mlx-demo" in [kernel["name"] for kernel in parameters["kernels"]]


async def test_values_that_fit_are_accepted(jp_fetch, notebooks: Path) -> None:
    # An integer for a float is fine (the notebook gets a float, as its default is), and a
    # date-like string stays a string.
    code, run = await submit(jp_fetch, parameters={"lr": 1, "day": "2024-01-01"})

    assert code == 201, run
    assert run["parameters"] == {"lr": 1.0, "day": "2024-01-01"}
    assert isinstance(run["parameters"]["lr"], float)


# --- POST job-runs: created ---------------------------------------------------------------


async def test_create_queues_a_run_on_a_copy_of_the_notebook(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    code, run = await submit(jp_fetch, parameters={"epochs": 5})
    write_notebook(notebooks / "train.ipynb", "print('edited after submit')")

    assert code == 201
    assert run["status"] in ("queued", "running")
    assert run["notebook"] == "train.ipynb"
    assert run["parameters"] == {"epochs": 5}
    assert (run["attempt"], run["output_path"], run["mlflow_run_id"], run["error"]) == (
        0,
        None,
        None,
        None,
    )
    assert Path(run["log_path"]).parent == mlx_workspace / "runs" / run["id"]
    copy = nbformat.read(run["input_path"], as_version=4)
    assert [c.source for c in copy.cells] == [PARAMETERS, PRINTS]
    code, shown = await call_json(jp_fetch, "GET", "job-runs", run["id"])
    assert (code, shown["id"], shown["parameters"]) == (200, run["id"], {"epochs": 5})


async def test_a_repeated_idempotency_key_answers_the_first_run(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    first_code, first = await submit(jp_fetch, idempotency_key="nightly-1")
    again_code, again = await submit(jp_fetch, idempotency_key="nightly-1")

    assert (first_code, again_code) == (201, 200)
    assert again["id"] == first["id"]
    assert (await list_runs(jp_fetch))["total"] == 1
    assert run_folders(mlx_workspace) == [first["id"]]


# --- listing, stopping and deleting runs that have not executed -----------------------------


async def test_list_filters_and_pages_newest_first(jp_fetch, notebooks: Path) -> None:
    _, older = await submit(jp_fetch)
    _, newer = await submit(jp_fetch, notebook="other.ipynb")

    first = await list_runs(jp_fetch, max_results=1)
    second = await list_runs(jp_fetch, max_results=1, page_token=first["next_page_token"])
    of_train = await list_runs(jp_fetch, notebook="train.ipynb")
    queued = await list_runs(jp_fetch, status="queued")
    failed = await list_runs(jp_fetch, status="failed")
    code, bad = await call_json(jp_fetch, "GET", "job-runs", params={"page_token": "nonsense"})

    assert ([r["id"] for r in first["runs"]], first["total"]) == ([newer["id"]], 2)
    assert first["next_page_token"]
    assert [r["id"] for r in second["runs"]] == [older["id"]]
    assert second["next_page_token"] is None
    assert ([r["id"] for r in of_train["runs"]], of_train["total"]) == ([older["id"]], 1)
    assert [r["id"] for r in queued["runs"]] == [newer["id"], older["id"]]
    assert (failed["runs"], failed["total"]) == ([], 0)
    assert (code, bad["field"]) == (400, "page_token")


async def test_a_queued_run_is_stopped_not_deleted_then_deleted_once_ended(
    jp_fetch, notebooks: Path, mlx_workspace: Path
) -> None:
    _, run = await submit(jp_fetch)
    folder = mlx_workspace / "runs" / run["id"]

    delete_queued, conflict = await call_json(jp_fetch, "DELETE", "job-runs", run["id"])
    assert (delete_queued, conflict["code"]) == (409, "conflict")
    assert folder.is_dir()

    stop_code, stopped = await call_json(jp_fetch, "POST", "job-runs", run["id"], "stop")
    assert (stop_code, stopped["status"]) == (200, "stopped")
    assert stopped["finished_at"] is not None
    stop_again, _ = await call_json(jp_fetch, "POST", "job-runs", run["id"], "stop")
    assert stop_again == 409
    no_output, _ = await call_json(jp_fetch, "GET", "job-runs", run["id"], "output")
    assert no_output == 404

    delete_code, _, body = await call(jp_fetch, "DELETE", "job-runs", run["id"])
    assert (delete_code, body) == (204, b"")
    assert not folder.exists()
    gone, error = await call_json(jp_fetch, "GET", "job-runs", run["id"])
    assert (gone, error["code"]) == (404, "not_found")


async def test_an_unknown_run_is_404_on_every_route(jp_fetch, notebooks: Path) -> None:
    routes = [
        ("GET", ()),
        ("DELETE", ()),
        ("POST", ("stop",)),
        ("GET", ("log",)),
        ("GET", ("output",)),
    ]

    answers = {}
    for method, suffix in routes:
        code, error = await call_json(jp_fetch, method, "job-runs", "0" * 32, *suffix)
        answers[(method, *suffix)] = (code, error["code"])

    assert answers == {(method, *suffix): (404, "not_found") for method, suffix in routes}


# --- a run executed to its end ------------------------------------------------------------


async def finished(jp_fetch, run_id: str) -> dict:
    """The run once it has ended, polled; fails after :data:`RUN_WITHIN_S`."""
    deadline = time.monotonic() + RUN_WITHIN_S
    while True:
        code, run = await call_json(jp_fetch, "GET", "job-runs", run_id)
        assert code == 200, run
        if run["status"] not in ("queued", "running"):
            return run
        assert time.monotonic() < deadline, f"still {run['status']} after {RUN_WITHIN_S} s"
        await asyncio.sleep(0.25)


@pytest.mark.slow
async def test_a_run_executes_and_serves_its_log_and_outputs(
    jp_fetch, jp_serverapp, notebooks: Path, mlx_workspace: Path
) -> None:
    await start_dispatcher(jp_serverapp)
    _, submitted = await submit(
        jp_fetch, parameters={"epochs": 5, "name": "alice"}, output_formats=["html"]
    )

    run = await finished(jp_fetch, submitted["id"])
    run_id = run["id"]

    assert run["status"] == "succeeded", run["error"]
    assert (run["attempt"], run["error"]) == (1, None)
    assert run["mlflow_run_id"]
    assert Path(run["output_path"]).is_file()

    # The log: what the notebook printed, then nothing more once read to its end.
    _, log = await call_json(jp_fetch, "GET", "job-runs", run_id, "log", params={"offset": 0})
    assert "5 0.1 alice 2024-01-01 False {'a': 1}" in log["text"]
    assert log["next_offset"] == len(log["text"].encode())
    _, rest = await call_json(
        jp_fetch, "GET", "job-runs", run_id, "log", params={"offset": log["next_offset"]}
    )
    assert (rest["text"], rest["complete"]) == ("", True)

    # The executed notebook, with the values papermill injected.
    code, headers, data = await call(
        jp_fetch, "GET", "job-runs", run_id, "output", params={"format": "ipynb"}
    )
    assert code == 200
    assert headers["Content-Disposition"] == f'attachment; filename="train-{run_id[:8]}.ipynb"'
    executed = nbformat.reads(data.decode(), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "epochs = 5" in injected[0].source
    assert 'name = "alice"' in injected[0].source

    code, headers, html = await call(
        jp_fetch, "GET", "job-runs", run_id, "output", params={"format": "html"}
    )
    assert code == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"] == "sandbox allow-scripts"
    assert b"alice" in html

    # Listed by notebook and by status.
    assert [r["id"] for r in (await list_runs(jp_fetch, notebook="train.ipynb"))["runs"]] == [
        run_id
    ]
    assert (await list_runs(jp_fetch, notebook="other.ipynb"))["runs"] == []
    assert [r["id"] for r in (await list_runs(jp_fetch, status="succeeded"))["runs"]] == [run_id]
    assert (await list_runs(jp_fetch, status="failed"))["runs"] == []

    # A finished run cannot be stopped; it is deleted with its folder.
    stop_code, conflict = await call_json(jp_fetch, "POST", "job-runs", run_id, "stop")
    assert (stop_code, conflict["code"]) == (409, "conflict")
    delete_code, _, _ = await call(jp_fetch, "DELETE", "job-runs", run_id)
    assert delete_code == 204
    assert run_folders(mlx_workspace) == []
    gone, _ = await call_json(jp_fetch, "GET", "job-runs", run_id)
    assert gone == 404
