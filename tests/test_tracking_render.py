"""Notebook artifacts rendered as HTML: complete offline, outputs shown as in JupyterLab."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_mlx.errors import InvalidInput
from jupyter_mlx.tracking.render import notebook_html

URL = re.compile(r"https?://", re.IGNORECASE)

# A 1x1 transparent PNG.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode("ascii")


class Tags(HTMLParser):
    """Collects the ``<script>`` and ``<link>`` tags of a page, with inline scripts' text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "link"):
            self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def snapshot() -> nbformat.NotebookNode:
    """A notebook with each kind of output a snapshot holds, a widget and some math."""
    widget = {"model_id": "0f3c", "version_major": 2, "version_minor": 0}
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Wine\n\nThe loss is $-\\sum_i y_i \\log p_i$."),
            new_code_cell(
                "print('epoch 1')",
                execution_count=1,
                outputs=[new_output("stream", name="stdout", text="epoch 1\n")],
            ),
            new_code_cell(
                "plot()",
                execution_count=2,
                outputs=[
                    new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"})
                ],
            ),
            new_code_cell(
                "table",
                execution_count=3,
                outputs=[
                    new_output(
                        "execute_result",
                        execution_count=3,
                        data={"text/html": "<table><tr><td>0.93</td></tr></table>"},
                    )
                ],
            ),
            new_code_cell(
                "%mlx_track",
                execution_count=4,
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "application/vnd.jupyter.widget-view+json": widget,
                            "text/plain": "MLflow run 'bright-owl' (abc) in experiment 'wine'",
                        },
                    )
                ],
            ),
            new_code_cell(
                "1 / 0",
                execution_count=5,
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
                    )
                ],
            ),
        ]
    )
    notebook.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"0f3c": {"model_name": "VBoxModel", "state": {}}},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    return notebook


def render(notebook: nbformat.NotebookNode, path: str = "notebook/train.ipynb") -> str:
    artifacts = {("run-1", path): nbformat.writes(notebook).encode("utf-8")}
    html, media_type = notebook_html(
        lambda run_id, p: (artifacts[(run_id, p)], "application/x-ipynb+json"), "run-1", path
    )
    assert media_type == "text/html; charset=utf-8"
    return html.decode("utf-8")


def test_the_page_loads_nothing_from_the_network() -> None:
    page = Tags()
    page.feed(render(snapshot()))

    # No script or stylesheet from a CDN (require.js, MathJax, Mermaid, the widget manager) ...
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            assert not URL.search(attrs.get(name) or ""), (tag, attrs)
    # ... not even through an inline script that imports one.
    assert not [script for script in page.scripts if URL.search(script)]


def test_outputs_render_as_in_jupyterlab() -> None:
    html = render(snapshot())

    assert "<pre>epoch 1\n</pre>" in html  # a stream
    assert f'src="data:image/png;base64,{PIXEL}"' in html  # an image, inlined
    assert "<table><tr><td>0.93</td></tr></table>" in html  # HTML as it was sent
    assert '<span class="ansi-red-fg">ZeroDivisionError</span>: division by zero' in html
    assert '<span class="nb">print</span>' in html  # sources highlighted
    assert "jp-Notebook" in html and "--jp-layout-color0" in html  # the lab CSS, inlined


def test_a_widget_shows_its_text_and_math_stays_tex() -> None:
    html = render(snapshot())

    assert "<pre>MLflow run 'bright-owl' (abc) in experiment 'wine'</pre>" in html
    assert "widget-view+json" not in html
    assert "widget-state+json" not in html
    assert "$-\\sum_i y_i \\log p_i$" in html


def test_only_notebooks_render() -> None:
    with pytest.raises(InvalidInput) as raised:
        render(snapshot(), path="notebook/train.py")

    assert raised.value.field == "format"


def test_an_unreadable_notebook_is_invalid_input() -> None:
    def read(run_id: str, path: str) -> tuple[bytes, str]:
        return b"{not json", "application/x-ipynb+json"

    with pytest.raises(InvalidInput) as raised:
        notebook_html(read, "run-1", "notebook/train.ipynb")

    assert raised.value.field == "path"
    assert raised.value.message.startswith("notebook/train.ipynb is not a readable notebook")
