"""jupyter-mlx: the machine-learning lifecycle inside JupyterLab.

This module is imported by Jupyter Server and IPython at start, so it imports nothing
heavy: MLflow, torch, pandas, papermill and Dask are imported where they are used.
"""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # a source tree that was never built or installed
    __version__ = "0.0.0"

__all__ = ["__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-mlx"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import MLXApp

    return [{"module": "jupyter_mlx", "app": MLXApp}]


def load_ipython_extension(ipython: Any) -> None:
    """Entry point of ``%load_ext jupyter_mlx``: registers the jupyter-mlx magics."""
    from .magics import register_magics

    register_magics(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Entry point of ``%unload_ext jupyter_mlx``."""
    from .magics import unregister_magics

    unregister_magics(ipython)
