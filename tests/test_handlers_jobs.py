from __future__ import annotations

import json, sys, time
from pathlib import Path

import nbformat
import pytest
from conftest import mlx_server_config
import os
KERNEL=os.environ.get("K","stall")


@pytest.fixture
def stall_kernel(jp_data_dir: Path) -> str:
    folder = jp_data_dir / "kernels" / "stall"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import time; time.sleep(120)"],
        "display_name": "Stall", "language": "python"}))
    return "stall"


@pytest.fixture
def jp_server_config(mlx_workspace: Path, stall_kernel: str) -> dict:
    return mlx_server_config(mlx_workspace, warm_kernels=0)


def write_nb(root: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("epochs = 3\nlr = 0.1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(epochs, lr)")]
    nbformat.write(nb, root / "train.ipynb")


async def test_proto(jp_fetch, jp_root_dir, jp_serverapp) -> None:
    write_nb(jp_root_dir)
    await jp_serverapp.extension_manager.start_all_extensions()
    t = time.monotonic()
    r = await jp_fetch("mlx", "api", "notebooks", "parameters", params={"path": "train.ipynb"})
    print(json.loads(r.body))
    r = await jp_fetch("mlx", "api", "job-runs", method="POST", body=json.dumps({"notebook": "train.ipynb", "kernel": KERNEL}))
    print(r.code, json.loads(r.body)["status"], time.monotonic() - t)
    import asyncio
    for _ in range(40):
        r = await jp_fetch("mlx", "api", "job-runs", params={})
        b = json.loads(r.body)
        print(time.monotonic() - t, b["runs"][0]["status"], b["runs"][0]["mlflow_run_id"])
        if b["runs"][0]["status"] not in ("queued","running"): break
        await asyncio.sleep(0.25)
    r = await jp_fetch("mlx", "api", "job-runs", b["runs"][0]["id"], "stop", method="POST", body="")
    print(time.monotonic() - t, json.loads(r.body)["status"])
