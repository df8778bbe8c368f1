"""Declared data inputs: hashed files and folders, refused paths, and the dataset inputs they
become on a real MLflow run (SQLite store), read back for the run view."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from jupyter_mlx.errors import InvalidInput
from jupyter_mlx.tracking import links
from jupyter_mlx.tracking.inputs import (
    MAX_DIGEST_LENGTH,
    check_inputs,
    hash_input,
    hash_inputs,
    log_inputs,
    read_inputs,
)
from jupyter_mlx.tracking.schemas import RunInput
from jupyter_mlx.tracking.service import TrackingService


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A server root with a file and a folder of two files, one in a subfolder."""
    root = tmp_path / "root"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "train.csv").write_text("x,y\n1,2\n")
    (root / "data" / "raw" / "notes.txt").write_text("raw\n")
    (root / "labels.csv").write_text("a\n")
    return root


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_file_is_hashed_by_its_bytes(root: Path) -> None:
    data = hash_input(root, "labels.csv")

    assert (data.path, data.kind, data.files, data.size) == ("labels.csv", "file", 1, 2)
    assert data.sha256 == sha256(b"a\n")


def test_a_folder_is_hashed_by_its_sorted_manifest_of_file_hashes(root: Path) -> None:
    notes, train = sha256(b"raw\n"), sha256(b"x,y\n1,2\n")
    manifest = f"{notes}  raw/notes.txt\n{train}  train.csv\n".encode()

    data = hash_input(root, "data/")

    assert (data.path, data.kind, data.files) == ("data", "folder", 2)
    assert data.sha256 == sha256(manifest)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU coreutils")
def test_a_folder_hash_is_what_sha256sum_gives_over_its_sorted_files(root: Path) -> None:
    script = "find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs -d '\\n' sha256sum"
    shell = subprocess.run(
        f"{script} | sha256sum", shell=True, cwd=root / "data", capture_output=True, text=True
    )

    assert shell.stdout.split()[0] == hash_input(root, "data").sha256


def test_a_change_to_any_file_or_name_changes_the_folder_hash(root: Path) -> None:
    before = hash_input(root, "data").sha256
    (root / "data" / "raw" / "notes.txt").rename(root / "data" / "raw" / "other.txt")

    renamed = hash_input(root, "data").sha256
    (root / "data" / "train.csv").write_text("x,y\n1,3\n")

    assert len({before, renamed, hash_input(root, "data").sha256}) == 3


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("missing.csv", "does not exist"),
        ("../outside.csv", "outside the server root"),
        ("/etc/hostname", "outside the server root"),
    ],
)
def test_a_missing_input_or_one_outside_the_root_is_refused(
    root: Path, path: str, says: str
) -> None:
    (root.parent / "outside.csv").write_text("secret\n")

    with pytest.raises(InvalidInput) as refused:
        check_inputs(root, ["labels.csv", path])

    assert refused.value.field == "inputs"
    assert says in refused.value.message


def test_a_link_leading_out_of_the_root_is_refused(root: Path) -> None:
    (root.parent / "outside.csv").write_text("secret\n")
    (root / "link.csv").symlink_to(root.parent / "outside.csv")

    with pytest.raises(InvalidInput, match="outside the server root"):
        check_inputs(root, ["link.csv"])


def test_inputs_are_named_relative_to_the_root_once_each(root: Path) -> None:
    assert check_inputs(root, ["./data", "data/", str(root / "labels.csv"), "labels.csv"]) == [
        "data",
        "labels.csv",
    ]


def test_inputs_become_dataset_inputs_of_the_run_and_the_run_view_shows_them(
    root: Path, tmp_path: Path
) -> None:
    # Given a run in a real tracking store with a dataset the notebook logged itself,
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment("inputs", artifact_location=str(tmp_path / "art"))
    run_id = client.create_run(experiment_id).info.run_id
    own = Dataset(name="frame", digest="0a1b2c3d", source_type="code", source="{}")
    client.log_inputs(run_id, datasets=[DatasetInput(own)])

    # when its inputs are recorded twice (a resumed run records them again),
    inputs = hash_inputs(root, ["labels.csv", "data", "data/"])
    log_inputs(client, run_id, inputs)
    log_inputs(client, run_id, inputs)

    # then each is one dataset input named by its path, with the hash's head as digest,
    run = client.get_run(run_id)
    ours = {
        d.dataset.name: d
        for d in run.inputs.dataset_inputs
        if links.INPUT_SHA256 in {tag.key for tag in d.tags}
    }
    assert sorted(ours) == ["data", "labels.csv"]
    assert ours["data"].dataset.digest == inputs[1].sha256[:MAX_DIGEST_LENGTH]
    assert ours["data"].dataset.source_type == "local"
    # and the run view reads back the whole hashes, leaving MLflow's own dataset out.
    expected = [
        RunInput(path="data", sha256=inputs[1].sha256, kind="folder"),
        RunInput(path="labels.csv", sha256=inputs[0].sha256, kind="file"),
    ]
    assert read_inputs(run) == expected
    service = TrackingService(uri)
    try:
        assert service.get_run(run_id).inputs == expected
    finally:
        service.close()
