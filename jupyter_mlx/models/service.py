"""Registered models: promotion behind gates, alias moves, their history and rollback.

Everything MLflow holds stays MLflow's: versions and aliases are MLflow's own (readable by
its clients and UI), with ``mlx.*`` tags added; the alias history lives in the jupyter-mlx
store (:mod:`jupyter_mlx.models.history`).

A promotion is all or nothing. Gates run first and a failing one registers nothing; after
that, a failing step (register, move the alias, record) undoes the earlier ones: the new
version is deleted again (with the registered model, when this promotion created it), the
alias points where it did, and the history records the attempt as ``undone``.
"""

from __future__ import annotations

import builtins
import functools
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from ..config import Settings
from ..environments.service import EnvironmentService
from ..errors import InvalidInput, MLXError, NotFound
from ..store.db import Store
from ..tracking import links
from ..tracking.client import TrackingConnection, load_mlflow
from . import sources
from .gates import MetricGate, Reference, check_metrics_exist, evaluate, parse_gates
from .history import AliasHistory
from .schemas import (
    AliasMove,
    DescribeModel,
    GateResult,
    Gates,
    ListModelsQuery,
    ListModelsResponse,
    ModelHistory,
    ModelSummary,
    ModelVersion,
    MoveAliasRequest,
    PromoteRequest,
    Promotion,
    RollbackRequest,
    RunModel,
    RunModels,
)
from .smoke import SMOKE_TIMEOUT_S, interpreter_for, smoke_test

if TYPE_CHECKING:
    from mlflow.entities import Run

log = logging.getLogger("jupyter_mlx")

#: Registered model tag holding its default gates (:class:`Gates` as JSON).
GATES_TAG = "mlx.gates"
#: Model names the API's routes take for themselves.
RESERVED_NAMES = frozenset({"promote"})
SMOKE_GATE = "smoke test"
#: Most versions of a model described, newest first.
MAX_VERSIONS = 200
#: Seconds MLflow may take to make a new version READY.
REGISTER_TIMEOUT_S = 300
#: Run tags copied onto a new version (version tag <- run tag).
VERSION_TAGS = {
    "mlx.notebook": links.SOURCE_NAME,
    "mlx.job.id": links.JOB_ID,
    "mlx.env.name": links.ENV_NAME,
    "mlx.env.lock_sha256": links.ENV_LOCK_SHA256,
}
RUN_ID_TAG = "mlx.run_id"

OnProgress = Callable[[Promotion], None]


@dataclass(frozen=True, slots=True)
class PromotionPlan:
    """A validated promotion or gated alias move, ready for :meth:`ModelService.execute`.

    Attributes:
        promotion: How it starts: state ``running``, every gate ``pending``.
        action: ``promote`` (register a run's model) or ``move`` (an existing version).
        gates: The metric gates, in order.
        smoke: Whether the smoke test runs (after the metric gates).
        metrics: The metrics of the run the gates check.
        note: The user's note for the history.
        model: The run's model (a promotion).
        version: The version the alias moves to (a move).
        tags: Tags of the run that produced the model.
        smoke_uri: The model URI the smoke test loads.
        source: Where a promotion's new version reads the model: the artifact location.
    """

    promotion: Promotion
    action: Literal["promote", "move"]
    gates: tuple[MetricGate, ...]
    smoke: bool
    metrics: Mapping[str, float]
    note: str
    model: RunModel | None = None
    version: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    smoke_uri: str | None = None
    source: str | None = None


