"""Models from the command line, the magics and job notebooks: through the server, or here.

When a server with jupyter-mlx serves the workspace's root, models are read and promoted
through its API, so the server records every alias move as it happens and its panel sees it.
Without one, the same :class:`~jupyter_mlx.models.service.ModelService` methods run in this
process. Both answer the same calls (:class:`Models`), so a face is written once for either.
"""

from __future__ import annotations

import getpass
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol
from urllib.parse import quote, urlencode

from ..client import RunningServer, ServerClient, find_server, servers_may_run
from ..config import Settings
from ..errors import InvalidInput, Unavailable
from .schemas import (
    AliasMove,
    DescribeModel,
    GateResult,
    Gates,
    ListModelsQuery,
    ListModelsResponse,
    ModelHistory,
    MoveAliasRequest,
    PromoteRequest,
    Promotion,
    RollbackRequest,
    RunModels,
)

#: Seconds between two reads of a promotion whose gates run.
POLL_S = 0.25
#: Seconds a promotion followed through the server may run (its smoke test included).
PROMOTION_TIMEOUT_S = 3600.0

#: Called with the promotion each time one of its gates changes.
OnProgress = Callable[[Promotion], None]


class Models(Protocol):
    """What the CLI, the magics and job notebooks call, on the server or here (blocking)."""

    def list(self, query: ListModelsQuery) -> ListModelsResponse: ...

    def describe(self, name: str) -> DescribeModel: ...

    def history(self, name: str) -> ModelHistory: ...

    def run_models(self, run_id: str) -> RunModels: ...

    def promote(
        self, request: PromoteRequest, *, user: str | None, on_progress: OnProgress | None = None
    ) -> Promotion: ...

    def move_alias(
        self,
        name: str,
        alias: str,
        request: MoveAliasRequest,
        *,
        user: str | None,
        on_progress: OnProgress | None = None,
    ) -> Promotion: ...

    def remove_alias(self, name: str, alias: str, *, user: str | None) -> AliasMove | None: ...

    def rollback(
        self, name: str, alias: str, request: RollbackRequest, *, user: str | None
    ) -> AliasMove: ...

    def set_gates(self, name: str, gates: Gates) -> Gates: ...


def _segment(text: str) -> str:
    """A name as one path segment (a model name may hold spaces, ``?`` or ``%``)."""
    return quote(text, safe="")


class ServerModels:
    """The models of the server that owns the workspace, through its API.

    The server records the moves under its own user; the ``user`` arguments are not sent.
    """

    def __init__(self, server: RunningServer) -> None:
        self.api = ServerClient(server)

    @classmethod
    def find(cls, settings: Settings) -> ServerModels | None:
        """The models of the server serving the workspace's root; None when none runs."""
        if not servers_may_run():
            return None
        server = find_server(settings)
        return None if server is None else cls(server)

    def list(self, query: ListModelsQuery) -> ListModelsResponse:
        arguments = query.model_dump(exclude_defaults=True, exclude_none=True)
        suffix = f"?{urlencode(arguments)}" if arguments else ""
        return ListModelsResponse.model_validate(self.api.get(f"models{suffix}"))

    def describe(self, name: str) -> DescribeModel:
        return DescribeModel.model_validate(self.api.get(f"models/{_segment(name)}"))

    def history(self, name: str) -> ModelHistory:
        return ModelHistory.model_validate(self.api.get(f"models/{_segment(name)}/history"))

    def run_models(self, run_id: str) -> RunModels:
        return RunModels.model_validate(self.api.get(f"runs/{_segment(run_id)}/models"))

    def promote(
        self, request: PromoteRequest, *, user: str | None, on_progress: OnProgress | None = None
    ) -> Promotion:
        body = request.model_dump(mode="json", exclude_defaults=True)
        started = Promotion.model_validate(self.api.request("POST", "models/promote", body))
        return self.follow(started, on_progress)

    def move_alias(
        self,
        name: str,
        alias: str,
        request: MoveAliasRequest,
        *,
        user: str | None,
        on_progress: OnProgress | None = None,
    ) -> Promotion:
        body = request.model_dump(mode="json", exclude_defaults=True)
        answer = self.api.request("PUT", f"{_alias_path(name, alias)}", body)
        return self.follow(Promotion.model_validate(answer), on_progress)

    def remove_alias(self, name: str, alias: str, *, user: str | None) -> AliasMove | None:
        self.api.request("DELETE", _alias_path(name, alias))
        return None

    def rollback(
        self, name: str, alias: str, request: RollbackRequest, *, user: str | None
    ) -> AliasMove:
        body = request.model_dump(mode="json")
        answer = self.api.request("POST", f"{_alias_path(name, alias)}/rollback", body)
        return AliasMove.model_validate(answer)

    def set_gates(self, name: str, gates: Gates) -> Gates:
        body = gates.model_dump(mode="json")
        return Gates.model_validate(self.api.request("PUT", f"models/{_segment(name)}/gates", body))

    def follow(self, promotion: Promotion, on_progress: OnProgress | None = None) -> Promotion:
        """Poll a promotion every :data:`POLL_S` seconds until it is no longer running.

        Args:
            promotion: The promotion as its start answered it.
            on_progress: Called with it first, then each time it changes.

        Raises:
            Unavailable: It still runs after :data:`PROMOTION_TIMEOUT_S` seconds, or the
                server cannot be reached.
        """
        deadline = time.monotonic() + PROMOTION_TIMEOUT_S
        if on_progress is not None:
            on_progress(promotion)
        while promotion.state == "running":
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"Promotion {promotion.promotion_id} still runs after "
                    f"{PROMOTION_TIMEOUT_S:.0f} s; the server goes on with it."
                )
            time.sleep(POLL_S)
            current = Promotion.model_validate(
                self.api.get(f"promotions/{_segment(promotion.promotion_id)}")
            )
            if current != promotion and on_progress is not None:
                on_progress(current)
            promotion = current
        return promotion


