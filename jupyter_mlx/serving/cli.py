"""``jupyter mlx endpoints ...``: endpoints from a shell.

Creating, stopping, restarting, splitting and deleting go through the API of the Jupyter
server that serves the root (it supervises the processes); without one they are refused.
``list``, ``show`` and ``export`` also read the workspace's store when no server runs.
Registered in :class:`jupyter_mlx.cli.MLXCommand` by name, so ``jupyter mlx`` imports this
module only when an endpoints command runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traitlets import Bool, Float, Integer, Unicode

from ..cli import EXIT_FAILED, CommandGroup, MLXCommandBase
from ..errors import InvalidInput, invalid_input
from .options import DEFAULT_BATCH_WINDOW_MS, DEFAULT_MAX_BATCH_ROWS

if TYPE_CHECKING:
    from .client import ServerEndpoints
    from .schemas import Endpoint

_THROUGH_SERVER = (
    "The command goes through the API of the Jupyter server with jupyter-mlx that serves the "
    "root, which supervises the endpoint's process; without one it is refused."
)
_READS_HERE = (
    "Through the server that serves the root when one runs; else the workspace's store is read "
    "(every endpoint is stopped then)."
)
_EXIT_STATUS = (
    "Exit status: 0 when done; 1 when {failed}; 2 when the input is refused ({what}), or when "
    "no server serves the root."
)
_READ_EXIT_STATUS = (
    "Exit status: 0 when done; 1 when the server or the store cannot be reached; 2 when the "
    "input is refused ({what}), or when there is no workspace."
)


class _EndpointCommand(MLXCommandBase):
    """A command on the workspace's endpoints."""

    takes_arguments = True
    field_options = {
        "model_uri": "--model",
        "port": "--port",
        "batch_window_ms": "--batch-window-ms",
        "max_batch_rows": "--max-batch-rows",
        "canary_model_uri": "--canary",
        "canary_percent": "--percent",
    }

    def parse_command_line(self, argv: list[str] | None = None) -> None:
        # argparse takes positional arguments only before the options: `export NAME --to
        # docker DIR` has DIR after them, so the positional words are moved first.
        args = list(sys.argv[1:] if argv is None else argv)
        _, aliases = self.flatten_flags()
        valued = {
            f"--{name}" for key in aliases for name in ([key] if isinstance(key, str) else key)
        }
        positional: list[str] = []
        options: list[str] = []
        words = iter(args)
        for word in words:
            if word == "--":
                positional.extend(words)
            elif word.startswith("-") and word != "-":
                options.append(word)
                if word in valued:
                    following = next(words, None)
                    if following is not None:
                        options.append(following)
            else:
                positional.append(word)
        super().parse_command_line(positional + options)

    def server(self) -> ServerEndpoints:
        """The endpoints of the server serving the root; refused (exit 2) without one."""
        from .client import ServerEndpoints

        return ServerEndpoints.require(self.workspace_settings())

    def endpoint_name(self) -> str:
        """The one positional argument, NAME."""
        from .client import checked_name

        if len(self.extra_args) != 1:
            raise InvalidInput("Give exactly one endpoint NAME.", field="name")
        return checked_name(str(self.extra_args[0]))

    def validated(self, schema: Any, **values: Any) -> Any:
        """A request from the command's values, a refused one naming its option."""
        from pydantic import ValidationError

        def option(field: str) -> str:
            head = field.split(".")[0]
            return self.field_options.get(head, "--" + head.replace("_", "-"))

        try:
            return schema.model_validate(values)
        except ValidationError as exc:
            raise invalid_input(exc, name=option) from exc

    def report(self, endpoint: Endpoint, proxy_url: str | None = None) -> int:
        """Print the endpoint; exit 1, its error and log tail on stderr, when it failed."""
        print(
            endpoint.model_dump_json(indent=2)
            if self.json
            else format_endpoint(endpoint, proxy_url)
        )
        if endpoint.state != "failed":
            return 0
        for line in endpoint.log_tail:
            print(f"  {line}", file=sys.stderr)
        reason = " ".join((endpoint.last_error or "its process keeps exiting").split())
        print(f"error: endpoint {endpoint.name} failed: {reason}", file=sys.stderr)
        return EXIT_FAILED


