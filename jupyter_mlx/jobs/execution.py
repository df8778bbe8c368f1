"""One attempt of a job run: a parameterized notebook executed cell by cell in a fresh kernel.

Cells run through nbclient, with papermill's execution manager keeping papermill's metadata
(start and end time, status and exception of each cell), so the output notebook reads as
papermill's would. What the kernel prints is teed to the run's log as it arrives. A failing
cell ends the attempt with papermill's error markers in the notebook (a banner at the top and
an anchor above the cell) and the error pinpointed; a stop, a timeout or a dead kernel end it
too, the notebook keeping what ran.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .kernels import JobKernel
from .log import RunLog, plain
from .schemas import JobRunError

#: Seconds the silent set-up of a kernel (environment, folder) may take.
SETUP_TIMEOUT_S = 30.0

AttemptStatus = Literal["succeeded", "failed", "stopped", "timed_out", "interrupted"]


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """How an attempt ended.

    Attributes:
        status: ``succeeded``, ``failed``, or why it was cut short.
        error: What went wrong, unless it succeeded.
    """

    status: AttemptStatus
    error: JobRunError | None = None


def setup_code(env: Mapping[str, str], cwd: Path) -> str:
    """Code run silently in a kernel before the notebook: the run's variables and folder."""
    return (
        "import os as _mlx_os\n"
        f"_mlx_os.environ.update({json.dumps(dict(env))})\n"
        f"_mlx_os.chdir({json.dumps(str(cwd))})\n"
        "del _mlx_os\n"
    )


def _client_class() -> type:
    from nbclient import NotebookClient

    class JobNotebookClient(NotebookClient):  # type: ignore[misc]
        """nbclient's client, teeing what the kernel prints to the run's log."""

        run_log: RunLog | None = None

        def output(self, outs: list[Any], msg: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            if self.run_log is not None:
                content = msg.get("content", {})
                if msg.get("msg_type") == "stream":
                    self.run_log.write(str(content.get("text", "")))
                elif msg.get("msg_type") == "error":
                    self.run_log.write(plain("\n".join(content.get("traceback", []))) + "\n")
            return super().output(outs, msg, *args, **kwargs)

    return JobNotebookClient


class AttemptExecution:
    """Executes one parameterized notebook in one kernel, cell by cell.

    Args:
        notebook: The parameterized notebook (an ``nbformat`` node), filled in as cells run.
        kernel: A fresh kernel, used for this attempt only.
        log: The run's log.
        on_progress: Called with the 1-based number of the code cell starting, and the total.
    """

    def __init__(
        self,
        notebook: Any,
        kernel: JobKernel,
        log: RunLog,
        on_progress: Callable[[int, int], None],
    ) -> None:
        from papermill.engines import NotebookExecutionManager

        self.manager = NotebookExecutionManager(notebook, progress_bar=False)
        self.notebook = self.manager.nb
        self.kernel = kernel
        self.log = log
        self.on_progress = on_progress
        self.code_cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
        self.current: int | None = None  # index of the cell executing

    async def run(
        self, setup: str, *, timeout: float | None, stop: asyncio.Event
    ) -> AttemptOutcome:
        """Execute every cell, unless ``stop`` is set or ``timeout`` seconds pass first.

        A stop or a timeout kills the kernel's process group before this returns.
        """
        started = time.monotonic()
        cells = asyncio.ensure_future(self._execute(setup))
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait(
                {cells, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopped.cancel()
        if cells.done():
            return cells.result()
        await self.kernel.kill()
        cells.cancel()
        with contextlib.suppress(BaseException):
            await cells
        self.manager.notebook_complete()
        where = self._where()
        if stop.is_set():
            return AttemptOutcome("stopped", JobRunError(message=f"Stopped{where}."))
        message = f"Did not finish within {timeout:g} s{where}; the kernel was stopped."
        self.log.line(f"timed out after {time.monotonic() - started:.1f} s")
        return AttemptOutcome("timed_out", JobRunError(message=message))

    def _where(self) -> str:
        if self.current is None:
            return " before the first cell ran"
        cell = self.notebook.cells[self.current]
        number = self._code_number(self.current)
        return f" while cell {number} of {self.code_cells} ran (In [{cell.execution_count}])"

    def _code_number(self, index: int) -> int:
        return sum(1 for cell in self.notebook.cells[: index + 1] if cell.cell_type == "code")

    async def _setup(self, code: str) -> None:
        client = self.kernel.client
        msg_id = client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + SETUP_TIMEOUT_S
        while True:
            reply = await client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"the kernel refused its set-up: {reply['content'].get('evalue')}")

    async def _execute(self, setup: str) -> AttemptOutcome:
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        client = _client_class()(self.notebook, km=self.kernel.manager, timeout=None)
        client.kc = self.kernel.client
        client.run_log = self.log
        self.notebook.metadata["language_info"] = self.kernel.language_info
        self.manager.notebook_start()
        try:
            await self._setup(setup)
            number = 0
            for index, cell in enumerate(self.notebook.cells):
                self.manager.cell_start(cell, index)
                if cell.cell_type == "code":
                    number += 1
                    self.current = index
                    self.on_progress(number, self.code_cells)
                    self.log.line(f"cell {number} of {self.code_cells}")
                try:
                    await client.async_execute_cell(cell, index, store_history=True)
                except CellExecutionError as exc:
                    self.manager.cell_exception(self.notebook.cells[index], index, exception=exc)
                    break
                finally:
                    self.manager.cell_complete(self.notebook.cells[index], index)
        except DeadKernelError:
            code = await self.kernel.exit_code()
            status = "unknown" if code is None else str(code)
            message = f"The kernel died{self._where()}; its exit code was {status}."
            self.manager.notebook_complete()
            return AttemptOutcome("failed", JobRunError(message=message, cell_index=self.current))
        except RuntimeError as exc:
            self.manager.notebook_complete()
            return AttemptOutcome("failed", JobRunError(message=f"The run failed: {exc}."))
        self.manager.notebook_complete()
        error = mark_error(self.notebook)
        return AttemptOutcome("succeeded") if error is None else AttemptOutcome("failed", error)


def mark_error(notebook: Any) -> JobRunError | None:
    """Find the first error of an executed notebook and mark it as papermill does.

    Papermill's banner goes on top ("An Exception was encountered at In [n]") and its anchor
    just above the failing cell. An exit by ``sys.exit(0)`` is no error.

    Returns:
        The error, its ``cell_index`` the failing cell's index in the marked notebook; None
        when every cell succeeded.
    """
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0"):
                continue
            count = cell.get("execution_count")
            banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(count))
            anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
            for marker in (banner, anchor):
                marker.metadata["tags"] = [ERROR_MARKER_TAG]
            notebook.cells.insert(index, anchor)
            notebook.cells.insert(0, banner)
            ename, evalue = str(output.get("ename", "")), str(output.get("evalue", ""))
            return JobRunError(
                message=f"Cell In [{count}] raised {ename}: {evalue}".rstrip(": "),
                cell_index=index + 2,
                cell_id=cell.get("id"),
                execution_count=count,
                ename=ename,
                evalue=evalue,
                traceback=[plain(line) for line in output.get("traceback", [])],
            )
    return None
