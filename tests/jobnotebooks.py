"""Notebooks for job tests: a parameters cell and code cells, written where a test wants them."""

from __future__ import annotations

from pathlib import Path

import nbformat

#: A parameters cell whose defaults have each type a job parameter may have.
PARAMETERS = "epochs = 3\nlr = 0.1\nname = 'bob'\nday = '2024-01-01'\nflag = False\nopts = {'a': 1}"


def write_notebook(path: Path, *cells: str, parameters: str | None = PARAMETERS) -> Path:
    """Write a Python notebook: an optional ``parameters`` cell, then one code cell per source."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        notebook.cells.append(cell)
    notebook.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