class _WaitingCommand(_EndpointCommand):
    """A command starting an endpoint, waiting until it runs unless ``--no-wait``."""

    flags = {
        **MLXCommandBase.flags,
        "no-wait": (
            {"_WaitingCommand": {"wait": False}},
            "Answer at once, while the endpoint is starting.",
        ),
    }
    wait = Bool(True, config=True, help="Wait until the endpoint runs or fails.")
    timeout = Float(300.0, config=True, help="Seconds to wait for it to run.")

    def started(self, endpoints: ServerEndpoints, endpoint: Endpoint) -> int:
        """Wait for a starting endpoint (its state changes on stderr), then report it."""
        if self.wait:
            endpoint = endpoints.wait(endpoint, timeout=self.timeout, on_change=_say_state)
        return self.report(endpoint, endpoints.proxy_url(endpoint.name))


def _say_state(endpoint: Endpoint) -> None:
    print(f"endpoint {endpoint.name} {endpoint.state}", file=sys.stderr, flush=True)


class EndpointsCreateCommand(_WaitingCommand):
    """Create an endpoint serving a model, and start it."""

    name = "jupyter-mlx-endpoints-create"
    command = "endpoints create"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints create NAME --model URI [--port P] "
        "[--batch-window-ms N] [--max-batch-rows N] [--no-wait] [--json]\n\n"
        "URI is models:/NAME@ALIAS (the endpoint follows the alias as it moves), "
        "models:/NAME/VERSION, runs:/RUN_ID/PATH or a folder holding an MLmodel. The endpoint "
        "listens on 127.0.0.1 (a free port without --port) and is reached through the server at "
        "mlx/endpoints/NAME/. The command waits until it answers (its state changes on stderr) "
        "unless --no-wait. "
        + _THROUGH_SERVER
        + "\n\n"
        + _EXIT_STATUS.format(
            failed="the endpoint failed to start (its last log lines on stderr)",
            what="a bad name, a URI that does not resolve, a port in use, a name taken",
        )
    )
    aliases = {
        **MLXCommandBase.aliases,
        "model": "EndpointsCreateCommand.model",
        "port": "EndpointsCreateCommand.port",
        "batch-window-ms": "EndpointsCreateCommand.batch_window_ms",
        "max-batch-rows": "EndpointsCreateCommand.max_batch_rows",
    }
    model = Unicode("", config=True, help="The model URI to serve.")
    port = Integer(0, config=True, help="The port on 127.0.0.1 (default: a free one).")
    batch_window_ms = Float(
        DEFAULT_BATCH_WINDOW_MS, config=True, help="Batch window in ms (0: no batching)."
    )
    max_batch_rows = Integer(
        DEFAULT_MAX_BATCH_ROWS, config=True, help="The most rows one batched predict takes."
    )

    def run(self) -> int:
        from .schemas import CreateEndpoint

        name = self.endpoint_name()
        if not self.model:
            raise InvalidInput("Give the model to serve: --model URI.", field="model_uri")
        request = self.validated(
            CreateEndpoint,
            name=name,
            model_uri=self.model,
            port=self.port,
            batch_window_ms=self.batch_window_ms,
            max_batch_rows=self.max_batch_rows,
        )
        endpoints = self.server()
        return self.started(endpoints, endpoints.create(request))


class EndpointsRestartCommand(_WaitingCommand):
    """Restart an endpoint (a stopped or failed one too), reloading its model."""

    name = "jupyter-mlx-endpoints-restart"
    command = "endpoints restart"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints restart NAME [--no-wait] [--json]\n\n"
        "Waits until it answers unless --no-wait. "
        + _THROUGH_SERVER
        + "\n\n"
        + _EXIT_STATUS.format(
            failed="the endpoint failed to start (its last log lines on stderr)",
            what="no NAME or an unknown one",
        )
    )

    def run(self) -> int:
        name = self.endpoint_name()
        endpoints = self.server()
        return self.started(endpoints, endpoints.restart(name))