class ModelService:
    """Registered models of a workspace's MLflow registry, and their alias history.

    Blocking: the server calls every method off its event loop.

    Args:
        settings: The workspace.
        store: The jupyter-mlx database (alias history).
        connection: The MLflow tracking store (its registry is the same URI).
        environments: Where a run's environment is found for the smoke test.
        smoke_timeout_s: Seconds a smoke test may take.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        connection: TrackingConnection,
        environments: EnvironmentService,
        *,
        smoke_timeout_s: float = SMOKE_TIMEOUT_S,
    ) -> None:
        self.settings = settings
        self.connection = connection
        self.environments = environments
        self.history_store = AliasHistory(store)
        self.smoke_timeout_s = smoke_timeout_s
        # Held while an alias moves and its entry is written, and while outside moves are
        # looked for, so that a read never takes our own move for an outside one.
        self._alias_lock = threading.RLock()
        #: Called with (model, alias) after each alias move, from the thread that moved it
        #: (the server reloads the endpoints serving that alias).
        self.on_alias_moved: Callable[[str, str], None] | None = None

    # --- reads ------------------------------------------------------------------------

    def list(self, query: ListModelsQuery) -> ListModelsResponse:
        """A page of registered models whose name contains ``query.search`` (any case).

        Raises:
            InvalidInput: The search holds both kinds of quotes, or the page token is bad.
            Unavailable: The tracking store cannot be reached.
        """
        search = None
        if query.search:
            search = f"name ILIKE {_quoted(f'%{query.search}%', 'search')}"
        conn = self.connection
        with conn.errors(field="page_token"):
            page = conn.client.search_registered_models(
                filter_string=search,
                max_results=query.max_results,
                order_by=["name ASC"],
                page_token=query.page_token or None,
            )
        return ListModelsResponse(
            models=[_summary(model) for model in page], next_page_token=page.token or None
        )

    def describe(self, name: str) -> DescribeModel:
        """A registered model: its versions (newest first, with their runs), aliases and
        default gates. Alias moves made outside jupyter-mlx are recorded first.

        Raises:
            NotFound: (field ``name``) no such registered model.
        """
        model = self._registered(name)
        self._record_outside(name)
        conn = self.connection
        with conn.errors(field="name"):
            versions = conn.client.search_model_versions(
                f"name = {_quoted(name, 'name')}",
                max_results=MAX_VERSIONS,
                order_by=["version_number DESC"],
            )
        runs = self._runs(v.run_id for v in versions if v.run_id)
        summary = _summary(model)
        # A version as searched lists no aliases (MLflow's SQL store leaves them out).
        held: dict[str, builtins.list[str]] = {}
        for alias, number in sorted(summary.aliases.items()):
            held.setdefault(number, []).append(alias)
        return DescribeModel(
            **summary.model_dump(),
            versions=[
                _version(v, runs.get(v.run_id or ""), held.get(str(v.version), []))
                for v in versions
            ],
            gates=_default_gates(name, model.tags),
        )

    def history(self, name: str) -> ModelHistory:
        """Every alias move of a registered model, newest first (outside ones recorded first).

        The history of a model that is not (or no longer) registered is answered too, when
        there is one: a refused first promotion, a model deleted since.

        Raises:
            NotFound: (field ``name``) no such registered model, and no history of one.
        """
        self._record_outside(name)
        moves = self.history_store.moves(name)
        if not moves:
            self._registered(name)
        return ModelHistory(name=name, moves=moves)

    def run_models(self, run_id: str) -> RunModels:
        """The models a run holds (LoggedModels, then artifact folders with MLmodel).

        Raises:
            NotFound: (field ``run_id``) no such run.
        """
        return RunModels(
            run_id=run_id, models=sources.run_models(self.connection, self._run(run_id))
        )

    # --- promotion --------------------------------------------------------------------

    def prepare_promotion(self, request: PromoteRequest) -> PromotionPlan:
        """Check everything a promotion needs before any gate runs.

        Raises:
            NotFound: (field ``run_id``) no such run.
            InvalidInput: the run has no such model (``artifact_path``), the name is reserved
                or clashes in case with another model (``name``), the alias breaks MLflow's
                rules (``alias``), a gate is malformed or names a metric the run lacks
                (``gates``), or a smoke test is asked of a model without an input example
                (``smoke``).
        """
        run = self._run(request.run_id)
        conn = self.connection
        with conn.errors(field="artifact_path"):
            top_level = [entry.path for entry in conn.client.list_artifacts(request.run_id)]
        model = sources.pick(
            sources.run_models(conn, run), request.artifact_path, request.run_id, top_level
        )
        _check_name(request.name)
        _check_alias(request.alias)
        existing = self._registered_or_none(request.name)
        if existing is None:
            self._check_case_clash(request.name)
        defaults = _default_gates(request.name, existing.tags) if existing else Gates()
        gates, smoke = self._gates(request.gates, request.smoke, defaults, run.data.metrics)
        if smoke and not model.has_input_example:
            raise InvalidInput(
                f"The smoke test needs an input example; {model.artifact_path} was logged "
                "without one (log_model(..., input_example=...)).",
                field="smoke",
            )
        return PromotionPlan(
            promotion=_started(
                request.name,
                request.alias,
                request.run_id,
                model.artifact_path,
                model.model_uri,
                gates,
                smoke,
            ),
            action="promote",
            gates=tuple(gates),
            smoke=smoke,
            metrics=dict(run.data.metrics),
            note=request.note,
            model=model,
            tags=dict(run.data.tags),
            smoke_uri=model.model_uri,
            source=self._storage_location(run, model),
        )

    def prepare_move(self, name: str, alias: str, request: MoveAliasRequest) -> PromotionPlan:
        """Check a gated move of ``alias`` to an existing version of ``name``.

        Raises:
            NotFound: no such registered model (``name``) or version (``version``).
            InvalidInput: as in :meth:`prepare_promotion`, against the version's run.
        """
        model = self._registered(name)
        _check_alias(alias)
        version = self._model_version(name, request.version)
        run = self._run_or_none(version.run_id)
        metrics = dict(run.data.metrics) if run else {}
        gates, smoke = self._gates(
            request.gates, request.smoke, _default_gates(name, model.tags), metrics
        )
        uri = f"models:/{name}/{version.version}"
        if smoke:
            with self.connection.errors(field="version"):
                location = self.connection.client.get_model_version_download_uri(
                    name, version.version
                )
            if not sources.read_mlmodel(self.connection, location)[2]:
                raise InvalidInput(
                    f"The smoke test needs an input example; version {version.version} of "
                    f"{name} was logged without one.",
                    field="smoke",
                )
        tags = {**_version_lineage(version.tags), **(run.data.tags if run else {})}
        return PromotionPlan(
            promotion=_started(name, alias, version.run_id, None, uri, gates, smoke),
            action="move",
            gates=tuple(gates),
            smoke=smoke,
            metrics=metrics,
            note=request.note,
            version=str(version.version),
            tags=tags,
            smoke_uri=uri,
        )

    def execute(
        self, plan: PromotionPlan, *, user: str | None, on_progress: OnProgress | None = None
    ) -> Promotion:
        """Run the gates, then register and move the alias, then record the move.

        Blocking (the smoke test runs a subprocess). Each change of a gate is reported through
        ``on_progress``. A failing gate ends in state ``refused`` with nothing changed; a
        failing step after it in state ``failed`` with every change undone. Both are
        recorded in the history (outcomes ``refused`` and ``undone``).

        Returns:
            The promotion as it ended.
        """
        promotion = plan.promotion

        def show(**changes: Any) -> None:
            nonlocal promotion
            promotion = promotion.model_copy(update=changes)
            if on_progress is not None:
                on_progress(promotion)

        name, alias = promotion.name, promotion.alias
        aliases = self._record_outside(name)
        previous = aliases.get(alias)
        show(previous_version=previous)
        results = self._run_gates(plan, previous, show)
        failed = [result for result in results if result.status == "failed"]
        if failed:
            error = "; ".join(f"{result.gate}: {result.detail}" for result in failed)
            self.history_store.record(
                name,
                alias,
                action=plan.action,
                outcome="refused",
                from_version=previous,
                to_version=plan.version,
                user=user,
                gates=results,
                note=plan.note,
                error=error,
            )
            show(state="refused", error=error, finished_at=_now())
            return promotion
        try:
            version = self._apply(plan, previous, user, results)
        except _Undone as undone:
            show(state="failed", error=undone.message, finished_at=_now())
            return promotion
        self._moved(name, alias)
        show(state="promoted", version=version, finished_at=_now())
        return promotion

    def promote(
        self, request: PromoteRequest, *, user: str | None, on_progress: OnProgress | None = None
    ) -> Promotion:
        """Prepare and execute a promotion (see :meth:`prepare_promotion`, :meth:`execute`)."""
        return self.execute(self.prepare_promotion(request), user=user, on_progress=on_progress)

    def move_alias(
        self,
        name: str,
        alias: str,
        request: MoveAliasRequest,
        *,
        user: str | None,
        on_progress: OnProgress | None = None,
    ) -> Promotion:
        """Prepare and execute a gated alias move (see :meth:`prepare_move`, :meth:`execute`)."""
        plan = self.prepare_move(name, alias, request)
        return self.execute(plan, user=user, on_progress=on_progress)

    def remove_alias(self, name: str, alias: str, *, user: str | None) -> AliasMove:
        """Delete an alias (its version stays) and record it.

        Raises:
            NotFound: no such registered model (``name``) or alias (``alias``).
        """
        self._registered(name)
        with self._alias_lock:
            aliases = self._record_outside(name)
            if alias not in aliases:
                raise _no_alias(name, alias)
            with self.connection.errors(field="alias"):
                self.connection.client.delete_registered_model_alias(name, alias)
            move = self.history_store.record(
                name,
                alias,
                action="remove",
                outcome="moved",
                from_version=aliases[alias],
                to_version=None,
                user=user,
            )
        self._moved(name, alias)
        return move

    def rollback(
        self, name: str, alias: str, request: RollbackRequest, *, user: str | None
    ) -> AliasMove:
        """Move an alias back to the version it held before its last move (or restore an
        alias removed last), and record it as ``rollback``.

        Raises:
            NotFound: no such registered model (``name``), alias never set (``alias``), or
                the earlier version was deleted (``version``).
            InvalidInput: (field ``alias``) the history holds no earlier version.
        """
        self._registered(name)
        with self._alias_lock:
            current = self._record_outside(name).get(alias)
            target = self.history_store.previous_version(name, alias, current)
            if target is None:
                if current is None:
                    raise _no_alias(name, alias)
                raise InvalidInput(
                    f"Alias {alias!r} of {name} has no earlier version to go back to: it was "
                    f"set to version {current} with no version before it.",
                    field="alias",
                )
            try:
                self._model_version(name, target)
            except NotFound as exc:
                raise NotFound(
                    f"Alias {alias!r} of {name} held version {target} before, which was "
                    "deleted since.",
                    field="version",
                ) from exc
            with self.connection.errors(field="alias"):
                self.connection.client.set_registered_model_alias(name, alias, target)
            move = self.history_store.record(
                name,
                alias,
                action="rollback",
                outcome="moved",
                from_version=current,
                to_version=target,
                user=user,
                note=request.note,
            )
        self._moved(name, alias)
        return move

    def set_gates(self, name: str, gates: Gates) -> Gates:
        """Store the default gates of a registered model (its tag ``mlx.gates``).

        Raises:
            NotFound: (field ``name``) no such registered model.
            InvalidInput: (field ``gates``) a gate is malformed.
        """
        self._registered(name)
        parse_gates(gates.metrics)
        with self.connection.errors(field="name"):
            self.connection.client.set_registered_model_tag(
                name, GATES_TAG, gates.model_dump_json()
            )
        return gates

    def _moved(self, name: str, alias: str) -> None:
        """Tell :attr:`on_alias_moved` (a failure to tell never undoes the move)."""
        if self.on_alias_moved is None:
            return
        try:
            self.on_alias_moved(name, alias)
        except Exception:
            log.exception("Could not tell that alias %r of %s moved", alias, name)

    # --- gates --------------------------------------------------------------------------

    def _gates(
        self,
        expressions: Sequence[str] | None,
        smoke: bool | None,
        defaults: Gates,
        metrics: Mapping[str, float],
    ) -> tuple[builtins.list[MetricGate], bool]:
        gates = parse_gates(defaults.metrics if expressions is None else expressions)
        check_metrics_exist(gates, metrics)
        return gates, defaults.smoke if smoke is None else smoke

    def _run_gates(
        self, plan: PromotionPlan, previous: str | None, show: Callable[..., None]
    ) -> builtins.list[GateResult]:
        """Each gate in turn, metric gates then the smoke test, each shown as it runs."""
        results = list(plan.promotion.gates)
        references: dict[str, Reference] = {}

        def judge(index: int, verdict: Callable[[], tuple[bool, str]]) -> None:
            results[index] = results[index].model_copy(update={"status": "running"})
            show(gates=list(results))
            passed, detail = verdict()
            status = "passed" if passed else "failed"
            results[index] = results[index].model_copy(update={"status": status, "detail": detail})
            show(gates=list(results))

        for index, gate in enumerate(plan.gates):
            alias = gate.reference_alias(plan.promotion.alias)
            reference = None
            if alias is not None:
                if alias not in references:
                    references[alias] = self._reference(plan.promotion.name, alias)
                reference = references[alias]
            judge(index, functools.partial(evaluate, gate, plan.metrics, reference))
        if plan.smoke:
            judge(len(plan.gates), lambda: self._smoke(plan))
        return results

    def _reference(self, name: str, alias: str) -> Reference:
        """The version ``alias`` points to now and its run's metrics."""
        version = self._aliases(name).get(alias)
        if version is None:
            return Reference(alias, None, {})
        run = self._run_or_none(self._model_version(name, version).run_id)
        return Reference(alias, version, dict(run.data.metrics) if run else {})

    def _smoke(self, plan: PromotionPlan) -> tuple[bool, str]:
        assert plan.smoke_uri is not None
        interpreter = interpreter_for(self.environments, plan.tags.get(links.ENV_NAME))
        env = {**os.environ, **self.settings.process_env()}
        return smoke_test(
            plan.smoke_uri,
            interpreter,
            env=env,
            cwd=self.settings.root_dir,
            timeout=self.smoke_timeout_s,
        )

    # --- changes, undone on failure -------------------------------------------------------

    def _apply(
        self,
        plan: PromotionPlan,
        previous: str | None,
        user: str | None,
        results: builtins.list[GateResult],
    ) -> str:
        """Register (a promotion), move the alias and record it; undo it all on a failure.

        Returns:
            The version the alias points to now.

        Raises:
            _Undone: A step failed; what it had changed was undone and recorded.
        """
        name, alias = plan.promotion.name, plan.promotion.alias
        client = self.connection.client
        done = _Changes(version=plan.version)
        step = "register the model"
        try:
            with self._alias_lock:
                if plan.action == "promote":
                    done.created, done.version = self._register(plan)
                    done.registered = True
                step = "move the alias"
                assert done.version is not None
                with self.connection.errors(field="alias"):
                    client.set_registered_model_alias(name, alias, done.version)
                done.moved = True
                step = "record the move"
                self.history_store.record(
                    name,
                    alias,
                    action=plan.action,
                    outcome="moved",
                    from_version=previous,
                    to_version=done.version,
                    user=user,
                    gates=results,
                    note=plan.note,
                )
            return done.version
        except Exception as exc:
            reason = exc.message if isinstance(exc, MLXError) else f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, MLXError):
                log.exception("Promotion of %s failed while trying to %s", name, step)
            message = f"Could not {step}: {reason}. " + self._undo(plan, previous, done)
            try:
                self.history_store.record(
                    name,
                    alias,
                    action=plan.action,
                    outcome="undone",
                    from_version=previous,
                    to_version=done.version,
                    user=user,
                    gates=results,
                    note=plan.note,
                    error=message,
                )
            except Exception:
                log.exception("The undone promotion of %s could not be recorded", name)
            raise _Undone(message) from exc

    def _register(self, plan: PromotionPlan) -> tuple[bool, str]:
        """Create the registered model if needed and a READY version of the run's model.

        Returns:
            Whether the registered model was created, and the new version.
        """
        assert plan.model is not None and plan.source is not None
        name = plan.promotion.name
        client = self.connection.client
        tags = {RUN_ID_TAG: plan.promotion.run_id or ""}
        tags.update({key: plan.tags[tag] for key, tag in VERSION_TAGS.items() if tag in plan.tags})
        created = False
        with self.connection.errors(field="name"):
            if self._registered_or_none(name) is None:
                client.create_registered_model(name)
                created = True
            version = client.create_model_version(
                name,
                source=plan.source,
                run_id=plan.promotion.run_id,
                tags=tags,
                model_id=plan.model.model_id,
                await_creation_for=REGISTER_TIMEOUT_S,
            )
            status = client.get_model_version(name, str(version.version)).status
        if status != "READY":
            raise MLXError(f"version {version.version} is {status}, not READY")
        return created, str(version.version)

    def _undo(self, plan: PromotionPlan, previous: str | None, done: _Changes) -> str:
        """Undo what :meth:`_apply` changed; say what was undone (and what could not be)."""
        name, alias = plan.promotion.name, plan.promotion.alias
        client = self.connection.client
        said: builtins.list[str] = []

        def attempt(what: str, step: Callable[[], object]) -> None:
            try:
                with self.connection.errors():
                    step()
                said.append(what)
            except Exception as exc:
                log.exception("Could not undo a promotion of %s: %s", name, what)
                said.append(f"could not undo: {what} ({exc})")

        if done.registered and done.version is not None:
            version = done.version
            attempt(
                f"version {version} was deleted again",
                lambda: client.delete_model_version(name, version),
            )
            if done.created:
                attempt(
                    f"registered model {name} was deleted again",
                    lambda: client.delete_registered_model(name),
                )
        if done.moved or done.registered:
            if previous is not None:
                attempt(
                    f"alias {alias!r} points to version {previous} again",
                    lambda: client.set_registered_model_alias(name, alias, previous),
                )
            elif done.moved and not done.registered:
                attempt(
                    f"alias {alias!r} was removed again",
                    lambda: client.delete_registered_model_alias(name, alias),
                )
        if not said:
            return "Nothing was changed."
        return "; ".join(said).capitalize() + "."

    # --- MLflow reads ---------------------------------------------------------------------

    def _storage_location(self, run: Run, model: RunModel) -> str:
        """The artifact location of a run's model, registered as its version's source.

        MLflow's registry resolves a ``models:/`` or ``runs:/`` source through its
        process-global tracking URI, not the client's: given the location itself, it
        resolves nothing.
        """
        if model.model_id is None:
            return f"{run.info.artifact_uri.rstrip('/')}/{model.artifact_path}"
        with self.connection.errors(field="artifact_path"):
            return str(self.connection.client.get_logged_model(model.model_id).artifact_location)

    def _run(self, run_id: str) -> Run:
        with self.connection.errors(field="run_id"):
            return self.connection.client.get_run(run_id)

    def _run_or_none(self, run_id: str | None) -> Run | None:
        """A run that exists and is not deleted; None otherwise."""
        if not run_id:
            return None
        try:
            run = self._run(run_id)
        except NotFound:
            return None
        return None if run.info.lifecycle_stage == "deleted" else run

    def _runs(self, run_ids: Iterable[str]) -> dict[str, Run]:
        """The runs that still exist among ``run_ids``, each read once."""
        found = {run_id: self._run_or_none(run_id) for run_id in dict.fromkeys(run_ids)}
        return {run_id: run for run_id, run in found.items() if run is not None}

    def _registered(self, name: str) -> Any:
        with self.connection.errors(field="name"):
            try:
                return self.connection.client.get_registered_model(name)
            except Exception as exc:
                if _missing(exc):
                    raise NotFound(f"No registered model named {name!r}.", field="name") from exc
                raise

    def _registered_or_none(self, name: str) -> Any:
        try:
            return self._registered(name)
        except NotFound:
            return None

    def _aliases(self, name: str) -> dict[str, str]:
        model = self._registered_or_none(name)
        return _alias_versions(model) if model is not None else {}

    def _model_version(self, name: str, version: str) -> Any:
        with self.connection.errors(field="version"):
            try:
                return self.connection.client.get_model_version(name, version)
            except Exception as exc:
                if _missing(exc):
                    raise NotFound(
                        f"Registered model {name!r} has no version {version}.", field="version"
                    ) from exc
                raise

    def _check_case_clash(self, name: str) -> None:
        with self.connection.errors(field="name"):
            found = self.connection.client.search_registered_models(
                filter_string=f"name ILIKE {_quoted(name, 'name')}", max_results=10
            )
        clash = next((m.name for m in found if m.name.lower() == name.lower()), None)
        if clash is not None and clash != name:
            raise InvalidInput(
                f"A registered model named {clash!r} exists; names differing only in case "
                "are refused. Use that name, or choose another.",
                field="name",
            )

    def _record_outside(self, name: str) -> dict[str, str]:
        """Record the alias moves made outside jupyter-mlx; answer the aliases now."""
        with self._alias_lock:
            aliases = self._aliases(name)
            self.history_store.record_outside(name, aliases)
            return aliases


