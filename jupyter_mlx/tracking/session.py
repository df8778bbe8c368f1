"""The tracked MLflow run of a kernel: start, resume, stop; and queries over a notebook's runs.

A kernel tracks at most one notebook run at a time (plus, while one cell runs under
``%%mlx_track``, that cell's run). The run is MLflow's *fluent* active run, so ``mlflow.log_*``
calls in the notebook land in it, and it carries the notebook tags of :mod:`.links`. Stopping
it logs a snapshot of the notebook file and ends it.

MLflow and pandas are imported inside functions; this module imports neither IPython nor
ipywidgets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import Conflict, InvalidInput, NotFound, invalid_input
from . import links
from .client import TrackingConnection
from .inputs import DataInput, describe_inputs, hash_inputs, log_inputs
from .notebook import (
    NotebookRef,
    locate_notebook,
    parameter_values,
    read_parameter_names,
    recording_position,
    run_snapshot,
    take_snapshot,
)
from .workspace import quiet_store_setup, use_workspace_tracking

if TYPE_CHECKING:
    import pandas as pd

    from .schemas import RunSummary
    from .service import TrackingService

FINISHED = "FINISHED"
FAILED = "FAILED"
KILLED = "KILLED"
RUNNING = "RUNNING"


@dataclass(frozen=True, slots=True)
class TrackOptions:
    """What ``%mlx_track`` was asked for.

    Attributes:
        experiment: Experiment name; default: the notebook path relative to the server root.
        run_name: Run name; default: one MLflow makes up.
        notebook: Notebook path overriding the one the kernel knows.
        autolog: Whether to turn on ``mlflow.autolog`` while the run is tracked.
        inputs: Files or folders the notebook reads (relative to the kernel's folder, inside
            the server root), recorded with their hashes (see :mod:`.inputs`).
    """

    experiment: str | None = None
    run_name: str | None = None
    notebook: str | None = None
    autolog: bool = True
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TrackedRun:
    """A run this kernel started.

    Attributes:
        run_id: MLflow run id.
        run_name: MLflow run name.
        experiment_id: Id of the run's experiment.
        experiment_name: Name of the run's experiment.
        notebook: The notebook the run is bound to.
        tracking_uri: The tracking store the run lives in.
        parent_run_id: The tracked run this one is nested in (a ``%%mlx_track`` cell inside a
            tracked notebook), else None.
        autolog: Whether this run turned ``mlflow.autolog`` on (and so turns it off).
        recorded_from: Where the kernel's cell recorder was when the run started (see
            :func:`.notebook.run_snapshot`), None when nothing records the kernel's cells.
    """

    run_id: str
    run_name: str
    experiment_id: str
    experiment_name: str
    notebook: NotebookRef
    tracking_uri: str
    parent_run_id: str | None = None
    autolog: bool = False
    recorded_from: int | None = None


@dataclass(frozen=True, slots=True)
class StartResult:
    """The outcome of :meth:`TrackingSession.start`.

    Attributes:
        run: The run now tracked.
        resumed: True if the run was already tracked by this kernel and simply continues.
        notes: Sentences the user should read (a foreign run ended, a parameter changed).
    """

    run: TrackedRun
    resumed: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StopResult:
    """The outcome of :meth:`TrackingSession.stop`.

    Attributes:
        run: The run that ended.
        status: Its final MLflow status (``FINISHED``, ``FAILED``, ``KILLED``).
        snapshot: Artifact path of the notebook snapshot, None if the file could not be read.
        sha256: Hex sha256 of the snapshot.
        notes: Sentences the user should read.
    """

    run: TrackedRun
    status: str
    snapshot: str | None
    sha256: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunComparison:
    """Runs side by side: their metric histories and the parameters that differ.

    Attributes:
        labels: Run id -> a label unique among the compared runs (the run name, or
            ``name (id prefix)`` where names repeat), in the order asked for.
        histories: Metric key -> run id -> ``[(step, value), ...]`` sorted by step.
        params: Parameters whose values differ between the runs: one row per parameter, one
            column per run label (None where a run lacks the parameter).
    """

    labels: dict[str, str]
    histories: dict[str, dict[str, list[tuple[int, float]]]]
    params: pd.DataFrame = field(repr=False)


def kernel_tracking_uri() -> str:
    """This kernel's tracking URI (see :meth:`jupyter_mlx.config.Settings.for_process`)."""
    return Settings.for_process().tracking_uri


