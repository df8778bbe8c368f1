"""/mlx/api/environments through a real in-process server, against a local conda channel.

Each answer is checked against the schema openapi.yaml gives it. Locks and installs run for
real (py-rattler against a ``file://`` channel built once for the module, tens of
milliseconds each). Authentication of every route is covered by test_routes_auth.py.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import restapi
import yaml
from condachannel import build_channel
from restapi import conforms, refused
from servers import free_port

#: Seconds an install from the local channel may take.
INSTALL_WITHIN_S = 30.0


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The ``file://`` URL of the local test channel (alpha 1.0 and 2.0, beta, gamma, ...)."""
    return build_channel(tmp_path_factory.mktemp("channel"))


# --- requests -------------------------------------------------------------------------------


async def call(jp_fetch, method: str, *parts: str, body: Any = None, **kwargs):
    """(status, headers, JSON body) of a request to /mlx/api/environments/..., errors included."""
    return await restapi.call(jp_fetch, method, "environments", *parts, body=body, **kwargs)


async def create(jp_fetch, **body: Any) -> dict:
    code, _, environment = await call(jp_fetch, "POST", body=body)
    assert code == 201, environment
    return conforms(environment, "Environment")


async def get(jp_fetch, name: str) -> dict:
    code, _, environment = await call(jp_fetch, "GET", name)
    assert code == 200, environment
    return conforms(environment, "Environment")


async def lock(jp_fetch, name: str, body: Any = None) -> dict:
    code, _, environment = await call(jp_fetch, "POST", name, "lock", body=body)
    assert code == 200, environment
    return conforms(environment, "Environment")


async def installed(jp_fetch, name: str) -> dict:
    """Start an install (202, installing) and poll the environment until it ends."""
    code, headers, environment = await call(jp_fetch, "POST", name, "install")
    assert code == 202, environment
    assert headers["Location"] == f"/a%40b/mlx/api/environments/{name}"
    assert conforms(environment, "Environment")["state"] == "installing"
    deadline = time.monotonic() + INSTALL_WITHIN_S
    while environment["state"] == "installing":
        assert time.monotonic() < deadline, f"still installing after {INSTALL_WITHIN_S} s"
        await asyncio.sleep(0.02)
        environment = await get(jp_fetch, name)
    return environment


async def read_log(jp_fetch, name: str, offset: int = 0) -> dict:
    code, _, log = await call(jp_fetch, "GET", name, "log", params={"offset": offset})
    assert code == 200, log
    return conforms(log, "EnvironmentLog")


async def lock_diff(jp_fetch, name: str) -> dict:
    code, _, diff = await call(jp_fetch, "GET", name, "lock-diff")
    assert code == 200, diff
    return conforms(diff, "LockDiff")


def packages(entries: list[dict]) -> list[tuple[str, str]]:
    return [(entry["name"], entry["version"]) for entry in entries]


# --- the life of an environment --------------------------------------------------------------