@dataclass(slots=True)
class _Changes:
    """What a promotion has changed so far (to undo on a failure)."""

    version: str | None = None
    created: bool = False
    registered: bool = False
    moved: bool = False


class _Undone(Exception):
    """A promotion step failed and what it had changed was undone."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _missing(exc: BaseException) -> bool:
    """Whether MLflow said the thing asked for does not exist."""
    load_mlflow()
    from mlflow.exceptions import MlflowException

    return isinstance(exc, MlflowException) and exc.error_code == "RESOURCE_DOES_NOT_EXIST"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _quoted(value: str, field_name: str) -> str:
    try:
        return links.quote_filter_value(value)
    except ValueError as exc:
        raise InvalidInput(f"{field_name}: {exc}", field=field_name) from exc


def _check_name(name: str) -> None:
    if name in RESERVED_NAMES:
        raise InvalidInput(f"name: {name!r} is reserved; choose another name.", field="name")


def _check_alias(alias: str) -> None:
    """Apply MLflow's rules on alias names, with MLflow's messages."""
    load_mlflow()
    from mlflow.exceptions import MlflowException
    from mlflow.utils.validation import (
        _validate_model_alias_name,
        _validate_model_alias_name_reserved,
    )

    try:
        _validate_model_alias_name(alias)
        _validate_model_alias_name_reserved(alias)
    except MlflowException as exc:
        raise InvalidInput(f"alias: {exc.message}", field="alias") from exc


def _no_alias(name: str, alias: str) -> NotFound:
    return NotFound(f"Registered model {name!r} has no alias {alias!r}.", field="alias")


def _default_gates(name: str, tags: Mapping[str, str]) -> Gates:
    """The default gates stored on a registered model (none when it has none).

    Raises:
        InvalidInput: (field ``gates``) the tag was edited into something unreadable; gates
            are never skipped silently.
    """
    stored = tags.get(GATES_TAG)
    if not stored:
        return Gates()
    try:
        return Gates.model_validate_json(stored)
    except ValidationError as exc:
        raise InvalidInput(
            f"The default gates of {name} (tag {GATES_TAG}) cannot be read; set them again: "
            f"{str(exc).splitlines()[0]}",
            field="gates",
        ) from exc


def _started(
    name: str,
    alias: str,
    run_id: str | None,
    artifact_path: str | None,
    model_uri: str,
    gates: Sequence[MetricGate],
    smoke: bool,
) -> Promotion:
    results = [GateResult(gate=g.expression, kind="metric", status="pending") for g in gates]
    if smoke:
        results.append(GateResult(gate=SMOKE_GATE, kind="smoke", status="pending"))
    return Promotion(
        promotion_id=uuid.uuid4().hex,
        state="running",
        name=name,
        alias=alias,
        run_id=run_id,
        artifact_path=artifact_path,
        model_uri=model_uri,
        gates=results,
        version=None,
        previous_version=None,
        started_at=_now(),
        finished_at=None,
    )


def _summary(model: Any) -> ModelSummary:
    latest = [int(v.version) for v in model.latest_versions or []]
    return ModelSummary(
        name=model.name,
        description=model.description or None,
        aliases=_alias_versions(model),
        latest_version=str(max(latest)) if latest else None,
        created=model.creation_timestamp,
        updated=model.last_updated_timestamp,
        tags=dict(model.tags),
    )


def _alias_versions(model: Any) -> dict[str, str]:
    """Alias to version of a registered model (MLflow gives some versions as integers)."""
    return {alias: str(version) for alias, version in model.aliases.items()}


def _version_lineage(tags: Mapping[str, str]) -> dict[str, str]:
    """Run tags as a version's copies of them give them back (for a run deleted since)."""
    return {tag: tags[key] for key, tag in VERSION_TAGS.items() if key in tags}


def _version(version: Any, run: Run | None, aliases: list[str]) -> ModelVersion:
    tags = {**_version_lineage(version.tags), **(run.data.tags if run else {})}
    return ModelVersion(
        version=str(version.version),
        status=version.status,
        source=version.source,
        run_id=version.run_id or None,
        run_name=run.info.run_name if run else None,
        notebook=tags.get(links.SOURCE_NAME),
        job_id=tags.get(links.JOB_ID),
        environment=tags.get(links.ENV_NAME),
        environment_lock_sha256=tags.get(links.ENV_LOCK_SHA256),
        aliases=aliases,
        created=version.creation_timestamp,
        user=version.user_id or None,
        description=version.description or None,
        metrics=dict(run.data.metrics) if run else {},
    )
