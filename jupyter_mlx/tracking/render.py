"""Notebook artifacts rendered for reading in the browser."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InvalidInput


def notebook_html(read: Callable[[str, str], tuple[bytes, str]], run_id: str, path: str):
    """Render a run's notebook artifact (e.g. its snapshot) as a standalone HTML page.

    Args:
        read: Returns an artifact's bytes and media type (``TrackingService.read_artifact``).
        run_id: The run.
        path: Artifact path of an ``.ipynb`` file.

    Returns:
        The HTML bytes and their media type.

    Raises:
        InvalidInput: The artifact is not a notebook.
    """
    if not path.endswith(".ipynb"):
        raise InvalidInput("format=html applies to .ipynb artifacts only.", field="format")
    data, _ = read(run_id, path)
    import nbformat
    from nbconvert import HTMLExporter

    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:
        raise InvalidInput(f"{path} is not a readable notebook: {exc}", field="path") from exc
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    return html.encode("utf-8"), "text/html; charset=utf-8"