async def test_an_environment_is_declared_locked_installed_diffed_and_removed(
    jp_fetch, jp_root_dir: Path, mlx_workspace: Path, channel: str
) -> None:
    # Given an environment declared from fields,
    code, headers, declared = await call(
        jp_fetch, "POST", body={"name": "demo", "channels": [channel], "dependencies": ["gamma"]}
    )

    # then it is declared, its spec written where the workspace looks for specs,
    assert code == 201, declared
    assert headers["Location"] == "/a%40b/mlx/api/environments/demo"
    conforms(declared, "Environment")
    assert (declared["name"], declared["flavour"], declared["state"]) == (
        "demo",
        "conda",
        "declared",
    )
    assert declared["spec_path"] == "envs/demo/environment.yml"
    assert (declared["lock_path"], declared["prefix"], declared["kernel"]) == (None, None, None)
    assert (declared["channels"], declared["dependencies"]) == ([channel], ["gamma"])
    spec = jp_root_dir / "envs" / "demo" / "environment.yml"
    assert yaml.safe_load(spec.read_text()) == {
        "name": "demo",
        "channels": [channel],
        "dependencies": ["gamma"],
    }
    code, _, listing = await call(jp_fetch, "GET")
    assert code == 200
    conforms(listing, "EnvironmentList")
    assert ([e["name"] for e in listing["environments"]], listing["problems"]) == (["demo"], [])

    # When it is locked, its lock holds the chain gamma -> beta -> alpha >=2;
    locked = await lock(jp_fetch, "demo")
    assert (locked["state"], locked["lock_path"]) == ("locked", "envs/demo/conda-lock.yml")
    assert locked["packages"] == 3 and locked["lock_sha256"]
    assert (jp_root_dir / "envs" / "demo" / "conda-lock.yml").is_file()
    first = await lock_diff(jp_fetch, "demo")
    assert first["previous_sha256"] is None
    assert packages(first["added"]) == [("alpha", "2.0"), ("beta", "1.0"), ("gamma", "0.1")]

    # when it is installed (202, then polled), it is ready in the workspace's prefix;
    ready = await installed(jp_fetch, "demo")
    assert ready["state"] == "ready", ready["error"]
    assert ready["prefix"] == str(mlx_workspace / "envs" / "demo")
    assert ready["installed_lock_sha256"] == locked["lock_sha256"]
    assert (Path(ready["prefix"]) / "share" / "alpha" / "VERSION").read_text() == "2.0"

    # and its log is read whole, or from any offset on, until nothing is left.
    whole = await read_log(jp_fetch, "demo")
    assert "locking demo" in whole["text"] and "installing demo" in whole["text"]
    assert whole["text"].splitlines()[-1].split("] ", 1)[1].startswith("ready in ")
    assert whole["next_offset"] == len(whole["text"].encode()) and whole["complete"]
    middle = whole["text"].index("installing demo")
    rest = await read_log(jp_fetch, "demo", len(whole["text"][:middle].encode()))
    assert rest["text"] == whole["text"][middle:]
    assert rest["next_offset"] == whole["next_offset"]
    end = await read_log(jp_fetch, "demo", whole["next_offset"])
    assert (end["text"], end["next_offset"], end["complete"]) == ("", whole["next_offset"], True)

    # When its spec is edited, it is stale with the changed line, and cannot be installed;
    spec.write_text(spec.read_text() + "- epsilon\n")
    stale = await get(jp_fetch, "demo")
    assert stale["state"] == "stale"
    assert stale["stale_lines"] == [{"change": "added", "line": "- epsilon"}]
    message = refused(await call(jp_fetch, "POST", "demo", "install"), 400, "name")
    assert "`jupyter mlx env lock demo`" in message

    # once locked again, the lock diff names the packages added since the previous lock,
    relocked = await lock(jp_fetch, "demo", {"solver": "rattler"})
    assert (relocked["state"], relocked["stale_lines"]) == ("locked", [])
    diff = await lock_diff(jp_fetch, "demo")
    assert (diff["previous_sha256"], diff["current_sha256"]) == (
        locked["lock_sha256"],
        relocked["lock_sha256"],
    )
    assert packages(diff["added"]) == [("delta", "3.1"), ("epsilon", "0.5")]
    assert (diff["removed"], diff["changed"]) == ([], [])
    assert (await installed(jp_fetch, "demo"))["state"] == "ready"

    # When it is removed keeping its spec, it is locked again, not installed;
    code, _, body = await call(jp_fetch, "DELETE", "demo", params={"delete_spec": "false"})
    assert (code, body) == (204, None)
    kept = await get(jp_fetch, "demo")
    assert (kept["state"], kept["prefix"]) == ("locked", None)
    assert not (mlx_workspace / "envs" / "demo").exists()

    # removed with its spec, it is gone.
    code, _, _ = await call(jp_fetch, "DELETE", "demo", params={"delete_spec": "true"})
    assert code == 204
    assert not spec.exists() and not spec.with_name("conda-lock.yml").exists()
    refused(await call(jp_fetch, "GET", "demo"), 404, "name")


async def test_a_spec_given_as_text_is_written_as_given(jp_fetch, jp_root_dir: Path) -> None:
    content = "name: text\n# from the editor\ndependencies:\n  - alpha <2\n"

    environment = await create(jp_fetch, name="text", content=content, folder="envs/mine")

    assert environment["spec_path"] == "envs/mine/environment.yml"
    assert environment["dependencies"] == ["alpha <2"]
    assert (jp_root_dir / "envs" / "mine" / "environment.yml").read_text() == content


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ("name: bad\ndependencies: [alpha\n", "content", ["line 3, column 1"]),
        ("name: bad\nfoo: 1\ndependencies: [alpha]\n", "content", ["unknown key 'foo'"]),
        ("name: bad\ndependencies: []\n", "dependencies", ["dependency list is empty"]),
    ],
    ids=["malformed YAML", "unknown key", "no dependency"],
)
async def test_a_refused_spec_names_what_is_wrong_and_writes_nothing(
    jp_fetch, jp_root_dir: Path, content: str, field: str, words: list[str]
) -> None:
    message = refused(
        await call(jp_fetch, "POST", body={"name": "bad", "content": content}), 400, field
    )

    for word in words:
        assert word in message
    assert not (jp_root_dir / "envs" / "bad").exists()
    _, _, listing = await call(jp_fetch, "GET")
    assert listing == {"environments": [], "problems": []}


