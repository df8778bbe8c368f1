"""Endpoints: registered models served by scoring processes the server supervises.

Each endpoint is a record in the store (``mlx_endpoints``: what it serves, how, whether it
should run) and, while it runs, a child of the server's :class:`~jupyter_mlx.supervisor.
Supervisor`: ``python -m jupyter_mlx.serving`` on 127.0.0.1, restarted with a backoff when it
crashes and given up (``failed``) after five quick crashes. What the process reports (the
versions it serves, reloads, metrics, drift, its request log) is read from its admin routes
(``/-/state``, ``/-/metrics``, ``/-/drift``, ``/-/log``) on loopback.

The server is the only writer of the records: the CLI reads them, and changes state through
the server's REST API.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import dataclasses
import errno
import logging
import os
import shutil
import socket
import sys
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, select

from ..config import Settings
from ..errors import Conflict, InvalidInput, MLXError, NotFound, Unavailable
from ..models.schemas import MoveAliasRequest
from ..models.service import ModelService
from ..store import Store
from ..store.tables import EndpointRecord
from ..supervisor import (
    FINAL_STATES,
    HealthCheck,
    ProcessSpec,
    ProcessState,
    RestartPolicy,
    SupervisedProcess,
    Supervisor,
)
from ..tracking.client import TrackingConnection
from . import loopback
from .options import (
    DEFAULT_BATCH_WINDOW_MS,
    DEFAULT_MAX_BATCH_ROWS,
    DEFAULT_MAX_REQUEST_BYTES,
    HOST,
)
from .schemas import (
    CreateEndpoint,
    Endpoint,
    EndpointCanary,
    EndpointDrift,
    EndpointLog,
    EndpointMetrics,
    EndpointReload,
    EndpointVersion,
    ListEndpointsResponse,
    UpdateEndpoint,
)

log = logging.getLogger("jupyter_mlx")

SchemaT = TypeVar("SchemaT", bound=BaseModel)

#: The folder of the workspace holding one folder per endpoint.
ENDPOINTS_DIRNAME = "endpoints"
#: The file of an endpoint's folder its process's stdout and stderr go to.
PROCESS_LOG = "process.log"
#: The supervisor's kind of an endpoint's process, and the prefix of its name.
KIND = "endpoint"
#: Lines of the process log shown with a crashed or failed endpoint.
LOG_TAIL_LINES = 20
#: Seconds a read of an endpoint's state may take (a list waits for the slowest).
STATE_TIMEOUT_S = 1.5
#: Seconds a change of an endpoint's models may take (a model loads and is smoke-tested).
CONFIG_TIMEOUT_S = 300.0
#: Seconds a metrics, drift or log read may take.
READ_TIMEOUT_S = 15.0
#: Seconds a reload notice may take to be accepted.
RELOAD_TIMEOUT_S = 5.0
#: How an endpoint's process is checked: a ``/ping`` every few seconds.
HEALTH_INTERVAL_S = 2.0
HEALTH_TIMEOUT_S = 5.0
#: Seconds a new process may take to load its model and answer its first ping.
HEALTH_STARTUP_S = 300.0
#: Seconds after its start within which a crash counts as quick: loading MLflow and a model
#: takes a while on a busy machine, and a process that crashes while loading must not be
#: restarted for ever.
QUICK_FAILURE_S = 120.0
#: Restart with backoff; after five quick crashes in a row, ``failed``.
RESTART_POLICY = RestartPolicy(quick_failure_s=QUICK_FAILURE_S, max_quick_failures=5)
#: Variables of the server's environment an endpoint's process does not inherit.
DROPPED_ENV = ("MLFLOW_RUN_ID", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME")


@dataclass(frozen=True, slots=True)
class EndpointConfig:
    """An endpoint's record, as the service keeps it in memory.

    Attributes:
        name: Its name.
        model_uri: The primary model.
        port: The port asked for; 0: a free one at each start.
        batch_window_ms: How long a batch stays open.
        max_batch_rows: The most rows of one predict call.
        canary_model_uri: The canary model, or None.
        canary_percent: The share of requests the canary answers.
        wanted_running: Whether it should run (started again at the next server start).
        created_at: When it was created (UTC).
        created_by: Who created it.
    """

    name: str
    model_uri: str
    port: int
    batch_window_ms: float
    max_batch_rows: int
    canary_model_uri: str | None
    canary_percent: int
    wanted_running: bool
    created_at: datetime
    created_by: str | None

    @classmethod
    def of(cls, record: EndpointRecord) -> EndpointConfig:
        created_at = record.created_at
        if created_at.tzinfo is None:  # SQLite gives back naive datetimes
            created_at = created_at.replace(tzinfo=timezone.utc)
        return cls(
            name=record.name,
            model_uri=record.model_uri,
            port=record.port,
            batch_window_ms=record.batch_window_ms,
            max_batch_rows=record.max_batch_rows,
            canary_model_uri=record.canary_model_uri,
            canary_percent=record.canary_percent,
            wanted_running=record.wanted_running,
            created_at=created_at,
            created_by=record.created_by,
        )

    def values(self) -> dict[str, Any]:
        """The record's columns."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


