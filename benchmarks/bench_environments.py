"""Environments: lock and install through jupyter-mlx against py-rattler alone and conda-lock.

The channel is the one the tests build offline (``tests/condachannel.py``): tiny
``noarch: generic`` packages packed with conda-package-handling and indexed by py-rattler, in a
``file://`` folder. The environment asks for ``gamma`` and ``epsilon``, which resolves to five
packages (alpha 2.0 of two versions, beta, gamma, delta, epsilon). Measured, in one process
after one unmeasured warm-up of each (imports aside), over ``--repeat`` repeats:

1. *Lock + install, ours*: ``EnvironmentService.lock`` then ``EnvironmentService.install``
   with the rattler solver, each repeat on a fresh server root and workspace (so a cold
   package cache, as a new environment has): solve, conda-lock.yml written and read back,
   lock archived, packages linked into a temporary prefix swapped in, stamp, state and log.
   Target: <= 0.2 s.
2. *No-op reinstall, ours*: ``EnvironmentService.install`` again with the same lock (the
   prefix's stamp already names it). Target: < 50 ms.
3. *The anchor, py-rattler alone*: ``rattler.solve`` then ``rattler.install`` of the same specs
   into a fresh prefix with a fresh package cache, nothing written besides the prefix.
4. *conda-lock's CLI* on the same environment.yml (``conda-lock lock`` then ``conda-lock
   install``), when ``find_conda_executable`` finds a conda, mamba or micromamba; else the
   JSON says none was found (conda-lock cannot solve without one).
5. *The pip flavour*, reported apart: a ``requirements.in`` of ``ipykernel`` locked by
   ``EnvironmentService.lock`` (``uv pip compile --generate-hashes``, from the package index
   through uv's warm cache) and installed by ``EnvironmentService.install`` (a venv, ``uv pip
   sync``, the ipykernel probe, the kernelspec ``mlx-<name>``), then its no-op reinstall.

Every step runs under a watchdog (``faulthandler.dump_traceback_later``): a step that hangs
past ``STEP_TIMEOUT_S`` prints where it was and ends the script. Subprocesses have timeouts.

Usage::

    python benchmarks/bench_environments.py [--repeat 20] [--pip-repeat 5] [--plot FILE]
        [--skip-pip]
"""

from __future__ import annotations

import argparse
import asyncio
import faulthandler
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tests"))

from condachannel import build_channel  # noqa: E402

from jupyter_mlx.config import Settings  # noqa: E402
from jupyter_mlx.environments.lock import current_platform, find_conda_executable  # noqa: E402
from jupyter_mlx.environments.service import EnvironmentService  # noqa: E402

SPECS = ("gamma", "epsilon")
PACKAGES = 5
NAME = "bench"
PIP_NAME = "benchpip"
PIP_REQUIREMENTS = ("ipykernel",)
#: Longest a step may take before the watchdog ends the script.
STEP_TIMEOUT_S = 300.0
#: Longest one conda-lock command may take (under the watchdog's limit, so it fails cleanly).
CONDA_LOCK_TIMEOUT_S = 240.0
TARGET_LOCK_INSTALL_MS = 200.0
TARGET_NOOP_MS = 50.0


@contextmanager
def watchdog(seconds: float = STEP_TIMEOUT_S) -> Iterator[None]:
    """Dump every thread's stack and exit if the block runs longer than ``seconds``."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def timed(fn: Callable[[], Any]) -> float:
    """Milliseconds ``fn`` took, under the watchdog."""
    with watchdog():
        began = time.perf_counter()
        fn()
        return (time.perf_counter() - began) * 1000


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
        "n": len(samples),
    }


def conda_spec(root: Path, channel: str) -> Path:
    """``envs/bench/environment.yml`` under ``root``, asking for :data:`SPECS` from ``channel``."""
    folder = root / "envs" / NAME
    folder.mkdir(parents=True)
    lines = [f"name: {NAME}", "channels:", f"  - {channel}", "dependencies:"]
    lines += [f"  - {spec}" for spec in SPECS]
    path = folder / "environment.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def fresh_service(scratch: Path) -> EnvironmentService:
    root = Path(tempfile.mkdtemp(dir=scratch, prefix="root-"))
    return EnvironmentService(Settings.resolve(root))


# --- 1 and 2: ours --------------------------------------------------------------------------


def ours_once(scratch: Path, channel: str) -> dict[str, float]:
    """One lock + install on a fresh workspace, then its no-op reinstall."""
    service = fresh_service(scratch)
    conda_spec(service.root, channel)
    lock_ms = timed(lambda: service.lock(NAME))
    install_ms = timed(lambda: service.install(NAME))
    environment = service.get(NAME)
    if environment.state != "ready" or environment.packages != PACKAGES:
        raise SystemExit(f"unexpected environment after install: {environment}")
    noop_ms = timed(lambda: service.install(NAME))
    if "nothing to do" not in service.log(NAME).text:
        raise SystemExit("the second install was not a no-op")
    shutil.rmtree(service.root, ignore_errors=True)
    return {"lock": lock_ms, "install": install_ms, "noop": noop_ms}


# --- 3: py-rattler alone --------------------------------------------------------------------


async def rattler_solve_install(channel: str, prefix: Path, cache: Path) -> tuple[float, float]:
    from rattler import MatchSpec, VirtualPackage, install, solve

    began = time.perf_counter()
    records = await asyncio.wait_for(
        solve(
            sources=[channel],
            specs=[MatchSpec(spec) for spec in SPECS],
            platforms=[current_platform(), "noarch"],
            virtual_packages=VirtualPackage.detect(),
        ),
        timeout=STEP_TIMEOUT_S,
    )
    solved = time.perf_counter()
    if len(records) != PACKAGES:
        raise SystemExit(f"py-rattler solved {len(records)} packages, not {PACKAGES}")
    await asyncio.wait_for(
        install(records, target_prefix=prefix, cache_dir=cache, show_progress=False),
        timeout=STEP_TIMEOUT_S,
    )
    return (solved - began) * 1000, (time.perf_counter() - solved) * 1000


def rattler_once(scratch: Path, channel: str) -> dict[str, float]:
    """py-rattler's solve and install into a fresh prefix with a fresh package cache."""
    folder = Path(tempfile.mkdtemp(dir=scratch, prefix="rattler-"))
    with watchdog():
        solve_ms, install_ms = asyncio.run(
            rattler_solve_install(channel, folder / "prefix", folder / "pkgs")
        )
    shutil.rmtree(folder, ignore_errors=True)
    return {"lock": solve_ms, "install": install_ms}