async def test_a_request_without_dependencies_is_refused(jp_fetch) -> None:
    message = refused(await call(jp_fetch, "POST", body={"name": "empty"}), 400, "dependencies")
    assert "empty" in message


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dependencies": ["alpha"]}, "name"),
        ({"name": "-dash", "dependencies": ["alpha"]}, "name"),
        ({"name": "x", "dependencies": ["alpha"], "colour": "red"}, "colour"),
        ({"name": "x", "dependencies": ["alpha"], "flavour": "apt"}, "flavour"),
        ({"name": "x", "dependencies": ["alpha"], "folder": "../outside"}, "folder"),
        ({"name": "x", "dependencies": ["alpha"], "content": "name: x\n"}, "content"),
    ],
    ids=["no name", "bad name", "unknown field", "bad flavour", "outside", "both forms"],
)
async def test_a_refused_request_names_its_field(jp_fetch, body: dict, field: str) -> None:
    refused(await call(jp_fetch, "POST", body=body), 400, field)


async def test_an_unsatisfiable_spec_is_explained_and_leaves_no_lock(
    jp_fetch, jp_root_dir: Path, channel: str
) -> None:
    await create(jp_fetch, name="clash", channels=[channel], dependencies=["beta", "alpha <2"])

    message = refused(await call(jp_fetch, "POST", "clash", "lock"), 400, "dependencies")

    assert "cannot be satisfied" in message
    assert "beta" in message and "alpha" in message
    assert not (jp_root_dir / "envs" / "clash" / "conda-lock.yml").exists()
    environment = await get(jp_fetch, "clash")
    assert (environment["state"], environment["lock_path"]) == ("declared", None)
    assert environment["error"] == message
    log = await read_log(jp_fetch, "clash")
    assert "lock failed" in log["text"]


async def test_an_unreachable_channel_is_named(jp_fetch, jp_root_dir: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/conda"
    await create(jp_fetch, name="far", channels=[nowhere], dependencies=["alpha"])

    message = refused(await call(jp_fetch, "POST", "far", "lock"), 503, "channels")

    assert nowhere in message and "waited" in message
    assert not (jp_root_dir / "envs" / "far" / "conda-lock.yml").exists()


async def test_a_name_or_folder_taken_is_a_conflict(jp_fetch, channel: str) -> None:
    await create(jp_fetch, name="twin", channels=[channel], dependencies=["alpha"])

    same_name = await call(
        jp_fetch, "POST", body={"name": "twin", "dependencies": ["alpha"], "folder": "envs/b"}
    )
    same_folder = await call(
        jp_fetch, "POST", body={"name": "other", "dependencies": ["alpha"], "folder": "envs/twin"}
    )

    assert "'twin' is already declared" in refused(same_name, 409, "name")
    assert "already holds environment.yml" in refused(same_folder, 409, "folder")


async def test_installing_an_unlocked_environment_gives_the_fix(jp_fetch, channel: str) -> None:
    await create(jp_fetch, name="raw", channels=[channel], dependencies=["alpha"])

    message = refused(await call(jp_fetch, "POST", "raw", "install"), 400, "name")

    assert message == (
        "Environment 'raw' is not locked: run `jupyter mlx env lock raw`, then "
        "`jupyter mlx env install raw`."
    )
    assert (await get(jp_fetch, "raw"))["state"] == "declared"
    refused(await call(jp_fetch, "GET", "raw", "lock-diff"), 404, "name")


async def test_refused_queries_and_bodies_name_their_field(jp_fetch, channel: str) -> None:
    await create(jp_fetch, name="q", channels=[channel], dependencies=["alpha"])

    refused(await call(jp_fetch, "POST", "q", "lock", body={"solver": "mamba"}), 400, "solver")
    refused(await call(jp_fetch, "POST", "q", "lock", body={"slow": True}), 400, "slow")
    refused(await call(jp_fetch, "GET", "q", "log", params={"offset": "-1"}), 400, "offset")
    refused(await call(jp_fetch, "GET", "q", "log", params={"from": "0"}), 400, "from")
    answer = await call(jp_fetch, "DELETE", "q", params={"delete_spec": "maybe"})
    refused(answer, 400, "delete_spec")
    assert (await get(jp_fetch, "q"))["state"] == "declared"


@pytest.mark.parametrize(
    ("method", "parts"),
    [
        ("GET", ()),
        ("DELETE", ()),
        ("POST", ("lock",)),
        ("POST", ("install",)),
        ("GET", ("log",)),
        ("GET", ("lock-diff",)),
    ],
)
async def test_an_unknown_environment_is_404_on_every_route(
    jp_fetch, method: str, parts: tuple[str, ...]
) -> None:
    message = refused(await call(jp_fetch, method, "nope", *parts), 404, "name")
    assert "No environment named 'nope'" in message


async def test_a_spec_that_cannot_be_read_is_listed_as_a_problem(
    jp_fetch, jp_root_dir: Path
) -> None:
    (jp_root_dir / "envs" / "broken").mkdir(parents=True)
    (jp_root_dir / "envs" / "broken" / "environment.yml").write_text("name: [broken\n")

    code, _, listing = await call(jp_fetch, "GET")

    assert code == 200
    conforms(listing, "EnvironmentList")
    [problem] = listing["problems"]
    assert problem["spec_path"] == "envs/broken/environment.yml"
    assert "not valid YAML" in problem["message"]