class TrackingSession:
    """The runs one kernel tracks; a kernel has one (see :func:`kernel_session`).

    Args:
        environ: Where the notebook path, server root and link variables are read from;
            defaults to ``os.environ`` (read at each call).
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self._runs: list[TrackedRun] = []
        self._lock = threading.RLock()
        #: The run this session ended last (``%mlx_track --stop``), or None.
        self.last_stopped: TrackedRun | None = None

    @property
    def run(self) -> TrackedRun | None:
        """The innermost run tracked now, or None."""
        return self._runs[-1] if self._runs else None

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def start(
        self, options: TrackOptions, namespace: Mapping[str, Any], *, cell: bool = False
    ) -> StartResult:
        """Start tracking the notebook, or resume the run this kernel already tracks.

        Any other active fluent run (one started with ``mlflow.start_run()`` in the notebook)
        is ended first, so this never fails with "run already active".

        Args:
            options: What was asked for.
            namespace: The kernel's user namespace; the current values of the parameters
                cell's names are logged as params.
            cell: Start a run for one cell: never resumes; nested in this kernel's tracked run
                when there is one.

        Returns:
            The run and whether it was resumed.

        Raises:
            InvalidInput: No notebook path, a malformed parameters cell, a bad experiment, or
                an input missing or outside the server root (nothing is started then).
            NotFound: The notebook file does not exist.
            Unavailable: The tracking server cannot be reached.
        """
        with self._lock:
            # Without a tracked run, a missing notebook path is reported before MLflow loads.
            located = None
            if self.run is None:
                located = locate_notebook(options.notebook, environ=self._env())
            inputs = self._hash_inputs(options.inputs)
            import mlflow

            uri = kernel_tracking_uri()
            with TrackingConnection(uri).errors(), quiet_store_setup():
                mlflow.set_tracking_uri(uri)
                active = mlflow.active_run()
                current = self.run
                ours = (
                    current is not None
                    and active is not None
                    and active.info.run_id == current.run_id
                )
                if ours and not cell:
                    assert current is not None
                    started = self._resume(current, options, namespace)
                else:
                    notes: list[str] = []
                    if not ours:
                        notes.extend(self._end_leftovers(mlflow))
                    parent = current if ours else None
                    started = self._start_new(
                        mlflow, uri, options, namespace, parent, located, notes
                    )
                return self._record_inputs(started, inputs)

    def _hash_inputs(self, paths: Sequence[str]) -> list[DataInput]:
        """Hash declared inputs, relative to the kernel's folder, inside the server root."""
        if not paths:
            return []
        root = Settings.for_process(self._env()).root_dir
        return hash_inputs(root, paths, base=Path.cwd(), field="input")

    def _record_inputs(self, started: StartResult, inputs: list[DataInput]) -> StartResult:
        if not inputs:
            return started
        from mlflow.tracking import MlflowClient

        run = started.run
        log_inputs(MlflowClient(tracking_uri=run.tracking_uri), run.run_id, inputs)
        note = f"Recorded the inputs {describe_inputs(inputs)}."
        return dataclasses.replace(started, notes=(*started.notes, note))

    def _resume(
        self, run: TrackedRun, options: TrackOptions, namespace: Mapping[str, Any]
    ) -> StartResult:
        from mlflow.tracking import MlflowClient

        notes: list[str] = []
        asked = [
            ("experiment", options.experiment, run.experiment_name),
            ("run name", options.run_name, run.run_name),
        ]
        ignored = [name for name, value, actual in asked if value and value != actual]
        if options.notebook:
            other = locate_notebook(options.notebook, environ=self._env())
            if other.path != run.notebook.path:
                ignored.append("notebook")
        if ignored:
            notes.append(
                f"Kept the tracked run's {', '.join(ignored)}: "
                "stop it with `%mlx_track --stop` to start a run with other options."
            )
        client = MlflowClient(tracking_uri=run.tracking_uri)
        logged = client.get_run(run.run_id).data.params
        values = parameter_values(read_parameter_names(run.notebook.source), namespace)
        new = {k: v for k, v in values.items() if k not in logged}
        changed = [k for k, v in values.items() if k in logged and logged[k] != str(v)]
        if new:
            client.log_batch(run.run_id, params=_params(new))
        if changed:
            noun = "Parameters" if len(changed) > 1 else "Parameter"
            notes.append(
                f"{noun} {', '.join(changed)} changed since the run started; MLflow params "
                "cannot change: `%mlx_track --stop`, then `%mlx_track` for a new run."
            )
        return StartResult(run=run, resumed=True, notes=tuple(notes))

    def _end_leftovers(self, mlflow: Any) -> list[str]:
        """End active fluent runs that are not this kernel's tracked run."""
        notes = []
        if self._runs:
            gone = self._runs[-1]
            notes.append(
                f"Run '{gone.run_name}' had been ended outside `%mlx_track`; "
                "no notebook snapshot was logged to it."
            )
            self._runs.clear()
        while (active := mlflow.active_run()) is not None:
            mlflow.end_run()
            notes.append(f"Ended run {active.info.run_id}, which was active outside `%mlx_track`.")
        return notes

    def _start_new(
        self,
        mlflow: Any,
        uri: str,
        options: TrackOptions,
        namespace: Mapping[str, Any],
        parent: TrackedRun | None,
        located: NotebookRef | None,
        notes: list[str],
    ) -> StartResult:
        env = self._env()
        if located is not None:
            notebook = located
        elif parent is not None and not options.notebook:
            notebook = parent.notebook
        else:
            notebook = locate_notebook(options.notebook, environ=env)
        params = parameter_values(read_parameter_names(notebook.source), namespace)
        job_run = env.get(links.JOB_MLFLOW_RUN_ENV) if parent is None else None
        if job_run:
            # A job run: its MLflow run was made by the job service; this kernel resumes it.
            active = mlflow.start_run(run_id=job_run, run_name=options.run_name)
            experiment_id = active.info.experiment_id
            experiment_name = mlflow.MlflowClient(uri).get_experiment(experiment_id).name
            if options.experiment and options.experiment != experiment_name:
                notes.append(
                    f"Logging to the job's experiment {experiment_name!r}, not "
                    f"{options.experiment!r}."
                )
        else:
            if options.experiment:
                experiment_name = options.experiment
            elif parent is not None:
                experiment_name = parent.experiment_name
            else:
                experiment_name = notebook.relative
            experiment_id = use_workspace_tracking(experiment_name)
            links.tag_notebook_experiment(
                mlflow.MlflowClient(uri), experiment_id, notebook.relative
            )
            tags = links.notebook_run_tags(
                notebook.relative, sha256=take_snapshot(notebook).sha256, environ=env
            )
            active = mlflow.start_run(
                experiment_id=experiment_id,
                run_name=options.run_name,
                tags=tags,
                nested=parent is not None,
            )
        autolog = options.autolog and not any(r.autolog for r in self._runs)
        run = TrackedRun(
            run_id=active.info.run_id,
            run_name=active.info.run_name,
            experiment_id=experiment_id,
            experiment_name=experiment_name,
            notebook=notebook,
            tracking_uri=uri,
            parent_run_id=parent.run_id if parent else None,
            autolog=autolog,
            recorded_from=recording_position(),
        )
        self._runs.append(run)
        if params:
            mlflow.log_params(params)
        if autolog:
            # ``silent`` keeps MLflow's event logs and warnings out of the user's outputs.
            mlflow.autolog(silent=True)
        return StartResult(run=run, resumed=False, notes=tuple(notes))

    def stop(self, status: str = FINISHED) -> StopResult:
        """End the innermost tracked run after logging a snapshot of the notebook.

        Metrics logged asynchronously are flushed first. The snapshot is the notebook as it ran
        in this kernel (:func:`.notebook.run_snapshot`), logged under ``notebook/<name>.ipynb``,
        with its sha256 in ``mlx.notebook.sha256``, its path in ``mlx.notebook.snapshot`` and,
        when it cannot be fully trusted, the reason in ``mlx.notebook.snapshot_warning``.

        Args:
            status: Final status: ``FINISHED``, ``FAILED`` or ``KILLED``.

        Returns:
            The run that ended, its status and its snapshot.

        Raises:
            Conflict: If this kernel tracks no run.
        """
        with self._lock:
            run = self.run
            if run is None:
                raise Conflict("No run is tracked in this kernel: start one with `%mlx_track`.")
            import mlflow
            from mlflow.entities import RunTag
            from mlflow.tracking import MlflowClient

            client = MlflowClient(tracking_uri=run.tracking_uri)
            notes: list[str] = []
            with TrackingConnection(run.tracking_uri).errors():
                mlflow.flush_async_logging()
                try:
                    snapshot = run_snapshot(run.notebook, since=run.recorded_from)
                except NotFound as exc:
                    snapshot = None
                    notes.append(f"No notebook snapshot: {exc.message}")
                if snapshot is not None:
                    _log_snapshot(client, run.run_id, snapshot.name, snapshot.data)
                    tags = {
                        links.NOTEBOOK_SHA256: snapshot.sha256,
                        links.NOTEBOOK_SNAPSHOT: snapshot.artifact_path,
                    }
                    if snapshot.warning:
                        tags[links.NOTEBOOK_SNAPSHOT_WARNING] = snapshot.warning
                        notes.append(f"Snapshot: {snapshot.warning}")
                    client.log_batch(run.run_id, tags=[RunTag(k, v) for k, v in tags.items()])
                active = mlflow.active_run()
                if active is not None and active.info.run_id == run.run_id:
                    mlflow.end_run(status)
                elif client.get_run(run.run_id).info.status == RUNNING:
                    client.set_terminated(run.run_id, status)
                if run.autolog:
                    mlflow.autolog(disable=True)
            self.last_stopped = self._runs.pop()
            return StopResult(
                run=run,
                status=status,
                snapshot=snapshot.artifact_path if snapshot else None,
                sha256=snapshot.sha256 if snapshot else None,
                notes=tuple(notes),
            )


