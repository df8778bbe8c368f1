"""A local conda channel built offline: tiny ``noarch: generic`` packages, indexed by rattler."""

from __future__ import annotations

import asyncio
import hashlib
import json
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


def build_package(channel: Path, name: str, version: str, depends: list[str]) -> Path:
    """Pack one package holding ``share/<name>/VERSION`` into ``channel/noarch``."""
    from conda_package_handling import api

    with TemporaryDirectory() as tmp:
        src = Path(tmp)
        payload = f"share/{name}/VERSION"
        (src / "info").mkdir()
        (src / payload).parent.mkdir(parents=True)
        (src / payload).write_text(version)
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
        entry = {
            "_path": payload,
            "path_type": "hardlink",
            "sha256": hashlib.sha256(version.encode()).hexdigest(),
            "size_in_bytes": len(version),
        }
        (src / "info/paths.json").write_text(json.dumps({"paths_version": 1, "paths": [entry]}))
        (src / "info/files").write_text(payload + "\n")
        out = channel / "noarch"
        out.mkdir(parents=True, exist_ok=True)
        api.create(str(src), None, f"{name}-{version}-0.conda", out_folder=str(out))
    return out / f"{name}-{version}-0.conda"


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
