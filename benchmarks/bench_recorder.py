"""What recording a kernel's cells for the notebook snapshot costs.

Two python3 kernels run the same cells, one plain (the anchor) and one after
``%load_ext jupyter_mlx``, whose recorder hears every output message:

- ``print``: one cell printing 200,000 lines (streams, flushed in batches by ipykernel);
- ``display``: one cell sending 2,000 ``display_data`` outputs;
- ``update``: one cell updating one display 2,000 times (a progress bar);
- ``snapshot``: building the snapshot of the recorded cells (in the recording kernel only).

Each cell is timed from ``execute_request`` to the kernel's idle status, as a front-end sees it,
the two kernels taking turns; the median of ``--repeat`` runs is reported.
Goal: the recorder adds under 10% to any cell.

Usage::

    python benchmarks/bench_recorder.py [--repeat 5] [--plot FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ANCHOR = "plain kernel (anchor)"
RECORDING = "recording kernel"

CELLS = {
    "print": "for i in range(200_000):\n    print(i)",
    "display": "from IPython.display import display\nfor i in range(2_000):\n    display(i)",
    "update": (
        "from IPython.display import display\nh = display('0', display_id=True)\n"
        "for i in range(2_000):\n    h.update(str(i))"
    ),
}
SNAPSHOT = (
    "import time\nfrom jupyter_mlx.tracking.recorder import CellRecorder, build_snapshot\n"
    "recorder = CellRecorder.of(get_ipython())\nstarted = time.perf_counter()\n"
    "built = build_snapshot(None, recorder.executions())\n"
    "print((time.perf_counter() - started) * 1000)"
)


def timed(client: Any, code: str) -> tuple[float, str]:
    """Milliseconds from sending ``code`` to the kernel going idle, and what it printed."""
    printed: list[str] = []

    def output(message: dict[str, Any]) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    started = time.perf_counter()
    client.execute_interactive(code, output_hook=output, timeout=300)
    return (time.perf_counter() - started) * 1000, "".join(printed)


def start_kernel(recording: bool) -> tuple[Any, Any]:
    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLX_", "JPY_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    if recording:
        timed(client, "%load_ext jupyter_mlx")
    return manager, client


def measure(repeat: int) -> dict[str, dict[str, float]]:
    """Median cell times of both kernels, run in turns so that machine noise hits both."""
    kernels = {ANCHOR: start_kernel(False), RECORDING: start_kernel(True)}
    samples: dict[str, dict[str, list[float]]] = {k: {n: [] for n in CELLS} for k in kernels}
    try:
        for _ in range(repeat):
            for name, code in CELLS.items():
                for label, (_, client) in kernels.items():
                    samples[label][name].append(timed(client, code)[0])
        results = {
            label: {name: statistics.median(times) for name, times in cells.items()}
            for label, cells in samples.items()
        }
        client = kernels[RECORDING][1]
        results[RECORDING]["snapshot"] = statistics.median(
            float(timed(client, SNAPSHOT)[1]) for _ in range(repeat)
        )
        return results
    finally:
        for manager, client in kernels.values():
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def plot(results: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(CELLS)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    width = 0.38
    for offset, (label, values) in zip((-width / 2, width / 2), results.items(), strict=True):
        positions = [i + offset for i in range(len(names))]
        bars = ax.bar(positions, [values[n] for n in names], width, label=label)
        ax.bar_label(bars, fmt="%.0f", fontsize=8)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("cell time (ms, median)")
    ax.set_title("A cell's time with and without the snapshot recorder")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plot", type=Path)
    args = parser.parse_args()
    results = measure(args.repeat)
    print(json.dumps(results, indent=2))
    anchor, recording = results[ANCHOR], results[RECORDING]
    for name in CELLS:
        print(f"{name}: {recording[name] / anchor[name] - 1:+.1%} with the recorder")
    if args.plot:
        plot(results, args.plot)


if __name__ == "__main__":
    main()