class EndpointsStopCommand(_EndpointCommand):
    """Stop an endpoint's process; it is kept, and `restart` starts it again."""

    name = "jupyter-mlx-endpoints-stop"
    command = "endpoints stop"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints stop NAME [--json]\n\n"
        + _THROUGH_SERVER
        + "\n\n"
        + _EXIT_STATUS.format(
            failed="the server cannot be reached", what="no NAME or an unknown one"
        )
    )

    def run(self) -> int:
        endpoints = self.server()
        return self.report(endpoints.stop(self.endpoint_name()))


class EndpointsDeleteCommand(_EndpointCommand):
    """Stop an endpoint and remove it."""

    name = "jupyter-mlx-endpoints-delete"
    command = "endpoints delete"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints delete NAME [--json]\n\n"
        + _THROUGH_SERVER
        + "\n\n"
        + _EXIT_STATUS.format(
            failed="the server cannot be reached", what="no NAME or an unknown one"
        )
    )

    def run(self) -> int:
        name = self.endpoint_name()
        self.server().delete(name)
        print(json.dumps({"deleted": name}) if self.json else f"Deleted endpoint {name}.")
        return 0


class EndpointsListCommand(_EndpointCommand):
    """List the endpoints with their state, model and versions."""

    name = "jupyter-mlx-endpoints-list"
    command = "endpoints list"
    takes_arguments = False
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints list [--json]\n\n"
        + _READS_HERE
        + "\n\n"
        + _READ_EXIT_STATUS.format(what="an option")
    )

    def run(self) -> int:
        from .client import endpoints_for

        with endpoints_for(self.workspace_settings()) as endpoints:
            listing = endpoints.list()
        if self.json:
            print(json.dumps([e.model_dump(mode="json") for e in listing.endpoints], indent=2))
        else:
            print(format_endpoints(listing.endpoints))
        return 0


class EndpointsShowCommand(_EndpointCommand):
    """Show an endpoint: its state, the versions it serves, its canary, URLs and errors."""

    name = "jupyter-mlx-endpoints-show"
    command = "endpoints show"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints show NAME [--json]\n\n"
        + _READS_HERE
        + "\n\n"
        + _READ_EXIT_STATUS.format(what="no NAME or an unknown one")
    )

    def run(self) -> int:
        from .client import ServerEndpoints, endpoints_for

        name = self.endpoint_name()
        with endpoints_for(self.workspace_settings()) as endpoints:
            endpoint = endpoints.get(name)
            proxy = endpoints.proxy_url(name) if isinstance(endpoints, ServerEndpoints) else None
        print(endpoint.model_dump_json(indent=2) if self.json else format_endpoint(endpoint, proxy))
        return 0