# --- 4: conda-lock's CLI --------------------------------------------------------------------


def conda_lock_once(scratch: Path, channel: str, exe: str) -> dict[str, float]:
    """``conda-lock lock`` then ``conda-lock install`` into a fresh prefix."""
    folder = Path(tempfile.mkdtemp(dir=scratch, prefix="conda-lock-"))
    spec = conda_spec(folder, channel)
    lock_file = spec.parent / "conda-lock.yml"
    base = [sys.executable, "-m", "conda_lock"]
    lock = [*base, "lock", "--conda", exe, "-f", str(spec), "-p", current_platform()]
    lock += ["--lockfile", str(lock_file)]
    install = [*base, "install", "--conda", exe, "-p", str(folder / "prefix"), str(lock_file)]

    def run(argv: list[str]) -> None:
        subprocess.run(argv, check=True, capture_output=True, timeout=CONDA_LOCK_TIMEOUT_S)

    result = {"lock": timed(lambda: run(lock)), "install": timed(lambda: run(install))}
    shutil.rmtree(folder, ignore_errors=True)
    return result


# --- 5: the pip flavour ---------------------------------------------------------------------


def pip_once(scratch: Path) -> dict[str, float]:
    """The pip flavour's lock (uv pip compile), install (venv, uv pip sync, kernel), no-op."""
    service = fresh_service(scratch)
    folder = service.root / "envs" / PIP_NAME
    folder.mkdir(parents=True)
    (folder / "requirements.in").write_text("\n".join(PIP_REQUIREMENTS) + "\n")
    lock_ms = timed(lambda: service.lock(PIP_NAME))
    install_ms = timed(lambda: service.install(PIP_NAME))
    environment = service.get(PIP_NAME)
    if environment.state != "ready" or environment.kernel != f"mlx-{PIP_NAME}":
        raise SystemExit(f"unexpected pip environment after install: {environment}")
    noop_ms = timed(lambda: service.install(PIP_NAME))
    packages = environment.packages
    shutil.rmtree(service.root, ignore_errors=True)
    return {"lock": lock_ms, "install": install_ms, "noop": noop_ms, "packages": packages}


# --- the whole ------------------------------------------------------------------------------


def repeat(fn: Callable[[], dict[str, float]], times: int) -> dict[str, Any]:
    """``fn`` once unmeasured (imports, caches), then ``times`` times; each key summarized,
    with ``total`` = lock + install."""
    first = fn()
    samples = [fn() for _ in range(times)]
    result: dict[str, Any] = {}
    for key in samples[0]:
        if key == "packages":
            result[key] = samples[0][key]
            continue
        result[key] = summary([sample[key] for sample in samples])
    result["total"] = summary([sample["lock"] + sample["install"] for sample in samples])
    result["first_total_ms"] = round(first["lock"] + first["install"], 1)
    return result


