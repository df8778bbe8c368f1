"""Importing jupyter_mlx (as Jupyter Server and IPython do at start) stays light."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["mlflow", "torch", "pandas", "papermill", "dask", "sklearn"]


def test_importing_the_extension_loads_no_heavy_library() -> None:
    code = (
        "import json, sys\n"
        "import jupyter_mlx, jupyter_mlx.app, jupyter_mlx.magics, jupyter_mlx.cli\n"
        "jupyter_mlx._jupyter_server_extension_points()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []
