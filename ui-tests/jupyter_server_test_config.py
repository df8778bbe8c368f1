"""Jupyter server configuration of the jupyter-mlx browser tests.

Galata's helper sets a temporary server root, no token and port 8888 (or
``MLX_UI_TEST_PORT``). The
jupyter-mlx workspace is a fresh temporary folder too: the tests read its path
from the environment variable ``MLX_UI_TEST_WORKSPACE`` (set by
``playwright.config.js``), which this file creates when it is unset.
"""

import os
import tempfile

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (`c` is given by the config loader)

c.ServerApp.port = int(os.environ.get("MLX_UI_TEST_PORT", "8888"))  # noqa: F821

# Test machines and containers often run as root.
c.ServerApp.allow_root = True  # noqa: F821

workspace = os.environ.get("MLX_UI_TEST_WORKSPACE") or tempfile.mkdtemp(prefix="mlx-ui-test-")
os.makedirs(workspace, exist_ok=True)
os.environ["MLX_UI_TEST_WORKSPACE"] = workspace
c.MLXApp.workspace_dir = workspace  # noqa: F821