def _params(values: Mapping[str, Any]) -> Any:
    """Parameter values as MLflow stores them: ``str(value)``."""
    from mlflow.entities import Param

    return [Param(key, str(value)) for key, value in values.items()]


def _log_snapshot(client: Any, run_id: str, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="mlx-snapshot-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        client.log_artifact(run_id, str(path), links.SNAPSHOT_DIR)


_KERNEL_SESSION = TrackingSession()


def kernel_session() -> TrackingSession:
    """The tracking session of this kernel process."""
    return _KERNEL_SESSION


# -- queries -----------------------------------------------------------------------------------

RUN_COLUMNS = ["run_id", "run_name", "status", "start_time", "duration"]


def runs_frame(runs: Sequence[RunSummary]) -> pd.DataFrame:
    """A table of runs: run_id, run_name, status, start_time, duration, params.*, metrics.*.

    Times are UTC; ``duration`` is empty for runs still running; metrics are last values.
    """
    import pandas as pd

    rows = []
    for run in runs:
        start = pd.Timestamp(run.start_time, unit="ms", tz="UTC") if run.start_time else pd.NaT
        end = pd.Timestamp(run.end_time, unit="ms", tz="UTC") if run.end_time else pd.NaT
        row: dict[str, Any] = {
            "run_id": run.run_id,
            "run_name": run.run_name,
            "status": run.status,
            "start_time": start,
            "duration": end - start if run.start_time and run.end_time else pd.NaT,
        }
        row.update({f"params.{k}": v for k, v in run.params.items()})
        row.update({f"metrics.{k}": v for k, v in run.metrics.items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    params = sorted(c for c in frame.columns if c.startswith("params."))
    metrics = sorted(c for c in frame.columns if c.startswith("metrics."))
    frame = frame.reindex(columns=RUN_COLUMNS + params + metrics)
    frame["start_time"] = pd.to_datetime(frame["start_time"], utc=True)
    frame["duration"] = pd.to_timedelta(frame["duration"])
    return frame


def search_notebook_runs(
    notebook: str,
    *,
    tracking_uri: str | None = None,
    max_results: int = 100,
    filter_string: str | None = None,
) -> pd.DataFrame:
    """The runs of one notebook, newest first, across the experiments that hold its runs.

    The query is the server's (:meth:`TrackingService.search_runs`), so the magics and the
    Experiments panel list the same runs.

    Args:
        notebook: Notebook path relative to the server root.
        tracking_uri: The store; default: this kernel's.
        max_results: Most runs returned (1 to 1000).
        filter_string: An MLflow search filter ANDed with the notebook's,
            e.g. ``metrics.accuracy > 0.9``.

    Returns:
        See :func:`runs_frame`.

    Raises:
        InvalidInput: If the filter is malformed or ``max_results`` out of range.
        Unavailable: If the tracking store cannot be reached.
    """
    from pydantic import ValidationError

    from .schemas import ListRunsQuery

    try:
        query = ListRunsQuery(
            notebook=notebook, filter=filter_string or "", max_results=max_results
        )
    except ValidationError as exc:
        raise invalid_input(exc) from exc
    with _tracking_service(tracking_uri) as service:
        return runs_frame(service.search_runs(query).runs)


@contextlib.contextmanager
def _tracking_service(tracking_uri: str | None) -> Iterator[TrackingService]:
    """The tracking service of this kernel's workspace (or of ``tracking_uri``), closed after."""
    from ..services import Services

    settings = Settings.for_process()
    if tracking_uri:
        settings = dataclasses.replace(settings, tracking_uri=tracking_uri)
    with Services.opened(settings) as services:
        yield services.tracking


def compare_runs(run_ids: Sequence[str], *, tracking_uri: str | None = None) -> RunComparison:
    """Collect what a comparison of runs shows (through :meth:`TrackingService.compare`).

    Args:
        run_ids: Two or more run ids.
        tracking_uri: The store; default: this kernel's.

    Raises:
        InvalidInput: If fewer than two distinct runs, or too many, are given.
        NotFound: If a run id is unknown.
        Unavailable: If the tracking store cannot be reached.
    """
    import pandas as pd

    from .schemas import MAX_COMPARED_RUNS, CompareRunsRequest

    ids = list(dict.fromkeys(run_ids))
    if not 2 <= len(ids) <= MAX_COMPARED_RUNS:
        raise InvalidInput(
            f"Give between 2 and {MAX_COMPARED_RUNS} run ids to compare.", field="compare"
        )
    with _tracking_service(tracking_uri) as service:
        response = service.compare(CompareRunsRequest(run_ids=ids, metric_keys=None))
    names = [run.run_name or run.run_id[:8] for run in response.runs]
    labels = {
        run.run_id: name if names.count(name) == 1 else f"{name} ({run.run_id[:8]})"
        for run, name in zip(response.runs, names, strict=True)
    }
    histories: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for series in response.metrics:
        histories[series.key] = {
            run_id: [(s, v) for s, v in zip(series.steps, values, strict=True) if v is not None]
            for run_id, values in series.values.items()
            if any(v is not None for v in values)
        }
    differing = [p for p in response.params if p.differs]
    table = pd.DataFrame(
        {label: [p.values.get(run_id) for p in differing] for run_id, label in labels.items()},
        index=pd.Index([p.key for p in differing], name="param"),
    )
    return RunComparison(labels=labels, histories=histories, params=table)