class EndpointsSplitCommand(_EndpointCommand):
    """Send a share of an endpoint's requests to a canary model; promote or drop it."""

    name = "jupyter-mlx-endpoints-split"
    command = "endpoints split"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints split NAME --canary URI --percent N | "
        "--percent N | --drop | --promote [--json]\n\n"
        "--canary loads a second model beside the endpoint's and sends it N percent of the "
        "requests (--percent alone changes the share of the canary it has). --promote makes "
        "the canary's version the primary (an alias the endpoint serves moves to it, recorded "
        "in the alias history) and drops the canary; --drop drops it. The endpoint must be "
        "running. "
        + _THROUGH_SERVER
        + "\n\n"
        + _EXIT_STATUS.format(
            failed="the server cannot be reached",
            what="no change or two, a URI that does not resolve, an endpoint not running",
        )
    )
    aliases = {
        **MLXCommandBase.aliases,
        "canary": "EndpointsSplitCommand.canary",
        "percent": "EndpointsSplitCommand.percent",
    }
    flags = {
        **MLXCommandBase.flags,
        "drop": ({"EndpointsSplitCommand": {"drop": True}}, "Drop the canary."),
        "promote": (
            {"EndpointsSplitCommand": {"promote": True}},
            "Make the canary's version the primary.",
        ),
    }
    canary = Unicode("", config=True, help="The canary's model URI.")
    percent = Integer(None, allow_none=True, config=True, help="Percent of requests (0-100).")
    drop = Bool(False, config=True, help="Drop the canary.")
    promote = Bool(False, config=True, help="Make the canary's version the primary.")

    def change(self) -> dict[str, Any]:
        """The body of the change asked for; refused unless exactly one is."""
        chosen = [
            option
            for option, given in (
                ("--canary/--percent", bool(self.canary) or self.percent is not None),
                ("--drop", self.drop),
                ("--promote", self.promote),
            )
            if given
        ]
        if len(chosen) != 1:
            raise InvalidInput(
                "Give one change: --canary URI --percent N, --percent N, --drop or --promote.",
                field="change",
            )
        if self.drop:
            return {"canary_model_uri": None}
        if self.promote:
            return {"promote_canary": True}
        if self.canary and self.percent is None:
            raise InvalidInput("Give the canary's share: --percent N.", field="canary_percent")
        change: dict[str, Any] = {"canary_percent": self.percent}
        if self.canary:
            change["canary_model_uri"] = self.canary
        return change

    def run(self) -> int:
        from .schemas import UpdateEndpoint

        name = self.endpoint_name()
        request = self.validated(UpdateEndpoint, **self.change())
        endpoints = self.server()
        return self.report(endpoints.update(name, request), endpoints.proxy_url(name))


class EndpointsExportCommand(_EndpointCommand):
    """Export the model an endpoint serves as a Docker build context or a KServe manifest."""

    name = "jupyter-mlx-endpoints-export"
    command = "endpoints export"
    description = (
        f"{__doc__}\n\nUsage: jupyter mlx endpoints export NAME --to docker|kserve DIR "
        "[--storage-uri URI] [--json]\n\n"
        "docker writes DIR/Dockerfile, DIR/model/ (the model's artifacts), DIR/env/ (the lock "
        "of the environment its run recorded when this workspace keeps it, else the model's "
        "requirements.txt or conda.yaml) and DIR/README.md; the image serves the model with "
        "the endpoint's scoring server on port 8080. kserve writes DIR/inferenceservice.yaml, "
        "a KServe InferenceService (MLflow format, v2 protocol) loading the model from "
        "--storage-uri, else from its artifact location. An alias is exported as the version "
        "it points to now. "
        + _READS_HERE
        + "\n\n"
        + _READ_EXIT_STATUS.format(
            what="no NAME or an unknown one, no DIR, a target other than docker or kserve, a "
            "model that no longer resolves"
        )
    )
    aliases = {
        **MLXCommandBase.aliases,
        "to": "EndpointsExportCommand.to",
        "storage-uri": "EndpointsExportCommand.storage_uri",
    }
    field_options = {"to": "--to", "model_uri": "the endpoint's model"}
    to = Unicode("", config=True, help="docker or kserve.")
    storage_uri = Unicode("", config=True, help="KServe's storageUri (s3://, gs://, pvc://...).")

    def run(self) -> int:
        from .client import checked_name, endpoints_for
        from .export import TARGETS, export

        if len(self.extra_args) != 2:
            raise InvalidInput("Give the endpoint NAME and the folder DIR.", field="name")
        name, folder = checked_name(str(self.extra_args[0])), str(self.extra_args[1])
        if self.to not in TARGETS:
            raise InvalidInput("Give the target: --to docker or --to kserve.", field="to")
        settings = self.workspace_settings()
        with endpoints_for(settings) as endpoints:
            record = endpoints.get(name)
        done = export(
            record,
            self.to,
            Path(folder).expanduser().resolve(),
            settings=settings,
            storage_uri=self.storage_uri or None,
        )
        for warning in done.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if self.json:
            print(json.dumps(asdict(done) | {"folder": str(done.folder)}, indent=2))
        else:
            print(format_export(done))
        return 0