def versions() -> dict[str, str]:
    from importlib.metadata import version

    from jupyter_mlx.environments.lock import uv_executable

    uv = subprocess.run(
        [uv_executable(), "--version"], capture_output=True, text=True, timeout=60
    ).stdout.split()
    return {
        "python": platform.python_version(),
        "py-rattler": version("py-rattler"),
        "conda-lock": version("conda-lock"),
        "uv": uv[1] if len(uv) > 1 else "unknown",
    }


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conda = results["conda"]

    def split(entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
        return {"lock": entry["lock"], "install": entry["install"]}, entry["total"]

    noop = ({"noop": conda["ours"]["noop"]}, conda["ours"]["noop"])
    stacks = [("ours:\nlock + install", *split(conda["ours"]))]
    stacks.append(("py-rattler alone:\nsolve + install", *split(conda["rattler"])))
    if conda["conda_lock"].get("available"):
        stacks.append(("conda-lock CLI:\nlock + install", *split(conda["conda_lock"])))
    stacks.append(("ours: no-op\nreinstall", *noop))
    panels = 2 if "pip" in results else 1
    fig, axes = plt.subplots(
        1, panels, figsize=(4.4 * panels + 1.4, 3.6), squeeze=False, width_ratios=[3, 2][:panels]
    )
    colors = {"lock": "C0", "install": "C1", "noop": "C2"}
    names = {"lock": "lock / solve", "install": "install", "noop": "no-op reinstall"}

    def draw(
        ax: Any,
        entries: list[tuple[str, dict[str, Any], dict[str, float]]],
        unit: float,
        label: str,
    ) -> None:
        """Parts stacked (medians); the whole's min to max as an error bar."""
        seen: set[str] = set()
        for x, (_, parts, whole) in enumerate(entries):
            bottom = 0.0
            for part, summary_ in parts.items():
                value = summary_["median_ms"] / unit
                shown = names[part] if part not in seen else None
                ax.bar(x, value, bottom=bottom, color=colors[part], label=shown)
                seen.add(part)
                bottom += value
            median_ = whole["median_ms"] / unit
            spread = [[median_ - whole["min_ms"] / unit], [whole["max_ms"] / unit - median_]]
            ax.errorbar(x, median_, yerr=spread, color="black", capsize=3)
            ax.annotate(
                f"{median_:.3g}",
                (x, whole["max_ms"] / unit),
                textcoords="offset points",
                xytext=(0, 3),
                ha="center",
                fontsize=8,
            )
        ax.set_xticks(range(len(entries)), [name for name, _, _ in entries], fontsize=8)
        ax.set_ylabel(label)
        ax.legend(fontsize=7, loc="upper right")

    ax = axes[0][0]
    draw(ax, stacks, 1, "ms (median; bar: min to max)")
    ax.axhline(TARGET_LOCK_INSTALL_MS, color="grey", linewidth=0.8, linestyle="--")
    ax.axhline(TARGET_NOOP_MS, color="grey", linewidth=0.8, linestyle=":")
    ax.set_title(f"Conda: {PACKAGES} tiny packages, file:// channel (targets dashed)", fontsize=9)
    if "pip" in results:
        pip = results["pip"]
        entries = [("lock (uv pip compile)\n+ install (venv, sync)", *split(pip))]
        entries.append(("no-op\nreinstall", {"noop": pip["noop"]}, pip["noop"]))
        draw(axes[0][1], entries, 1000, "s (median; bar: min to max)")
        axes[0][1].set_title(f"Pip flavour: ipykernel ({pip['packages']} packages)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--pip-repeat", type=int, default=5)
    parser.add_argument("--skip-pip", action="store_true", help="skip the pip flavour")
    parser.add_argument("--plot", type=Path, help="write a bar chart of the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mlx-bench-env-") as tmp:
        scratch = Path(tmp)
        with watchdog():
            channel = build_channel(scratch / "channel")
        results: dict[str, Any] = {
            "date": date.today().isoformat(),
            "cores": len(os.sched_getaffinity(0)),
            "load_at_start": round(os.getloadavg()[0], 2),
            "versions": versions(),
            "platform": current_platform(),
            "environment": {"specs": list(SPECS), "packages": PACKAGES, "channel": "file://"},
        }
        ours = repeat(lambda: ours_once(scratch, channel), args.repeat)
        anchor = repeat(lambda: rattler_once(scratch, channel), args.repeat)
        exe = find_conda_executable()
        if exe is None:
            conda_lock: dict[str, Any] = {
                "available": False,
                "reason": "no conda, mamba or micromamba executable found: conda-lock cannot "
                "solve without one",
            }
        else:
            conda_lock = {"available": True, "executable": exe}
            conda_lock.update(repeat(lambda: conda_lock_once(scratch, channel, exe), 3))
        overhead = ours["total"]["median_ms"] - anchor["total"]["median_ms"]
        results["conda"] = {
            "ours": ours,
            "rattler": anchor,
            "conda_lock": conda_lock,
            "overhead_median_ms": round(overhead, 1),
            "targets": {
                "lock_install_ms": TARGET_LOCK_INSTALL_MS,
                "lock_install_met": ours["total"]["median_ms"] <= TARGET_LOCK_INSTALL_MS,
                "noop_ms": TARGET_NOOP_MS,
                "noop_met": ours["noop"]["median_ms"] < TARGET_NOOP_MS,
            },
        }
        if not args.skip_pip:
            results["pip"] = repeat(lambda: pip_once(scratch), args.pip_repeat)
            results["pip"]["requirements"] = list(PIP_REQUIREMENTS)
    print(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