@dataclass(slots=True)
class _Entry:
    """An endpoint as the service knows it: its record and its current process."""

    config: EndpointConfig
    handle: SupervisedProcess | None = None
    port: int | None = None
    start_error: str | None = None

    def state(self) -> ProcessState:
        return self.handle.state if self.handle is not None else ProcessState.STOPPED

    def live_port(self) -> int | None:
        """The port of a process that runs or is starting."""
        if self.state() in (ProcessState.STARTING, ProcessState.RUNNING):
            return self.port
        return None


class EndpointService:
    """The endpoints of a workspace: their records, processes and reports.

    Args:
        settings: The workspace (endpoint folders live in ``<workspace>/endpoints/``).
        store: The jupyter-mlx database (table ``mlx_endpoints``).
        supervisor: Starts, watches and stops the endpoints' processes.
        connection: The MLflow tracking store, whose registry model URIs resolve in.
        models: Moves aliases when a canary is promoted.
        max_request_bytes: Larger request bodies are refused (413) by each process.
        blocking: Runs database, file and MLflow work off the event loop.
        restart: The restart policy of the processes.
        health_interval_s: Seconds between pings of a process.
        reload_interval_s: Seconds between a process's looks at the alias it serves (0: only
            when told of a move); None: the process's default.
        python: The interpreter the processes run.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        supervisor: Supervisor,
        connection: TrackingConnection,
        models: ModelService,
        *,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        blocking: Callable[..., Awaitable[Any]] | None = None,
        restart: RestartPolicy = RESTART_POLICY,
        health_interval_s: float = HEALTH_INTERVAL_S,
        reload_interval_s: float | None = None,
        python: str = sys.executable,
    ) -> None:
        self.settings = settings
        self.store = store
        self.supervisor = supervisor
        self.connection = connection
        self.models = models
        self.max_request_bytes = max_request_bytes
        self.restart_policy = restart
        self.health_interval_s = health_interval_s
        self.reload_interval_s = reload_interval_s
        self.python = python
        self._blocking = blocking or asyncio.to_thread
        self._entries: dict[str, _Entry] | None = None
        self._load_lock = asyncio.Lock()
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._notices: set[asyncio.Task[None]] = set()

    # --- life of the service ----------------------------------------------------------

    async def start(self, *, restart: bool = True) -> list[str]:
        """Load the records; start the endpoints wanted running when ``restart`` is set.

        The server calls it once its event loop runs, after the supervisor's recovery has
        stopped the processes a killed server left.

        Returns:
            The names of the endpoints started.
        """
        self._loop = asyncio.get_running_loop()
        await self._loaded()
        return await self.start_wanted() if restart else []

    async def start_wanted(self) -> list[str]:
        """Start every endpoint recorded as wanted running that does not run.

        An endpoint that cannot start (its port taken) is logged and shows why in its
        ``last_error``; the others start all the same.

        Returns:
            The names of the endpoints started.
        """
        started: list[str] = []
        for name, entry in (await self._loaded()).items():
            if not entry.config.wanted_running or entry.state() not in FINAL_STATES:
                continue
            async with self._locks[name]:
                try:
                    await self._spawn(entry)
                except MLXError as exc:
                    entry.start_error = exc.message
                    log.warning("Endpoint %r cannot be started again: %s", name, exc.message)
                    continue
            log.info("Endpoint %r started again (port %s)", name, entry.port)
            started.append(name)
        return started

    async def stop(self) -> None:
        """Stop every endpoint's process (each stays wanted running for the next start)."""
        for task in list(self._notices):
            task.cancel()
        if self._notices:
            await asyncio.wait(self._notices, timeout=RELOAD_TIMEOUT_S)
        entries = self._entries or {}
        await asyncio.gather(
            *(entry.handle.stop() for entry in entries.values() if entry.handle is not None)
        )

    # --- reads --------------------------------------------------------------------------

    async def list(self) -> ListEndpointsResponse:
        """Every endpoint, by name, with its state and what its process reports."""
        entries = await self._loaded()
        described = await asyncio.gather(
            *(self._describe(entries[name]) for name in sorted(entries))
        )
        return ListEndpointsResponse(endpoints=list(described))

    async def get(self, name: str) -> Endpoint:
        """One endpoint.

        Raises:
            NotFound: (field ``name``) no such endpoint.
        """
        return await self._describe(await self._entry(name))

    async def target(self, name: str) -> int:
        """The port of an endpoint's process, for the proxy.

        Raises:
            NotFound: (field ``name``) no such endpoint.
            Unavailable: It is not running.
        """
        entry = await self._entry(name)
        port = entry.live_port()
        if port is None:
            raise Unavailable(
                f"Endpoint {name!r} is not running ({entry.state().value}): restart it.",
                field="name",
            )
        return port

    async def metrics(self, name: str, since: float | None = None) -> EndpointMetrics:
        """Per-second buckets of its requests over the last 15 minutes.

        Raises:
            NotFound: no such endpoint. Conflict: it is not running.
        """
        path = "/-/metrics" if since is None else f"/-/metrics?{urlencode({'since': since})}"
        return await self._read(name, path, EndpointMetrics)

    async def drift(self, name: str) -> EndpointDrift:
        """Input drift of its recent requests against the model's training sample.

        Raises:
            NotFound: no such endpoint. Conflict: it is not running.
        """
        return await self._read(name, "/-/drift", EndpointDrift)

    async def request_log(self, name: str, limit: int = 100) -> EndpointLog:
        """Its latest requests, newest first.

        Raises:
            NotFound: no such endpoint. Conflict: it is not running.
        """
        return await self._read(name, f"/-/log?limit={limit}", EndpointLog)

    # --- changes ------------------------------------------------------------------------

    async def create(self, request: CreateEndpoint, *, user: str | None) -> Endpoint:
        """Record an endpoint and start its process (state ``starting``).

        Nothing is recorded or started unless every check passes.

        Raises:
            Conflict: (field ``name``) an endpoint of that name exists.
            InvalidInput: The model URI does not resolve in the workspace's registry
                (``model_uri``), or the port is in use (``port``).
        """
        entries = await self._loaded()
        name = request.name
        async with self._locks[name]:
            if name in entries:
                raise Conflict(f"An endpoint named {name!r} exists.", field="name")
            await self._resolve(request.model_uri, "model_uri")
            config = EndpointConfig(
                name=name,
                model_uri=request.model_uri,
                port=request.port,
                batch_window_ms=(
                    DEFAULT_BATCH_WINDOW_MS
                    if request.batch_window_ms is None
                    else request.batch_window_ms
                ),
                max_batch_rows=request.max_batch_rows or DEFAULT_MAX_BATCH_ROWS,
                canary_model_uri=None,
                canary_percent=0,
                wanted_running=True,
                created_at=datetime.now(timezone.utc),
                created_by=user,
            )
            entry = _Entry(config)
            port = await self._port_for(config)
            await self._blocking(self._insert, config)
            entries[name] = entry
            try:
                await self._spawn(entry, port)
            except BaseException:
                entries.pop(name, None)
                await self._blocking(self._delete, name)
                raise
            log.info("Endpoint %r serves %s on port %d", name, config.model_uri, port)
        return await self._describe(entry, probe=False)

    async def update(self, name: str, request: UpdateEndpoint, *, user: str | None) -> Endpoint:
        """Change the canary, its share or the batching of a running endpoint, or promote
        its canary. Only the fields given change.

        Raises:
            NotFound: (field ``name``) no such endpoint.
            Conflict: It is not running.
            InvalidInput: A canary URI that does not resolve (``canary_model_uri``); a
                promotion without a canary, or with a canary that is not a version of the
                primary's registered model when the primary follows an alias
                (``promote_canary``).
        """
        entry = await self._entry(name)
        async with self._locks[name]:
            port = self._running_port(entry)
            given = request.model_fields_set
            config = entry.config
            if request.promote_canary:
                if {"canary_model_uri", "canary_percent"} & given:
                    raise InvalidInput(
                        "Promote the canary, or change it: not both at once.",
                        field="promote_canary",
                    )
                if config.canary_model_uri is None:
                    raise InvalidInput(
                        f"Endpoint {name!r} has no canary to promote.", field="promote_canary"
                    )
            changes: dict[str, Any] = {}
            if "canary_model_uri" in given:
                if request.canary_model_uri is not None:
                    await self._resolve(request.canary_model_uri, "canary_model_uri")
                changes["canary_model_uri"] = request.canary_model_uri
            if request.canary_percent is not None:
                changes["canary_percent"] = request.canary_percent
            if request.batch_window_ms is not None:
                changes["batch_window_ms"] = request.batch_window_ms
            if request.max_batch_rows is not None:
                changes["max_batch_rows"] = request.max_batch_rows
            if request.promote_canary:
                changes.update(await self._promotion(config, user))
            if changes:
                state = await self._configure(port, changes)
                updates = {key: value for key, value in changes.items()}
                if isinstance(state.get("canary_percent"), int):
                    updates["canary_percent"] = state["canary_percent"]
                if updates.get("canary_model_uri", config.canary_model_uri) is None:
                    updates["canary_percent"] = 0
                await self._save(entry, **updates)
        return await self.get(name)

    async def stop_endpoint(self, name: str) -> Endpoint:
        """Stop an endpoint's process; it is kept (not wanted running) and can be restarted.

        Raises:
            NotFound: (field ``name``) no such endpoint.
        """
        entry = await self._entry(name)
        async with self._locks[name]:
            if entry.handle is not None:
                await entry.handle.stop()
            entry.start_error = None
            if entry.config.wanted_running:
                await self._save(entry, wanted_running=False)
        return await self._describe(entry, probe=False)

    async def restart(self, name: str) -> Endpoint:
        """Start an endpoint's process again (stopping the current one first): ``starting``.

        Raises:
            NotFound: (field ``name``) no such endpoint.
            InvalidInput: (field ``port``) its port is in use.
        """
        entry = await self._entry(name)
        async with self._locks[name]:
            if entry.handle is not None:
                await entry.handle.stop()
            await self._spawn(entry)
            if not entry.config.wanted_running:
                await self._save(entry, wanted_running=True)
        return await self._describe(entry, probe=False)

    async def delete(self, name: str) -> None:
        """Stop an endpoint and remove it, its record and its folder (logs included).

        Raises:
            NotFound: (field ``name``) no such endpoint.
        """
        entry = await self._entry(name)
        async with self._locks[name]:
            if entry.handle is not None:
                await entry.handle.stop()
            await self._blocking(self._delete, name)
            (await self._loaded()).pop(name, None)
            await self._blocking(shutil.rmtree, self.folder(name), True)
        log.info("Endpoint %r deleted", name)

    # --- alias moves --------------------------------------------------------------------

    def notify_alias_moved(self, model: str, alias: str) -> None:
        """Tell the endpoints serving ``models:/MODEL@ALIAS`` that it moved (thread-safe).

        The Models service calls it from its threads after each alias move; the notices
        are sent from the event loop. Without a running service it does nothing.
        """
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self.alias_moved, model, alias)

    def alias_moved(self, model: str, alias: str) -> builtins.list[str]:
        """Ask each running endpoint serving ``models:/MODEL@ALIAS`` (as primary or canary)
        to look at the alias now (``POST /-/reload``), in the background.

        Returns:
            The names of the endpoints told.
        """
        uri = f"models:/{model}@{alias}"
        told = []
        for name, entry in (self._entries or {}).items():
            port = entry.live_port()
            if port is None or uri not in (entry.config.model_uri, entry.config.canary_model_uri):
                continue
            task = asyncio.get_running_loop().create_task(self._reload(name, port))
            self._notices.add(task)
            task.add_done_callback(self._notices.discard)
            told.append(name)
        return told

    async def _reload(self, name: str, port: int) -> None:
        try:
            answer = await loopback.request(port, "POST", "/-/reload", timeout=RELOAD_TIMEOUT_S)
        except loopback.Unreachable as exc:
            log.warning("Endpoint %r was not told its alias moved: %s", name, exc)
            return
        if not answer.ok:
            log.warning("Endpoint %r answered %d to a reload", name, answer.status)

    # --- paths --------------------------------------------------------------------------

    def folder(self, name: str) -> Path:
        """The folder of an endpoint: its process log and request log."""
        return self.settings.workspace / ENDPOINTS_DIRNAME / name

    # --- internals: processes -----------------------------------------------------------

    async def _spawn(self, entry: _Entry, port: int | None = None) -> None:
        """Start the process of ``entry`` under the supervisor.

        Raises:
            InvalidInput: (field ``port``) the port asked for is in use.
        """
        config = entry.config
        if port is None:
            port = await self._port_for(config)
        spec = ProcessSpec(
            name=f"{KIND}:{config.name}",
            argv=self._argv(config, port),
            log_path=self.folder(config.name) / PROCESS_LOG,
            kind=KIND,
            cwd=self.settings.root_dir,
            env=self._env(),
            health=HealthCheck(
                check=_pinger(port),
                interval=self.health_interval_s,
                timeout=HEALTH_TIMEOUT_S,
                startup=HEALTH_STARTUP_S,
            ),
            restart=self.restart_policy,
        )
        try:
            entry.handle = await self.supervisor.start(spec)
        except OSError as exc:
            raise Unavailable(f"Endpoint {config.name!r} cannot be started: {exc}") from exc
        entry.port = port
        entry.start_error = None

    def _argv(self, config: EndpointConfig, port: int) -> builtins.list[str]:
        argv = [
            self.python,
            "-m",
            "jupyter_mlx.serving",
            "--model",
            config.model_uri,
            "--port",
            str(port),
            "--batch-window-ms",
            f"{config.batch_window_ms:g}",
            "--max-batch-rows",
            str(config.max_batch_rows),
            "--max-request-bytes",
            str(self.max_request_bytes),
            "--name",
            config.name,
            "--state-dir",
            str(self.folder(config.name)),
        ]
        if self.reload_interval_s is not None:
            argv += ["--reload-interval", f"{self.reload_interval_s:g}"]
        if config.canary_model_uri is not None:
            argv += [
                "--canary",
                config.canary_model_uri,
                "--canary-percent",
                str(config.canary_percent),
            ]
        return argv

    def _env(self) -> dict[str, str]:
        tracking_uri = self.settings.tracking_uri
        env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
        env.update(self.settings.process_env())
        env.update(
            MLFLOW_TRACKING_URI=tracking_uri,
            MLFLOW_REGISTRY_URI=tracking_uri,
            MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR="false",
        )
        return env

    async def _port_for(self, config: EndpointConfig) -> int:
        """The port to start ``config`` on: the one asked for when free, else a free one.

        Raises:
            InvalidInput: (field ``port``) the port asked for is in use.
        """
        if config.port:
            await self._blocking(check_port_free, config.port)
            return config.port
        return int(await self._blocking(free_port))

    def _running_port(self, entry: _Entry) -> int:
        port = entry.live_port()
        if port is None:
            raise Conflict(
                f"Endpoint {entry.config.name!r} is not running ({entry.state().value}): "
                "restart it first.",
                field="name",
            )
        return port

    async def _configure(self, port: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Send ``PATCH /-/config``; the process's new state."""
        try:
            answer = await loopback.request(
                port, "PATCH", "/-/config", dict(changes), timeout=CONFIG_TIMEOUT_S
            )
        except loopback.Unreachable as exc:
            raise Unavailable(f"The endpoint's process did not answer: {exc}") from exc
        if answer.status == 400:
            message = _message(answer.body) or "The change was refused."
            field = "canary_model_uri" if "canary_model_uri" in changes else None
            raise InvalidInput(message, field=field)
        if not answer.ok:
            raise Unavailable(
                f"The endpoint's process answered {answer.status}: {_message(answer.body)}"
            )
        return answer.body if isinstance(answer.body, dict) else {}

    async def _promotion(self, config: EndpointConfig, user: str | None) -> dict[str, Any]:
        """Promote the canary of ``config``; the changes its process is sent afterwards.

        A primary that follows an alias keeps its URI: the alias moves to the canary's
        version through the Models service (recorded in the alias history), which tells the
        endpoint to reload. Any other primary takes the canary's URI.
        """
        canary = config.canary_model_uri
        assert canary is not None
        follows = registry_alias(config.model_uri)
        if follows is None:
            return {"model_uri": canary, "canary_model_uri": None}
        model, alias = follows
        version = await self._blocking(self._version_of, canary, model)
        request = MoveAliasRequest(
            version=version, gates=[], smoke=False, note=f"Canary of endpoint {config.name}"
        )

        def move() -> Any:
            plan = self.models.prepare_move(model, alias, request)
            return self.models.execute(plan, user=user)

        promotion = await self._blocking(move)
        if promotion.state != "promoted":
            raise Conflict(
                f"Alias {alias!r} of {model} was not moved to version {version}: {promotion.error}",
                field="promote_canary",
            )
        return {"canary_model_uri": None}

    async def _read(self, name: str, path: str, schema: type[SchemaT]) -> SchemaT:
        entry = await self._entry(name)
        port = self._running_port(entry)
        try:
            answer = await loopback.request(port, "GET", path, timeout=READ_TIMEOUT_S)
        except loopback.Unreachable as exc:
            raise Unavailable(f"Endpoint {name!r} did not answer: {exc}") from exc
        if not answer.ok:
            raise Unavailable(
                f"Endpoint {name!r} answered {answer.status} to {path}: {_message(answer.body)}"
            )
        try:
            return picked(schema, answer.body)
        except ValidationError as exc:
            raise Unavailable(
                f"Endpoint {name!r} answered {path} with an unexpected shape: "
                f"{str(exc).splitlines()[0]}"
            ) from exc

    # --- internals: description ---------------------------------------------------------

    async def _describe(self, entry: _Entry, *, probe: bool = True) -> Endpoint:
        config = entry.config
        status = entry.handle.status() if entry.handle is not None else None
        state = status.state if status is not None else ProcessState.STOPPED
        live: dict[str, Any] | None = None
        port = entry.live_port()
        if probe and port is not None:
            live = await _live_state(port)
            if live is not None and state is ProcessState.STARTING:
                state = ProcessState.RUNNING  # it answers already; its next ping will say so
        shown_port = entry.port if state not in FINAL_STATES else None
        log_tail: list[str] = []
        if state in (ProcessState.CRASHED, ProcessState.FAILED):
            log_tail = await self._blocking(_tail, self.folder(config.name) / PROCESS_LOG)
        live = live or {}
        canary = None
        if config.canary_model_uri is not None:
            percent = live.get("canary_percent")
            canary = EndpointCanary(
                model_uri=config.canary_model_uri,
                percent=percent if isinstance(percent, int) else config.canary_percent,
            )
        return Endpoint(
            name=config.name,
            model_uri=config.model_uri,
            state=state.value,
            port=shown_port,
            url=f"http://{HOST}:{shown_port}" if shown_port else None,
            proxy_path=f"mlx/endpoints/{config.name}/",
            batch_window_ms=_number(live.get("batch_window_ms"), config.batch_window_ms),
            max_batch_rows=int(_number(live.get("max_batch_rows"), config.max_batch_rows)),
            canary=canary,
            pid=status.pid if status is not None else None,
            restarts=status.restarts if status is not None else 0,
            last_error=(status.last_error if status is not None else None) or entry.start_error,
            log_tail=log_tail,
            versions=_versions(live.get("versions")),
            reload=_optional(EndpointReload, live.get("reload")),
            example_request=(
                live["example_request"] if isinstance(live.get("example_request"), dict) else None
            ),
            created_at=config.created_at,
            created_by=config.created_by,
        )

    # --- internals: records -------------------------------------------------------------

    async def _loaded(self) -> dict[str, _Entry]:
        if self._entries is None:
            async with self._load_lock:
                if self._entries is None:
                    configs = await self._blocking(self._load)
                    self._entries = {config.name: _Entry(config) for config in configs}
        return self._entries

    async def _entry(self, name: str) -> _Entry:
        entry = (await self._loaded()).get(name)
        if entry is None:
            raise NotFound(f"No endpoint named {name!r}.", field="name")
        return entry

    async def _save(self, entry: _Entry, **changes: Any) -> None:
        """Write changes of an endpoint's record, then keep them (and the argv its process is
        restarted with after a crash) in memory."""
        config = dataclasses.replace(entry.config, **changes)
        await self._blocking(self._update, config)
        entry.config = config
        handle = entry.handle
        if handle is not None and entry.port is not None:
            handle.spec = dataclasses.replace(handle.spec, argv=self._argv(config, entry.port))

    async def _resolve(self, uri: str, field: str) -> None:
        await self._blocking(resolve_model_uri, self.connection, uri, field)

    def _version_of(self, uri: str, model: str) -> str:
        """The version of ``model`` that ``uri`` names (blocking).

        Raises:
            InvalidInput: (field ``promote_canary``) it names no version of ``model``.
        """
        from mlflow.exceptions import MlflowException
        from mlflow.store.artifact.utils.models import get_model_name_and_version

        name: str | None = None
        version: str | None = None
        if uri.startswith("models:/"):
            with self.connection.errors(field="promote_canary"):
                try:
                    found = get_model_name_and_version(self.connection.client, uri)
                    if len(found) == 2:  # else a LoggedModel's id alone
                        name, version = str(found[0]), str(found[1])
                except MlflowException:
                    log.info("Canary %s names no registered version", uri)
        if name != model or version is None:
            raise InvalidInput(
                f"The canary {uri} is not a version of registered model {model}: the alias "
                "cannot move to it. Serve a version of that model as the canary.",
                field="promote_canary",
            )
        return str(version)

    def _load(self) -> builtins.list[EndpointConfig]:
        with self.store.session() as session:
            records = session.scalars(select(EndpointRecord).order_by(EndpointRecord.name))
            return [EndpointConfig.of(record) for record in records]

    def _insert(self, config: EndpointConfig) -> None:
        with self.store.session() as session:
            session.add(EndpointRecord(**config.values()))

    def _update(self, config: EndpointConfig) -> None:
        with self.store.session() as session:
            record = session.get(EndpointRecord, config.name)
            if record is None:
                raise NotFound(f"No endpoint named {config.name!r}.", field="name")
            for key, value in config.values().items():
                setattr(record, key, value)

    def _delete(self, name: str) -> None:
        with self.store.session() as session:
            session.execute(delete(EndpointRecord).where(EndpointRecord.name == name))


def read_endpoints(store: Store) -> list[EndpointConfig]:
    """Every endpoint record of a store, by name (for commands that run without a server)."""
    with store.session() as session:
        records = session.scalars(select(EndpointRecord).order_by(EndpointRecord.name))
        return [EndpointConfig.of(record) for record in records]


# --- model URIs and ports -------------------------------------------------------------------


def registry_alias(uri: str) -> tuple[str, str] | None:
    """``(model, alias)`` of a ``models:/MODEL@ALIAS`` URI; None for any other URI."""
    if not uri.startswith("models:/"):
        return None
    path = uri.removeprefix("models:/")
    model, at, alias = path.rpartition("@")
    if not at or not model or not alias or "/" in model or "/" in alias:
        return None
    return model, alias


def resolve_model_uri(connection: TrackingConnection, uri: str, field: str = "model_uri") -> None:
    """Check that ``uri`` names a model in the workspace's registry or tracking store
    (blocking): a registered version or alias, a LoggedModel, a run's model (a LoggedModel of
    that name, or an artifact folder with an MLmodel file), or a local folder with an MLmodel
    file. Other URIs (``s3://``...) are left to the process.

    Raises:
        InvalidInput: (``field``) the URI names nothing; the message names it.
        Unavailable: The tracking store cannot be reached.
    """
    from urllib.parse import urlsplit

    try:
        with connection.errors():
            scheme = urlsplit(uri).scheme
            if scheme == "models":
                _resolve_registry_uri(connection.client, uri)
            elif scheme == "runs":
                _resolve_run_uri(connection, uri)
            elif scheme in ("", "file"):
                _resolve_path(uri)
    except Unavailable:
        raise
    except MLXError as exc:
        message = f"Model URI {uri!r} does not resolve: {exc.message}"
        raise InvalidInput(message, field=field) from exc


def _resolve_registry_uri(client: Any, uri: str) -> None:
    from mlflow.store.artifact.utils.models import _parse_model_uri, get_model_name_and_version

    parsed = _parse_model_uri(uri)
    if parsed.model_id is not None:
        client.get_logged_model(parsed.model_id)
        return
    name, version = get_model_name_and_version(client, uri)
    client.get_model_version(name, version)


def _resolve_run_uri(connection: TrackingConnection, uri: str) -> None:
    from ..models.sources import run_models

    run_id, _, path = uri.removeprefix("runs:/").lstrip("/").partition("/")
    run = connection.client.get_run(run_id)
    path = path.strip("/")
    if not any(model.artifact_path == path for model in run_models(connection, run)):
        raise MLXError(f"run {run_id} has no model at {path or 'its artifact root'!r}")


def _resolve_path(uri: str) -> None:
    from mlflow.utils.file_utils import local_file_uri_to_path

    folder = Path(local_file_uri_to_path(uri) if uri.startswith("file:") else uri)
    if not (folder / "MLmodel").is_file():
        raise MLXError(f"no MLmodel file in {folder}")


def check_port_free(port: int) -> None:
    """Check that ``port`` on 127.0.0.1 can be listened on (as the process would bind it).

    Raises:
        InvalidInput: (field ``port``) it is in use, or cannot be listened on.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InvalidInput(
                    f"Port {port} on {HOST} is in use: choose another, or 0 for a free one.",
                    field="port",
                ) from exc
            raise InvalidInput(
                f"Cannot listen on {HOST}:{port}: {exc.strerror}.", field="port"
            ) from exc


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- what a process reports -----------------------------------------------------------------


def _pinger(port: int) -> Callable[[], Awaitable[bool]]:
    async def ping() -> bool:
        answer = await loopback.request(port, "GET", "/ping", timeout=HEALTH_TIMEOUT_S)
        return answer.status == 200

    return ping


async def _live_state(port: int) -> dict[str, Any] | None:
    """The process's ``/-/state``; {} when it answers without one; None when it does not
    answer."""
    try:
        answer = await loopback.request(port, "GET", "/-/state", timeout=STATE_TIMEOUT_S)
    except loopback.Unreachable:
        return None
    if answer.ok and isinstance(answer.body, dict):
        return answer.body
    return {}


def picked(schema: type[SchemaT], data: Any) -> SchemaT:
    """``data`` validated as ``schema``, keeping only the fields it declares (at every
    level), so a process that reports more than this server knows is still read.

    Raises:
        ValidationError: ``data`` does not fit.
    """
    return schema.model_validate(_known(schema, data))


def _known(schema: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    kept: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        if name not in data:
            continue
        value = data[name]
        inner = _inner_schema(field.annotation)
        if inner is not None and isinstance(value, list):
            value = [_known(inner, item) for item in value]
        elif inner is not None:
            value = _known(inner, value)
        kept[name] = value
    return kept


def _inner_schema(annotation: Any) -> type[BaseModel] | None:
    """The schema a field holds (alone, in a list, or optional), if any."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_schema(arg)
        if found is not None:
            return found
    return None


def _versions(data: Any) -> list[EndpointVersion]:
    if not isinstance(data, list):
        return []
    versions = []
    for item in data:
        version = _optional(EndpointVersion, item)
        if version is not None:
            versions.append(version)
    return versions


def _optional(schema: type[SchemaT], data: Any) -> SchemaT | None:
    if not isinstance(data, dict):
        return None
    try:
        return picked(schema, data)
    except ValidationError:
        log.warning("An endpoint reported a %s of an unexpected shape", schema.__name__)
        return None


def _number(value: Any, default: float) -> float:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else default


def _message(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return ""


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> list[str]:
    """The last ``lines`` lines of a log file (its last 64 KiB read)."""
    try:
        with path.open("rb") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell()
            file.seek(max(0, size - 65536))
            text = file.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    return text.splitlines()[-lines:]
