"""Kernelspecs of environments: ``mlx-<name>``, shown in JupyterLab's launcher and kernel picker.

An installed environment that holds ipykernel gets a kernelspec in the workspace's kernels
folder (:attr:`jupyter_mlx.config.Settings.kernels_dir`), which the server's kernel spec
manager and job runs search. Its kernels carry ``MLX_ENV_NAME`` and ``MLX_ENV_LOCK_SHA256``,
which tracked runs record as the ``mlx.env.*`` tags.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from .install import python_of

KERNEL_PREFIX = "mlx-"
ENV_NAME_VAR = "MLX_ENV_NAME"
ENV_LOCK_VAR = "MLX_ENV_LOCK_SHA256"


def kernel_name(environment: str) -> str:
    """The kernelspec name of an environment."""
    return f"{KERNEL_PREFIX}{environment}".lower()


def has_ipykernel(prefix: Path) -> bool:
    """Whether the prefix has a Python that finds ipykernel (asked without importing it)."""
    python = python_of(prefix)
    if not python.exists():
        return False
    probe = "import importlib.util, sys; sys.exit(importlib.util.find_spec('ipykernel') is None)"
    try:
        return subprocess.run([str(python), "-c", probe], timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def write_kernelspec(
    kernels_dir: Path,
    environment: str,
    prefix: Path,
    lock_sha256: str,
    variables: Mapping[str, str] | None = None,
    kernel: str | None = None,
) -> str:
    """Write (or replace) the kernelspec of an environment and return its name."""
    name = kernel or kernel_name(environment)
    spec = {
        "argv": [str(python_of(prefix)), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python (mlx: {environment})",
        "language": "python",
        "env": {**(variables or {}), ENV_NAME_VAR: environment, ENV_LOCK_VAR: lock_sha256},
        "metadata": {"mlx": {"environment": environment, "prefix": str(prefix)}},
    }
    folder = kernels_dir / name
    tmp = kernels_dir / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "kernel.json").write_text(json.dumps(spec, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return name


def installed_kernel(kernels_dir: Path, environment: str, kernel: str | None = None) -> str | None:
    """The kernelspec name of an environment when one is written, else None."""
    name = kernel or kernel_name(environment)
    return name if (kernels_dir / name / "kernel.json").is_file() else None


def remove_kernelspec(kernels_dir: Path, environment: str, kernel: str | None = None) -> None:
    """Remove an environment's kernelspec (nothing when it has none)."""
    shutil.rmtree(kernels_dir / (kernel or kernel_name(environment)), ignore_errors=True)
