"""``%mlx_serve`` and ``%mlx_predict``: endpoints from a notebook, through the server that owns
the kernel's workspace (a kernel it started finds it through ``MLX_SERVER_URL`` and
``MLX_SERVER_TOKEN``; any other shell through Jupyter's runtime files)."""

from __future__ import annotations

import json
import sys
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from ..config import Settings
from ..errors import MLXError

#: Most characters of predictions printed; the rest is elided.
SHOWN_CHARS = 2000


def say(message: str) -> None:
    """Print one line for the user, marked as coming from jupyter-mlx."""
    sys.stdout.write(f"mlx: {message}\n")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _server() -> Any:
    """The endpoints of the server that owns this kernel's workspace (refused without one)."""
    from .client import ServerEndpoints

    return ServerEndpoints.require(Settings.for_process())


@magics_class
class EndpointMagics(Magics):
    """``%mlx_serve`` and ``%mlx_predict``."""

    @magic_arguments()
    @argument("name", help="The endpoint's name.")
    @argument("--model", required=True, help="models:/NAME@ALIAS, models:/NAME/VERSION, ...")
    @argument("--port", type=int, default=0, help="Port on 127.0.0.1 (default: a free one).")
    @line_magic
    def mlx_serve(self, line: str = "") -> Any:
        """Serve a model as an endpoint supervised by the Jupyter server; waits until it
        answers, then prints its URL through the server and its direct URL."""
        from pydantic import ValidationError

        from ..errors import invalid_input
        from .client import checked_name
        from .schemas import CreateEndpoint

        args = parse_argstring(self.mlx_serve, line)
        options = {"model_uri": "--model", "port": "--port"}
        try:
            request = CreateEndpoint(
                name=checked_name(_unquote(args.name)),
                model_uri=_unquote(args.model),
                port=args.port,
            )
            endpoints = _server()
            endpoint = endpoints.create(request)
            say(f"endpoint {endpoint.name} starting: {endpoint.model_uri}")
            endpoint = endpoints.wait(endpoint)
        except ValidationError as exc:
            message = invalid_input(exc, name=lambda f: options.get(f, f"--{f}")).message
            raise UsageError(message) from None
        except MLXError as exc:
            field = options.get(exc.field or "")
            prefix = f"{field}: " if field and not exc.message.startswith(field) else ""
            raise UsageError(prefix + exc.message) from None
        if endpoint.state != "running":
            tail = "\n".join(f"  {line}" for line in endpoint.log_tail)
            reason = " ".join((endpoint.last_error or endpoint.state).split())
            raise UsageError(
                f"Endpoint {endpoint.name} {endpoint.state}: {reason}\n{tail}".rstrip()
            )
        say(f"endpoint {endpoint.name} running")
        say(f"through the server: {endpoints.proxy_url(endpoint.name)}invocations")
        say(f"direct (this machine): {endpoint.url}/invocations")
        return None

    @magic_arguments()
    @argument("name", help="The endpoint's name.")
    @argument("variable", help="A DataFrame, array, list or dict in the namespace.")
    @line_magic
    def mlx_predict(self, line: str = "") -> Any:
        """Send a variable to an endpoint through the server's proxy (a DataFrame as
        dataframe_split, an array or a list as inputs); prints the latency and the
        predictions."""
        from .client import request_body

        args = parse_argstring(self.mlx_predict, line)
        namespace = self.shell.user_ns if self.shell is not None else {}
        if args.variable not in namespace:
            raise UsageError(f"No variable {args.variable} in this kernel.")
        try:
            body = request_body(namespace[args.variable])
            answer = _server().predict(_unquote(args.name), body)
        except MLXError as exc:
            # The scoring server's messages (MLflow's own) may span lines: one line here.
            raise UsageError(" ".join(exc.message.split())) from None
        shown = json.dumps(answer.predictions)
        if len(shown) > SHOWN_CHARS:
            shown = shown[:SHOWN_CHARS] + " ..."
        say(f"{args.name} answered in {answer.latency_ms:.1f} ms")
        print(shown)
        return None


__all__ = ["EndpointMagics"]
