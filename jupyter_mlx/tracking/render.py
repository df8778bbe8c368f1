"""Notebook artifacts rendered for reading in the browser.

A snapshot is rendered with the ``mlx_snapshot`` nbconvert template (``templates/`` next to this
module): JupyterLab's ``lab`` template without the scripts it fetches from CDNs (require.js,
MathJax, Mermaid, the widget manager), so the page is complete offline. Math stays TeX text,
Mermaid diagrams show their source and a widget shows its text representation; code, text,
images, HTML and errors render as in the ``lab`` template, with its CSS inlined.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidInput

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

TEMPLATES_DIR = Path(__file__).with_name("templates")
"""Folder holding this package's nbconvert templates."""

SNAPSHOT_TEMPLATE = "mlx_snapshot"
"""nbconvert template rendering snapshots (extends ``lab``)."""

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

DISPLAY_PRIORITY = [
    "application/javascript",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/vnd.mermaid",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
    WIDGET_VIEW,
]
"""Mime types an output is shown as, first match wins: nbconvert's HTML order, except that a
widget (which needs the widget manager, not loaded) comes last, after its text representation."""


def snapshot_exporter() -> HTMLExporter:
    """The nbconvert ``HTMLExporter`` rendering notebook artifacts (see the module docstring)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}})
    # Only this package's folder (nbconvert's default adds the working directory, where a
    # folder named like a template would shadow it); ``lab`` comes from Jupyter's data paths.
    return HTMLExporter(
        config=config,
        template_name=SNAPSHOT_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
    )


def notebook_html(
    read: Callable[[str, str], tuple[bytes, str]], run_id: str, path: str
) -> tuple[bytes, str]:
    """Render a run's notebook artifact (e.g. its snapshot) as a standalone HTML page.

    The page loads nothing from the network (see the module docstring).

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

    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:
        raise InvalidInput(f"{path} is not a readable notebook: {exc}", field="path") from exc
    html, _ = snapshot_exporter().from_notebook_node(notebook)
    return html.encode("utf-8"), "text/html; charset=utf-8"
