"""A local conda channel built offline: tiny ``noarch: generic`` packages, indexed by rattler."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import warnings
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

#: (name, version, depends) of the packages of the test channel: two versions of ``alpha``,
#: and a chain gamma -> beta -> alpha >=2.
PACKAGES = [
    ("alpha", "1.0", []),
    ("alpha", "2.0", []),
    ("beta", "1.0", ["alpha >=2"]),
    ("gamma", "0.1", ["beta"]),
    ("delta", "3.1", []),
    ("epsilon", "0.5", ["delta >=3"]),
]


def build_package(
    channel: Path,
    name: str,
    version: str,
    depends: list[str],
    files: dict[str, str] | None = None,
) -> Path:
    """Pack one package into ``channel/noarch``: ``share/<name>/VERSION``, or ``files`` (path
    in the prefix -> text; those under bin/ are executable)."""
    from conda_package_handling import api

    payloads = files or {f"share/{name}/VERSION": version}
    with TemporaryDirectory() as tmp:
        src = Path(tmp)
        (src / "info").mkdir()
        for path, text in payloads.items():
            (src / path).parent.mkdir(parents=True, exist_ok=True)
            (src / path).write_text(text)
            if path.startswith("bin/"):
                (src / path).chmod(0o755)
        index = {
            "name": name,
            "version": version,
            "build": "0",
            "build_number": 0,
            "depends": depends,
            "noarch": "generic",
            "subdir": "noarch",
            "license": "BSD-3-Clause",
            "timestamp": 1_700_000_000_000,
        }
        (src / "info/index.json").write_text(json.dumps(index))
        entries = [
            {
                "_path": path,
                "path_type": "hardlink",
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "size_in_bytes": len(text.encode()),
            }
            for path, text in payloads.items()
        ]
        (src / "info/paths.json").write_text(json.dumps({"paths_version": 1, "paths": entries}))
        (src / "info/files").write_text("".join(path + "\n" for path in payloads))
        out = channel / "noarch"
        out.mkdir(parents=True, exist_ok=True)
        api.create(str(src), None, f"{name}-{version}-0.conda", out_folder=str(out))
    return out / f"{name}-{version}-0.conda"


def build_python_launcher(channel: Path, version: str = "1.0") -> Path:
    """Pack ``pylaunch``: a ``bin/python`` that runs this test interpreter.

    No conda ``python`` package can be had offline; this one gives an environment of the test
    channel a Python that has ipykernel and MLflow, so it gets a kernel as a real one would.
    """
    script = f'#!/bin/sh\nexec "{sys.executable}" "$@"\n'
    return build_package(channel, "pylaunch", version, [], {"bin/python": script})


def index(channel: Path) -> None:
    """Write the channel's repodata.json (again, after packages were added)."""
    from rattler.index import index_fs

    asyncio.run(index_fs(channel, write_zst=False, write_shards=False, force=True))


def build_channel(channel: Path, packages: list[tuple[str, str, list[str]]] | None = None) -> str:
    """Build the test channel at ``channel`` and return its ``file://`` URL."""
    for name, version, depends in packages or PACKAGES:
        build_package(channel, name, version, depends)
    index(channel)
    return channel.resolve().as_uri()


def parse_conda_lock(path: Path) -> Any:
    """``path`` read by conda-lock's own parser (its import warns of its vendored code)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from conda_lock.lockfile import parse_conda_lock_file

    return parse_conda_lock_file(path)
