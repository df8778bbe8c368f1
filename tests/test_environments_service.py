"""Environments against a local conda channel: lock, install, stale, diff, failures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from condachannel import build_channel, build_package, index, parse_conda_lock

from jupyter_mlx.config import Settings
from jupyter_mlx.environments.schemas import CreateEnvironmentRequest, Environment
from jupyter_mlx.environments.service import EnvironmentConfig, EnvironmentService
from jupyter_mlx.errors import Conflict, InvalidInput, NotFound, Unavailable


@pytest.fixture(scope="module")
def channel_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_channel(tmp_path_factory.mktemp("channel"))


def new_service(
    tmp_path: Path,
    config: EnvironmentConfig | None = None,
    in_use: Callable[[str], list[str]] | None = None,
) -> EnvironmentService:
    """The environments of a new, empty root in ``tmp_path``."""
    root = tmp_path / "root"
    root.mkdir()
    return EnvironmentService(Settings.resolve(root), config, in_use)


@pytest.fixture
def service(tmp_path: Path) -> EnvironmentService:
    return new_service(tmp_path)


def write_spec(service: EnvironmentService, name: str, channel: str, *deps: str) -> Path:
    folder = service.root / "envs" / name
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"name: {name}", "channels:", f"  - {channel}", "dependencies:"]
    path = folder / "environment.yml"
    path.write_text("\n".join([*lines, *(f"  - {dep}" for dep in deps)]) + "\n")
    return path


def write_locked(service: EnvironmentService, name: str, channel: str, *deps: str) -> Environment:
    """Write a spec, then lock it."""
    write_spec(service, name, channel, *deps)
    return service.lock(name)


def locked_versions(service: EnvironmentService, name: str) -> dict[str, str]:
    lock = parse_conda_lock(service.root / "envs" / name / "conda-lock.yml")
    return {package.name: package.version for package in lock.package}


def test_lock_solves_dependencies_into_a_conda_lock_file_conda_lock_reads(
    service: EnvironmentService, channel_url: str
) -> None:
    write_spec(service, "tiny", channel_url, "gamma", "epsilon")
    assert service.get("tiny").state == "declared"

    environment = service.lock("tiny")

    assert environment.state == "locked"
    assert environment.lock_path == "envs/tiny/conda-lock.yml"
    assert environment.packages == 5
    # conda-lock's own parser reads it: the newest alpha that beta accepts, deps included.
    assert locked_versions(service, "tiny") == {
        "alpha": "2.0",
        "beta": "1.0",
        "gamma": "0.1",
        "delta": "3.1",
        "epsilon": "0.5",
    }
    lock = parse_conda_lock(service.root / "envs/tiny/conda-lock.yml")
    assert lock.metadata.platforms == environment.platforms
    assert [c.url for c in lock.metadata.channels] == [channel_url]
    assert set(lock.metadata.content_hash) == set(environment.platforms)


def test_install_links_the_packages_and_a_second_install_is_a_no_op(
    service: EnvironmentService, channel_url: str
) -> None:
    write_locked(service, "tiny", channel_url, "gamma")

    environment = service.install("tiny")

    assert environment.state == "ready"
    prefix = Path(environment.prefix or "")
    assert prefix == service.settings.workspace / "envs" / "tiny"
    assert (prefix / "share/alpha/VERSION").read_text() == "2.0"
    assert environment.installed_lock_sha256 == environment.lock_sha256
    assert environment.kernel is None  # no ipykernel in it
    installed_at = environment.installed_at

    again = service.install("tiny")

    assert again.state == "ready"
    assert again.installed_at == installed_at
    assert "nothing to do" in service.log("tiny").text


def test_an_edited_spec_is_stale_with_its_changed_lines_until_locked_again(
    service: EnvironmentService, channel_url: str
) -> None:
    write_locked(service, "tiny", channel_url, "gamma", "epsilon")
    service.install("tiny")

    write_spec(service, "tiny", channel_url, "gamma", "alpha 2.0")
    stale = service.get("tiny")

    assert stale.state == "stale"
    assert [(line.change, line.line.strip()) for line in stale.stale_lines] == [
        ("removed", "- epsilon"),
        ("added", "- alpha 2.0"),
    ]
    with pytest.raises(InvalidInput, match="stale") as refused:
        service.kernel_for("tiny")
    assert refused.value.field == "environment"
    assert "jupyter mlx env lock tiny" in str(refused.value)

    assert service.lock("tiny").state == "locked"  # installed from the older lock


def test_lock_diff_lists_packages_added_removed_and_changed(
    service: EnvironmentService, channel_url: str
) -> None:
    write_locked(service, "tiny", channel_url, "alpha 1.0", "epsilon")
    first = service.lock_diff("tiny")
    assert first.previous_sha256 is None
    assert {p.name for p in first.added} == {"alpha", "delta", "epsilon"}

    write_locked(service, "tiny", channel_url, "gamma")
    diff = service.lock_diff("tiny")

    assert diff.previous_sha256 == first.current_sha256
    assert [(p.name, p.version) for p in diff.added] == [("beta", "1.0"), ("gamma", "0.1")]
    assert [(p.name, p.version) for p in diff.removed] == [("delta", "3.1"), ("epsilon", "0.5")]
    assert [(c.name, c.old, c.new) for c in diff.changed] == [("alpha", "1.0", "2.0")]


def test_an_unsatisfiable_spec_names_the_conflict_and_writes_no_lock(
    service: EnvironmentService, channel_url: str
) -> None:
    write_spec(service, "tiny", channel_url, "gamma", "alpha <2")

    with pytest.raises(InvalidInput) as refused:
        service.lock("tiny")

    assert refused.value.field == "dependencies"
    assert "cannot be satisfied" in str(refused.value)
    assert "alpha >=2" in str(refused.value)
    assert not (service.root / "envs/tiny/conda-lock.yml").exists()
    environment = service.get("tiny")
    assert environment.state == "declared"
    assert environment.error is not None and "cannot be satisfied" in environment.error


def test_an_unreachable_channel_is_named(service: EnvironmentService, tmp_path: Path) -> None:
    missing = (tmp_path / "no-such-channel").as_uri()
    write_spec(service, "tiny", missing, "gamma")

    with pytest.raises(Unavailable) as refused:
        service.lock("tiny")

    assert refused.value.field == "channels"
    assert missing in str(refused.value)
    assert "waited" in str(refused.value)


def test_a_failed_install_keeps_the_previous_environment_working(
    service: EnvironmentService, tmp_path: Path
) -> None:
    channel = tmp_path / "own-channel"
    url = build_channel(channel, [("alpha", "1.0", []), ("delta", "3.1", [])])
    write_locked(service, "tiny", url, "alpha")
    service.install("tiny")
    prefix = service.prefix_of("tiny")
    before = service.get("tiny").installed_lock_sha256

    # A new version is locked, then its package file disappears from the channel.
    gone = build_package(channel, "alpha", "2.0", [])
    index(channel)
    write_locked(service, "tiny", url, "alpha", "delta")
    gone.unlink()

    with pytest.raises(InvalidInput):
        service.install("tiny")

    failed = service.get("tiny")
    assert failed.state == "failed"
    assert failed.error
    assert failed.installed_lock_sha256 == before
    assert (prefix / "share/alpha/VERSION").read_text() == "1.0"
    assert not (prefix / "share/delta").exists()
    assert "install failed" in service.log("tiny").text
    assert not [p for p in prefix.parent.iterdir() if p.name.startswith(".")]


def test_an_interrupted_install_shows_failed(service: EnvironmentService, channel_url: str) -> None:
    write_locked(service, "tiny", channel_url, "alpha")
    # What a server killed in the middle of an install leaves: state.json says installing,
    # written by a process that is gone.
    service._write_state("tiny", state="installing", host="elsewhere", pid=1, create_time=0)

    environment = service.get("tiny")

    assert environment.state == "failed"
    assert environment.error is not None and "interrupted" in environment.error
    assert service.install("tiny").state == "ready"


def test_start_install_reports_installing_then_ready(
    service: EnvironmentService, channel_url: str
) -> None:
    write_locked(service, "tiny", channel_url, "gamma")

    started = service.start_install("tiny")

    assert started.state in ("installing", "ready")
    assert service.wait("tiny", timeout=60).state == "ready"
    log = service.log("tiny")
    assert log.complete
    assert "linking gamma" in log.text
    assert service.log("tiny", offset=log.next_offset).text == ""
    service.close()


def test_install_refuses_an_environment_that_is_not_locked(
    service: EnvironmentService, channel_url: str
) -> None:
    write_spec(service, "tiny", channel_url, "gamma")

    with pytest.raises(InvalidInput, match="jupyter mlx env lock tiny"):
        service.start_install("tiny")


def test_create_writes_a_valid_spec_and_refuses_clashes(
    service: EnvironmentService, channel_url: str
) -> None:
    created = service.create(
        CreateEnvironmentRequest(name="made", channels=[channel_url], dependencies=["gamma"])
    )

    assert created.spec_path == "envs/made/environment.yml"
    assert created.state == "declared"
    assert service.lock("made").state == "locked"
    with pytest.raises(Conflict):
        service.create(CreateEnvironmentRequest(name="made", dependencies=["gamma"]))
    with pytest.raises(InvalidInput) as bad:
        broken = "name: other\ndependencies: [\n"
        service.create(CreateEnvironmentRequest(name="other", content=broken))
    assert bad.value.field == "content"
    assert "line" in str(bad.value) and "column" in str(bad.value)
    assert not (service.root / "envs/other").exists()


def test_remove_deletes_prefix_and_state_and_is_refused_while_a_job_uses_it(
    tmp_path: Path, channel_url: str
) -> None:
    users: dict[str, list[str]] = {"tiny": ["nightly"]}
    service = new_service(tmp_path, in_use=lambda name: users.get(name, []))
    spec = write_spec(service, "tiny", channel_url, "gamma")
    service.lock("tiny")
    service.install("tiny")

    with pytest.raises(Conflict, match="nightly"):
        service.remove("tiny")

    users.clear()
    service.remove("tiny")
    assert not service.prefix_of("tiny").exists()
    assert service.get("tiny").state == "locked"  # the spec and its lock stay
    service.remove("tiny", delete_spec=True)
    assert not spec.exists()
    assert not spec.parent.exists()  # the folder held only the spec and its lock
    with pytest.raises(NotFound):
        service.get("tiny")


def test_specs_found_in_the_configured_folders_with_problems_listed(
    tmp_path: Path, channel_url: str
) -> None:
    root = tmp_path / "root"
    (root / "envs/a").mkdir(parents=True)
    (root / "envs/b").mkdir(parents=True)
    (root / "envs/bad").mkdir(parents=True)
    (root / "environment.yml").write_text("name: top\ndependencies: [gamma]\n")
    (root / "envs/a/environment.yml").write_text("name: same\ndependencies: [gamma]\n")
    (root / "envs/b/environment.yml").write_text("name: same\ndependencies: [alpha]\n")
    (root / "envs/bad/environment.yml").write_text("name: bad\ndependencies: []\n")
    (root / "envs/bad/requirements.in").write_text("requests\n")
    service = EnvironmentService(Settings.resolve(root), EnvironmentConfig(dirs=("", "envs")))

    found = service.list()

    assert [e.name for e in found.environments] == ["top"]
    messages = {p.spec_path: p.message for p in found.problems}
    assert "declared by both" in messages["envs/a/environment.yml"]
    assert "declared by both" in messages["envs/b/environment.yml"]
    assert "keep one spec a folder" in messages["envs/bad/environment.yml"]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("name: x\ndependencies:\n  - gamma\n  bad: [\n", "content", "line"),
        ("name: x\nextras: 1\ndependencies: [gamma]\n", "content", "unknown key 'extras'"),
        ("name: x\ndependencies: []\n", "dependencies", "empty"),
        ("dependencies: [gamma]\n", "name", "no name"),
        ("name: x\ndependencies: ['gamma >=>1']\n", "dependencies", "match spec"),
    ],
)
def test_bad_specs_are_refused_with_what_is_wrong(
    service: EnvironmentService, text: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidInput, match=words) as refused:
        service.create(CreateEnvironmentRequest(name="x", content=text))
    assert refused.value.field == field


def test_a_channel_configured_for_the_workspace_replaces_the_specs(
    tmp_path: Path, channel_url: str
) -> None:
    service = new_service(tmp_path, EnvironmentConfig(channels=(channel_url,)))
    (service.root / "envs/tiny").mkdir(parents=True)
    (service.root / "envs/tiny/environment.yml").write_text(
        "name: tiny\nchannels: [conda-forge]\ndependencies: [gamma]\n"
    )

    assert service.lock("tiny").channels == [channel_url]


def test_every_lock_is_kept_with_the_spec_it_was_made_from(
    service: EnvironmentService, channel_url: str
) -> None:
    first = write_locked(service, "tiny", channel_url, "alpha 1.0").lock_sha256
    assert first is not None
    write_locked(service, "tiny", channel_url, "alpha 2.0")

    folder = service.lock_folder("tiny", first)

    assert folder is not None
    assert (folder / "conda-lock.yml").is_file()
    assert "alpha 1.0" in (folder / "environment.yml").read_text()


def test_the_conda_lock_solver_without_a_conda_executable_says_what_to_do(
    tmp_path: Path, channel_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    service = new_service(tmp_path, EnvironmentConfig(solver="conda-lock"))
    write_spec(service, "tiny", channel_url, "gamma")

    with pytest.raises(InvalidInput, match=r"MLXApp\.conda_exe") as refused:
        service.lock("tiny")

    assert refused.value.field == "solver"
    assert not (service.root / "envs/tiny/conda-lock.yml").exists()
    assert service.lock("tiny", solver="rattler").state == "locked"
