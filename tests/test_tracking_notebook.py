"""Which notebook a kernel runs, its parameters and its snapshot; the tags of notebook runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from jupyter_mlx.errors import InvalidInput, NotFound
from jupyter_mlx.tracking import links
from jupyter_mlx.tracking.notebook import (
    MAX_PARAM_LENGTH,
    NotebookParameter,
    NotebookRef,
    locate_notebook,
    notebook_parameters,
    param_value,
    parameter_values,
    read_parameter_names,
    server_root,
    take_snapshot,
)


def write_notebook(path: Path, *cells: tuple[str, list[str]]) -> Path:
    """Write a notebook whose code cells have the given sources and tags."""
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": tags},
                "source": source.splitlines(keepends=True),
                "outputs": [],
                "execution_count": None,
            }
            for source, tags in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))
    return path


# -- parameters --------------------------------------------------------------------------------


def test_parameters_are_papermills_reading_of_the_cell():
    # Given a parameters cell with a comment, an annotation, a magic and non-parameter lines,
    notebook = {
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": [
                    "%matplotlib inline\n",
                    "lr = 0.01  # learning rate\n",
                    "epochs: int = 30\n",
                    "layers = [64, 32]\n",
                    "config.depth = 3\n",
                ],
            }
        ],
    }

    # when papermill inspects it,
    found = notebook_parameters(notebook)

    # the names, defaults, inferred types and help are papermill's, the ones a job injects.
    assert found == [
        NotebookParameter(name="lr", type_name=None, default="0.01", help="learning rate"),
        NotebookParameter(name="epochs", type_name="int", default="30", help=""),
        NotebookParameter(name="layers", type_name=None, default="[64, 32]", help=""),
    ]


def test_a_notebook_papermill_cannot_inspect_has_no_parameters():
    cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x <- 1"}
    r_notebook = {"metadata": {"kernelspec": {"name": "ir", "language": "R"}}, "cells": [cell]}

    assert notebook_parameters(r_notebook) == []
    assert notebook_parameters({"cells": [{"cell_type": "markdown", "source": "x"}]}) == []


def test_parameters_cell_is_the_first_tagged_code_cell(tmp_path: Path):
    path = write_notebook(
        tmp_path / "nb.ipynb",
        ("import os", []),
        ("lr = 0.1\nseed = 0", ["parameters"]),
        ("lr = 0.5", ["injected-parameters"]),
        ("other = 1", ["parameters"]),
    )

    assert read_parameter_names(path) == ["lr", "seed"]
    assert read_parameter_names(write_notebook(tmp_path / "plain.ipynb", ("x = 1", []))) == []


def test_read_parameter_names_of_a_file_that_is_not_a_notebook(tmp_path: Path):
    (tmp_path / "broken.ipynb").write_text("{not json")

    with pytest.raises(InvalidInput, match="is not a notebook"):
        read_parameter_names(tmp_path / "broken.ipynb")
    with pytest.raises(NotFound, match="Cannot read notebook"):
        read_parameter_names(tmp_path / "missing.ipynb")


def test_param_values_keep_json_scalars_and_shorten_the_rest():
    assert param_value(0.01) == 0.01
    assert param_value(3) == 3
    assert param_value(True) is True
    assert param_value(None) is None
    assert param_value("adam") == "adam"
    assert param_value(np.int64(7)) == 7 and type(param_value(np.int64(7))) is int
    assert type(param_value(np.float32(0.5))) is float
    assert param_value(float("nan")) == "nan"
    assert param_value({"a": [1, 2]}) == "{'a': [1, 2]}"
    long = param_value("x" * 2000)
    assert isinstance(long, str)
    assert len(long) == MAX_PARAM_LENGTH and long.endswith("\N{HORIZONTAL ELLIPSIS}")
    assert len(str(param_value(list(range(1000))))) == MAX_PARAM_LENGTH


def test_parameter_values_come_from_the_namespace():
    # papermill's injected cell has run: the namespace holds the injected value.
    namespace = {"lr": 0.5, "epochs": 30, "unrelated": 1}

    assert parameter_values(["lr", "epochs", "not_run_yet"], namespace) == {"lr": 0.5, "epochs": 30}


# -- notebook path ------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    write_notebook(root / "team" / "train.ipynb", ("lr = 1", ["parameters"]))
    write_notebook(root / "job.ipynb")
    write_notebook(root / "open.ipynb")
    return root


def test_explicit_path_wins_over_the_environment(root: Path):
    env = {
        "MLX_ROOT_DIR": str(root),
        "MLX_NOTEBOOK_PATH": str(root / "job.ipynb"),
        "JPY_SESSION_NAME": str(root / "open.ipynb"),
    }

    found = locate_notebook("team/train.ipynb", environ=env)

    assert found == NotebookRef(path=(root / "team" / "train.ipynb").resolve(), root=root.resolve())
    assert found.relative == "team/train.ipynb"
    assert found.name == "train.ipynb"


def test_job_path_wins_over_the_session_name(root: Path):
    env = {
        "MLX_ROOT_DIR": str(root),
        "MLX_NOTEBOOK_PATH": "job.ipynb",  # relative to the server root
        "JPY_SESSION_NAME": str(root / "open.ipynb"),
    }

    assert locate_notebook(environ=env).relative == "job.ipynb"
    del env["MLX_NOTEBOOK_PATH"]
    assert locate_notebook(environ=env).relative == "open.ipynb"


def test_relative_override_falls_back_to_the_working_directory(root: Path):
    env = {"MLX_ROOT_DIR": str(root)}

    found = locate_notebook("train.ipynb", environ=env, cwd=root / "team")

    assert found.relative == "team/train.ipynb"


def test_no_path_known_asks_for_notebook(root: Path):
    with pytest.raises(InvalidInput) as raised:
        locate_notebook(environ={"MLX_ROOT_DIR": str(root)})

    assert "pass `--notebook PATH`" in raised.value.message
    assert raised.value.field == "notebook"


def test_missing_notebook_is_not_found_unless_allowed(root: Path):
    env = {"MLX_ROOT_DIR": str(root), "JPY_SESSION_NAME": str(root / "gone.ipynb")}

    with pytest.raises(NotFound, match=r"gone\.ipynb does not exist"):
        locate_notebook(environ=env)
    assert locate_notebook(environ=env, must_exist=False).relative == "gone.ipynb"


def test_notebook_outside_the_root_keeps_its_absolute_path(root: Path, tmp_path: Path):
    outside = write_notebook(tmp_path / "elsewhere" / "x.ipynb")

    found = locate_notebook(str(outside), environ={"MLX_ROOT_DIR": str(root)})

    assert found.relative == outside.resolve().as_posix()


def test_server_root_defaults_to_the_folder_holding_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "srv" / ".mlx").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "srv")

    assert server_root({}) == (tmp_path / "srv").resolve()
    assert server_root({"MLX_ROOT_DIR": str(tmp_path / "r")}) == (tmp_path / "r").resolve()


def test_snapshot_is_the_saved_file(root: Path):
    ref = locate_notebook("team/train.ipynb", environ={"MLX_ROOT_DIR": str(root)})

    snapshot = take_snapshot(ref)

    data = (root / "team" / "train.ipynb").read_bytes()
    assert snapshot.data == data
    assert snapshot.sha256 == hashlib.sha256(data).hexdigest()
    assert snapshot.artifact_path == "notebook/train.ipynb"


# -- links -------------------------------------------------------------------------------------


def test_notebook_run_tags_record_environment_and_job():
    env = {
        "MLX_ENV_NAME": "torch-cpu",
        "MLX_ENV_LOCK_SHA256": "ab" * 32,
        "MLX_JOB_ID": "nightly",
        "MLX_JOB_RUN_ID": "",  # empty values are left out
    }

    tags = links.notebook_run_tags("team/train.ipynb", sha256="cd" * 32, environ=env)

    assert tags == {
        "mlflow.source.name": "team/train.ipynb",
        "mlflow.source.type": "NOTEBOOK",
        "mlx.notebook.sha256": "cd" * 32,
        "mlx.env.name": "torch-cpu",
        "mlx.env.lock_sha256": "ab" * 32,
        "mlx.job.id": "nightly",
    }
    assert links.notebook_run_tags("a.ipynb", environ={}) == {
        "mlflow.source.name": "a.ipynb",
        "mlflow.source.type": "NOTEBOOK",
    }


def test_notebook_filter_quotes_the_path():
    assert links.notebook_filter("a b.ipynb") == "tags.\"mlflow.source.name\" = 'a b.ipynb'"
    assert links.notebook_filter("it's.ipynb") == 'tags."mlflow.source.name" = "it\'s.ipynb"'
    with pytest.raises(ValueError, match="both"):
        links.notebook_filter("""a'b".ipynb""")
