"""scripts/check-examples: the examples are committed clean, and what a run leaves is caught;
the example environment is found where scripts/lab serves it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from jupyter_mlx.environments.spec import discover

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = REPO_ROOT / "scripts" / "check-examples"
EXAMPLE = REPO_ROOT / "examples" / "train_classifier.ipynb"


def check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, paths)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_shipped_examples_are_clean() -> None:
    result = check()

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_notebook_as_a_run_in_jupyterlab_leaves_it_fails(tmp_path: Path) -> None:
    # Given the example as JupyterLab saves it after a run: a cell's output, its execution
    # count and timing, widget state, and the bare language_info of an older save
    notebook = nbformat.read(EXAMPLE, as_version=4)
    index, cell = next((i, c) for i, c in enumerate(notebook.cells, 1) if c.cell_type == "code")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="epoch 1\n")]
    cell.metadata["execution"] = {"iopub.status.busy": "2025-01-01T00:00:00.000Z"}
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    notebook.metadata["language_info"] = {"name": "python"}
    dirty = tmp_path / "dirty.ipynb"
    nbformat.write(notebook, dirty)

    # When it is checked
    result = check(dirty)

    # Then the check fails with one line per problem
    assert result.returncode == 1
    where = f"{dirty}: cell {index} ({cell.id})"
    assert result.stdout.splitlines() == [
        f"{dirty}: notebook metadata widgets not allowed (only kernelspec, language_info)",
        f"{dirty}: language_info lacks codemirror_mode, file_extension, mimetype, "
        "nbconvert_exporter, pygments_lexer, version (run a kernel's kernel_info)",
        f"{where}: metadata execution not allowed (only tags)",
        f"{where}: has 1 output(s)",
        f"{where}: has execution count 1",
    ]


def test_an_invalid_or_hand_formatted_notebook_fails(tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.ipynb"
    invalid.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{}]}')
    compact = tmp_path / "compact.ipynb"
    compact.write_text(EXAMPLE.read_text(encoding="utf-8").replace("\n ", "\n  "))

    result = check(invalid, compact)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{invalid}: not valid nbformat: ")
    assert (
        lines[-1]
        == f"{compact}: not in the layout Jupyter saves (save it in JupyterLab, or with nbformat)"
    )


def test_the_example_environment_is_declared_where_the_lab_serves_it() -> None:
    # scripts/lab serves examples/; the default environment folders are the root and envs/.
    found = discover(REPO_ROOT / "examples", ("", "envs"))

    assert found.problems == []
    assert list(found.specs) == ["demo"]
    demo = found.specs["demo"]
    assert (demo.flavour, demo.dependencies) == ("pip", ("ipykernel", "numpy"))