def _alias_path(name: str, alias: str) -> str:
    return f"models/{_segment(name)}/aliases/{_segment(alias)}"


@contextmanager
def models_here(settings: Settings) -> Iterator[Models]:
    """The model service of the workspace in this process, released after the block.

    The workspace's store is migrated first: reading a model records the moves of its
    aliases made outside jupyter-mlx. A workspace without a tracking store holds no run to
    promote and no model: it is refused, and nothing is created.

    Raises:
        NotFound: No workspace, or no tracking store in it (``field`` workspace or
            tracking_uri).
    """
    from ..services import Services, require_tracking_store

    require_tracking_store(settings)
    with Services.opened(settings, migrate=True) as services:
        yield services.models


@contextmanager
def models_for(settings: Settings) -> Iterator[Models]:
    """The server's models when one serves the workspace's root, else this process's
    (see :func:`models_here`)."""
    server = ServerModels.find(settings)
    if server is not None:
        yield server
        return
    with models_here(settings) as service:
        yield service


def local_user() -> str:
    """Who works in this process: the JupyterHub user, else the login name."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def kernel_run_id() -> str:
    """The MLflow run this kernel tracked last: the one it tracks now (``%mlx_track``), else
    the last one it ended, else the run of the job it executes, else the last run MLflow's
    own API ended in this process (``mlflow.start_run`` without ``%mlx_track``).

    Raises:
        InvalidInput: This kernel has tracked no run (``field`` run_id).
    """
    from ..tracking import links
    from ..tracking.session import kernel_session

    session = kernel_session()
    tracked = session.run or session.last_stopped
    if tracked is not None:
        return tracked.run_id
    job_run = os.environ.get(links.JOB_MLFLOW_RUN_ENV)
    if job_run:
        return job_run
    # MLflow's fluent API remembers the last run it ended; it is loaded only if a run was.
    mlflow = sys.modules.get("mlflow")
    if mlflow is not None:
        from ..tracking.client import TrackingConnection
        from ..tracking.session import kernel_tracking_uri

        with TrackingConnection(kernel_tracking_uri()).errors():
            last = mlflow.last_active_run()
        if last is not None:
            return last.info.run_id
    raise InvalidInput(
        "This kernel has tracked no run: give a RUN_ID, or track one with `%mlx_track`.",
        field="run_id",
    )


def gate_line(gate: GateResult) -> str:
    """A gate's verdict in one line: ``passed  val_accuracy >= 0.9  (val_accuracy 0.93 >= 0.9)``."""
    detail = f"  ({gate.detail})" if gate.detail else ""
    return f"{gate.status:<7} {gate.gate}{detail}"


def refusal(promotion: Promotion) -> str:
    """Why a promotion did not promote, in one line: its error, else its failing gates."""
    if promotion.error:
        return " ".join(promotion.error.split())
    failed = [gate_line(gate) for gate in promotion.gates if gate.status == "failed"]
    return "; ".join(failed) or promotion.state


class GateReporter:
    """An ``on_progress`` callback calling ``on_gate`` once with each gate that has finished.

    Args:
        on_gate: Called with a gate when its verdict (passed or failed) is first seen.
    """

    def __init__(self, on_gate: Callable[[GateResult], None]) -> None:
        self.on_gate = on_gate
        self._reported: set[int] = set()

    def __call__(self, promotion: Promotion) -> None:
        for index, gate in enumerate(promotion.gates):
            if gate.status in ("passed", "failed") and index not in self._reported:
                self._reported.add(index)
                self.on_gate(gate)


def promotion_text(promotion: Promotion) -> str:
    """A promotion, a fact a line, then its gates."""
    moved = f"{promotion.previous_version or '-'} -> {promotion.version or '-'}"
    source = f" (model {promotion.artifact_path})" if promotion.artifact_path else ""
    lines = [
        f"promotion    {promotion.promotion_id} {promotion.state}",
        f"model        {promotion.name}@{promotion.alias} ({moved})",
        f"run          {promotion.run_id or '-'}{source}",
        f"model uri    {promotion.model_uri or '-'}",
    ]
    if promotion.error:
        lines.append(f"error        {promotion.error}")
    lines.append("gates:" if promotion.gates else "gates        none")
    lines.extend(f"  {gate_line(gate)}" for gate in promotion.gates)
    return "\n".join(lines)