class EndpointsCommand(CommandGroup):
    """Endpoints: models served over MLflow's scoring protocol, supervised by the server."""

    name = "jupyter-mlx-endpoints"
    command = "endpoints"
    description = __doc__
    subcommands: dict[str, Any] = {
        cls.command.split()[-1]: (cls, cls.__doc__)
        for cls in (
            EndpointsCreateCommand,
            EndpointsListCommand,
            EndpointsShowCommand,
            EndpointsStopCommand,
            EndpointsRestartCommand,
            EndpointsDeleteCommand,
            EndpointsSplitCommand,
            EndpointsExportCommand,
        )
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _iso(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _versions(endpoint: Endpoint) -> str:
    return ", ".join(f"{v.role} {v.version or v.model_uri}" for v in endpoint.versions) or "-"


def format_endpoints(endpoints: Sequence[Endpoint]) -> str:
    """A table of endpoints, one a line."""
    if not endpoints:
        return "No endpoints: serve a model with `jupyter mlx endpoints create NAME --model URI`."
    rows = [("NAME", "STATE", "MODEL", "SERVES", "CANARY", "URL")]
    for endpoint in endpoints:
        canary = endpoint.canary
        rows.append(
            (
                endpoint.name,
                endpoint.state,
                endpoint.model_uri,
                _versions(endpoint),
                f"{canary.percent}% {canary.model_uri}" if canary else "-",
                endpoint.url or "-",
            )
        )
    return _table(rows)


def format_endpoint(endpoint: Endpoint, proxy_url: str | None = None) -> str:
    """One endpoint, a fact a line, then the versions it serves and its log tail."""
    process = f"pid {endpoint.pid}, " if endpoint.pid else ""
    lines = [
        f"endpoint     {endpoint.name}",
        f"state        {endpoint.state} ({process}{endpoint.restarts} restarts)",
        f"model        {endpoint.model_uri}",
    ]
    if endpoint.canary:
        lines.append(f"canary       {endpoint.canary.model_uri} ({endpoint.canary.percent}%)")
    lines += [
        f"url          {endpoint.url or '-'}",
        f"proxy        {proxy_url or endpoint.proxy_path}",
        f"batching     {endpoint.batch_window_ms:g} ms window, {endpoint.max_batch_rows} rows",
    ]
    reload = endpoint.reload
    if reload is not None and reload.interval_s:
        follows = f"alias checked every {reload.interval_s:g} s"
        if reload.loading:
            follows += f", loading {reload.loading}"
        if reload.error:
            follows += f"; last reload failed: {reload.error}"
        lines.append(f"reload       {follows}")
    lines.append(f"created      {_iso(endpoint.created_at)} by {endpoint.created_by or '-'}")
    if endpoint.last_error:
        lines.append(f"last error   {' '.join(endpoint.last_error.split())}")
    if endpoint.versions:
        lines.append("versions:")
        rows = [("ROLE", "VERSION", "MODEL", "REQUESTS", "ERRORS", "P50", "P99")]
        for v in endpoint.versions:
            rows.append(
                (
                    v.role,
                    v.version or "-",
                    v.model_uri,
                    str(v.requests),
                    str(v.errors),
                    _ms(v.p50_ms),
                    _ms(v.p99_ms),
                )
            )
        lines.extend(f"  {line}" for line in _table(rows).splitlines())
    if endpoint.log_tail:
        lines.append("log tail:")
        lines.extend(f"  {line}" for line in endpoint.log_tail)
    return "\n".join(lines)


def format_export(done: Any) -> str:
    """What an export wrote, and how to use it."""
    lines = [
        f"exported     {done.model_uri} for {done.target}",
        f"folder       {done.folder}",
    ]
    if done.environment:
        lines.append(f"environment  {done.environment}")
    lines.append("files:")
    lines.extend(f"  {file}" for file in done.files)
    if done.target == "docker":
        lines.append(f"next         docker build -t IMAGE {done.folder}")
    else:
        lines.append(f"next         kubectl apply -f {done.folder / 'inferenceservice.yaml'}")
    return "\n".join(lines)
