"""``python -m jupyter_mlx.serving --model URI [--port P] [--host H] [--batch-window-ms N]
[--max-batch-rows N] [--max-request-bytes N] [--name NAME] [--state-dir DIR]
[--reload-interval S] [--canary URI --canary-percent N]``: serve one model in the foreground.

Prints one JSON line when it answers requests; SIGINT or SIGTERM stops it. Refused input (a
URI that does not resolve, a port in use, a bad value) is one ``error:`` line on stderr and
exit status 2. ``models:/`` URIs resolve in the registry of ``MLFLOW_TRACKING_URI``; a
``models:/NAME@ALIAS`` URI is looked up again every ``--reload-interval`` seconds, and a new
version is swapped in once it has loaded and passed its smoke test.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import NoReturn

from ..errors import InvalidInput
from .options import (
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_MAX_BATCH_ROWS,
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_RELOAD_INTERVAL_S,
    HOST,
    ServeOptions,
)
from .server import serve

EXIT_REFUSED = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_REFUSED)


def main(argv: list[str] | None = None) -> int:
    """Parse the options and serve; the exit status."""
    parser = _Parser(prog="python -m jupyter_mlx.serving", description=__doc__)
    parser.add_argument(
        "--model", required=True, help="models:/NAME@ALIAS, runs:/ID/PATH or a path"
    )
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    parser.add_argument(
        "--host", default=HOST, help=f"the address to listen on (default: {HOST}, loopback only)"
    )
    parser.add_argument("--batch-window-ms", type=float, default=DEFAULT_BATCH_WINDOW_MS)
    parser.add_argument("--max-batch-rows", type=int, default=DEFAULT_MAX_BATCH_ROWS)
    parser.add_argument("--max-request-bytes", type=int, default=DEFAULT_MAX_REQUEST_BYTES)
    parser.add_argument("--name", help="the endpoint's name (default: the model URI)")
    parser.add_argument(
        "--state-dir", type=Path, help="write the request log (requests.jsonl) in this folder"
    )
    parser.add_argument(
        "--reload-interval",
        type=float,
        default=DEFAULT_RELOAD_INTERVAL_S,
        help="seconds between looks at a models:/NAME@ALIAS URI's alias (0: only when told)",
    )
    parser.add_argument("--canary", help="a second model answering --canary-percent of requests")
    parser.add_argument("--canary-percent", type=int, default=0, help="0-100 (default 0)")
    args = parser.parse_args(argv)
    # Reloads and refused versions are reported on stderr (the endpoint's process.log).
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("jupyter_mlx.serving")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        options = ServeOptions(
            port=args.port,
            host=args.host,
            batch_window_ms=args.batch_window_ms,
            max_batch_rows=args.max_batch_rows,
            max_request_bytes=args.max_request_bytes,
            name=args.name,
            state_dir=args.state_dir,
            reload_interval_s=args.reload_interval,
            canary_uri=args.canary,
            canary_percent=args.canary_percent,
        )
        serve(args.model, options)
    except InvalidInput as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
