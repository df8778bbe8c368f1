"""Experiments and runs of a workspace, read through MLflow for the panel, magics and CLI."""

from __future__ import annotations

import base64
import binascii
import errno
import json
import mimetypes
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import Cancelled, InvalidInput, NotFound
from . import links
from .client import SERVER_REQUEST_TIMEOUT_S, TrackingConnection, load_mlflow
from .history import DATABASE_BACKENDS, History, MetricHistoryReader
from .inputs import read_inputs
from .schemas import (
    MAX_COMPARED_METRICS,
    ArtifactEntry,
    CompareRunsRequest,
    CompareRunsResponse,
    DescribeExperiment,
    DescribeRun,
    ListArtifactsResponse,
    ListExperimentsQuery,
    ListExperimentsResponse,
    ListRunMetricsResponse,
    ListRunsQuery,
    ListRunsResponse,
    LoggedModel,
    MetricSeries,
    ParamComparison,
    RunEnvironment,
    RunJob,
    RunSummary,
)

if TYPE_CHECKING:
    from mlflow.entities import Run

USER_TAG = "mlflow.user"
#: Tags too large or too internal to ship with every listed run.
HIDDEN_TAGS = frozenset({"mlflow.log-model.history"})
#: Longest artifact a user can open through the API.
MAX_ARTIFACT_BYTES = 50 * 1024 * 1024
#: Experiments whose runs a search names neither a notebook nor experiments for: the most
#: recently updated ones (the first page of ``GET /mlx/api/experiments``).
RECENT_EXPERIMENTS = 100
#: Seconds a notebook's experiment ids are reused before they are looked up again.
NOTEBOOK_EXPERIMENTS_TTL_S = 30.0
#: Most experiments one notebook's runs are searched in (MLflow's page size).
MAX_NOTEBOOK_EXPERIMENTS = 1000
#: Largest row offset a page token of a database or file store may name.
MAX_PAGE_OFFSET = 2**31 - 1
#: Largest experiment id of a database store, and largest integer a filter compares with
#: (a signed 64-bit integer).
MAX_EXPERIMENT_ID = 2**63 - 1
#: Most comparisons of a run filter: each may join a table, and SQLite joins at most 64
#: (with up to 20 order_by clauses and the notebook's tag, 61 joins at most).
MAX_FILTER_CLAUSES = 40
#: Most values (steps x runs, over all metrics) one answer of metric histories holds.
MAX_HISTORY_VALUES = 250_000
#: Most steps of one metric's series; a longer history is thinned to evenly spaced steps.
MAX_SERIES_STEPS = 1000
#: Tracking URIs without a scheme that MLflow reads as a hosted tracking server.
REMOTE_STORE_NAMES = frozenset({"databricks", "databricks-uc", "uc"})
#: Files MLflow writes while it logs an artifact; listings leave them out, as MLflow's do.
UPLOADING_PREFIX = ".artifact.uploading."


class TrackingService:
    """Read-only view of the MLflow runs of a workspace.

    Every read costs a fixed number of store calls, however many experiments the tracking
    server holds: a notebook's runs are searched in that notebook's experiments only (see
    :meth:`notebook_experiment_ids`), and a comparison finds its runs by id.

    Every answer is bounded: pages hold at most ``MAX_PAGE_SIZE`` entries, and metric
    histories at most :data:`MAX_COMPARED_METRICS` series of at most :data:`MAX_SERIES_STEPS`
    steps and :data:`MAX_HISTORY_VALUES` values in all (see :meth:`compare`).

    Args:
        tracking_uri: The MLflow tracking URI of the workspace.
        max_artifact_bytes: Longest artifact :meth:`download_artifact` hands out.
    """

    def __init__(self, tracking_uri: str, *, max_artifact_bytes: int = MAX_ARTIFACT_BYTES) -> None:
        self.connection = TrackingConnection(
            tracking_uri, request_timeout_s=SERVER_REQUEST_TIMEOUT_S
        )
        self.store_kind = store_kind(tracking_uri)
        self.histories = MetricHistoryReader(self.connection)
        self.max_artifact_bytes = max_artifact_bytes
        self._notebook_experiments: dict[str, tuple[float, list[str]]] = {}
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        """Release the database connections this service opened."""
        self.histories.close()

    def list_experiments(self, query: ListExperimentsQuery) -> ListExperimentsResponse:
        """A page of active experiments, most recently updated first.

        Raises:
            InvalidInput: The page token is not one this store gave.
            Unavailable: The tracking store cannot be reached.
        """
        page_token = self._page_token(query.page_token)
        conn = self.connection
        with conn.errors(field="page_token"):
            page = conn.client.search_experiments(
                max_results=query.max_results,
                order_by=["last_update_time DESC"],
                page_token=page_token,
            )
        return ListExperimentsResponse(
            experiments=[_experiment(e) for e in page], next_page_token=page.token or None
        )

    def search_runs(self, query: ListRunsQuery) -> ListRunsResponse:
        """A page of runs: of one notebook, of given experiments, or of recent experiments.

        The experiments searched are, in order of precedence:

        - ``experiment_id`` when given (with ``notebook``, only that notebook's runs in them);
        - with ``notebook`` alone, that notebook's experiments (:meth:`notebook_experiment_ids`);
        - with neither, the :data:`RECENT_EXPERIMENTS` most recently updated active
          experiments (created, renamed or restored last), the first page of
          :meth:`list_experiments`; runs of older experiments need their ``experiment_id``.

        Raises:
            InvalidInput: The filter, an order_by clause, an experiment id or the page token is
                malformed (the field is named).
            NotFound: An experiment named by ``experiment_id`` does not exist.
            Unavailable: The tracking store cannot be reached.
        """
        _validate_search(query)
        page_token = self._page_token(query.page_token)
        if self.store_kind == "database":
            _check_experiment_ids(query.experiment_id)
        conn = self.connection
        if query.experiment_id:
            experiment_ids = query.experiment_id
        elif query.notebook is not None:
            experiment_ids = self.notebook_experiment_ids(query.notebook)
        else:
            experiment_ids = self._recent_experiment_ids()
        if not experiment_ids:
            return ListRunsResponse(runs=[], next_page_token=None)
        filters = [query.filter.strip()] if query.filter.strip() else []
        if query.notebook is not None:
            filters.insert(0, _filter_value(links.notebook_filter, query.notebook, "notebook"))
        try:
            with conn.errors(field="filter"):
                page = conn.client.search_runs(
                    experiment_ids,
                    filter_string=" and ".join(filters),
                    max_results=query.max_results,
                    order_by=query.order_by,
                    page_token=page_token,
                )
        except NotFound as exc:  # all a search can miss is an experiment
            raise NotFound(exc.message, field="experiment_id") from exc
        return ListRunsResponse(
            runs=[summarize_run(run) for run in page], next_page_token=page.token or None
        )

    def notebook_experiment_ids(self, notebook: str) -> list[str]:
        """The active experiments holding runs of a notebook, found without scanning others.

        They are the experiments tagged for the notebook (:func:`links.notebook_experiment_tag`,
        set when a run of it starts) and the experiment named by its path, where ``%mlx_track``
        put runs started before experiments were tagged. The answer is reused for
        :data:`NOTEBOOK_EXPERIMENTS_TTL_S` seconds, or until this service tags an experiment for
        the notebook; a notebook without experiments is looked up again at each call, so its
        first run shows at once.

        Raises:
            InvalidInput: The notebook path contains both kinds of quotes.
            Unavailable: The tracking store cannot be reached.
        """
        load_mlflow()
        from mlflow.entities import LifecycleStage, ViewType

        now = time.monotonic()
        with self._cache_lock:
            cached = self._notebook_experiments.get(notebook)
        if cached is not None and now - cached[0] < NOTEBOOK_EXPERIMENTS_TTL_S:
            return list(cached[1])
        search = _filter_value(links.notebook_experiments_filter, notebook, "notebook")
        conn = self.connection
        with conn.errors(field="notebook"):
            tagged = conn.client.search_experiments(
                view_type=ViewType.ACTIVE_ONLY,
                max_results=MAX_NOTEBOOK_EXPERIMENTS,
                filter_string=search,
            )
            named = conn.client.get_experiment_by_name(notebook)
        ids = [e.experiment_id for e in tagged]
        if named is not None and named.lifecycle_stage == LifecycleStage.ACTIVE:
            ids.append(named.experiment_id)
        ids = list(dict.fromkeys(ids))
        with self._cache_lock:
            if ids:
                self._notebook_experiments[notebook] = (now, ids)
            else:
                self._notebook_experiments.pop(notebook, None)
        return list(ids)

    def tag_notebook_experiment(self, experiment_id: str, notebook: str) -> None:
        """Mark an experiment as holding runs of a notebook, for :meth:`search_runs`.

        Raises:
            NotFound: No experiment has this id.
            Unavailable: The tracking store cannot be reached.
        """
        with self.connection.errors(field="experiment_id"):
            links.tag_notebook_experiment(self.connection.client, experiment_id, notebook)
        with self._cache_lock:
            self._notebook_experiments.pop(notebook, None)

    def get_run(self, run_id: str) -> DescribeRun:
        """Everything about one run.

        Raises:
            NotFound: No run has this id.
        """
        run = self._run(run_id)
        tags = run.data.tags
        env_name = tags.get(links.ENV_NAME)
        job_id = tags.get(links.JOB_ID)
        return DescribeRun(
            **summarize_run(run).model_dump(),
            artifact_uri=run.info.artifact_uri,
            lifecycle_stage=run.info.lifecycle_stage,
            metric_keys=sorted(run.data.metrics),
            notebook_snapshot=tags.get(links.NOTEBOOK_SNAPSHOT),
            snapshot_warning=tags.get(links.NOTEBOOK_SNAPSHOT_WARNING),
            environment=(
                RunEnvironment(name=env_name, lock_sha256=tags.get(links.ENV_LOCK_SHA256))
                if env_name
                else None
            ),
            job=RunJob(job_id=job_id, job_run_id=tags.get(links.JOB_RUN_ID)) if job_id else None,
            models=self._logged_models(run),
            inputs=read_inputs(run),
        )

    def list_artifacts(self, run_id: str, path: str = "") -> ListArtifactsResponse:
        """The files and folders directly under ``path`` among a run's artifacts.

        In a local (``file:``) artifact store a symbolic link leading out of the run's
        artifacts, or nowhere, is listed as a link (``is_link``), without its target's facts.

        Raises:
            InvalidInput: ``path`` escapes the run, names a file or is such a link.
            NotFound: No such run or folder (an existing empty folder lists as empty).
        """
        path = _artifact_path(path, allow_root=True)
        run = self._run(run_id)
        root = local_artifact_folder(run.info.artifact_uri)
        files = _local_entries(root, path) if root is not None else self._entries(run_id, path)
        return ListArtifactsResponse(run_id=run_id, path=path, files=files)

    def _entries(self, run_id: str, path: str) -> list[ArtifactEntry]:
        """A folder's entries as the artifact store lists them.

        Stores list a missing folder, and a file, as empty: the parent tells them apart.
        """
        with self.connection.errors(field="path"):
            entries = self.connection.client.list_artifacts(run_id, path or None)
        if not entries and path:
            parent = str(PurePosixPath(path).parent)
            siblings = self._entries(run_id, "" if parent == "." else parent)
            found = next((e for e in siblings if e.path == path), None)
            if found is None:
                raise NotFound(f"The run has no artifact folder {path}.", field="path")
            if not found.is_dir:
                raise InvalidInput(f"{path} is a file, not a folder.", field="path")
        return [ArtifactEntry(path=e.path, is_dir=e.is_dir, file_size=e.file_size) for e in entries]

    def download_artifact(self, run_id: str, path: str, into: Path) -> tuple[Path, str]:
        """Fetch one artifact file into the folder ``into``.

        An artifact whose size the artifact store does not list is measured once downloaded,
        and refused (and deleted) above :attr:`max_artifact_bytes` before anyone reads it.

        Returns:
            The local file and its media type.

        Raises:
            InvalidInput: ``path`` is empty, escapes the run, names a folder or an outward
                link, or is too large.
            NotFound: No such run or artifact.
        """
        path = _artifact_path(path, allow_root=False)
        parent = str(PurePosixPath(path).parent)
        listing = self.list_artifacts(run_id, "" if parent == "." else parent)
        entry = next((f for f in listing.files if f.path == path), None)
        if entry is None:
            raise NotFound(f"The run has no artifact {path}.", field="path")
        if entry.is_link:
            raise InvalidInput(_OUTWARD_LINK.format(path=path), field="path")
        if entry.is_dir:
            raise InvalidInput(f"{path} is a folder; list it instead.", field="path")
        if entry.file_size is not None:
            self._check_artifact_size(path, entry.file_size)
        with self.connection.errors(field="path"):
            local = Path(self.connection.client.download_artifacts(run_id, path, str(into)))
        if entry.file_size is None:
            try:
                self._check_artifact_size(path, local.stat().st_size)
            except InvalidInput:
                local.unlink()
                raise
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return local, media_type

    def _check_artifact_size(self, path: str, size: int) -> None:
        if size > self.max_artifact_bytes:
            raise InvalidInput(
                f"{path} is {size} bytes; the limit is {self.max_artifact_bytes}.", field="path"
            )

    def read_artifact(self, run_id: str, path: str) -> tuple[bytes, str]:
        """The bytes and media type of one artifact (see :meth:`download_artifact`)."""
        with tempfile.TemporaryDirectory(prefix="mlx-artifact-") as folder:
            local, media_type = self.download_artifact(run_id, path, Path(folder))
            return local.read_bytes(), media_type

    def compare(
        self, request: CompareRunsRequest, cancelled: threading.Event | None = None
    ) -> CompareRunsResponse:
        """Align the metric histories and parameters of several runs.

        Each metric's series share the union of steps, with null where a run has no value
        at that step (or logged NaN or infinity there). The answer is bounded: without
        ``metric_keys``, the first :data:`MAX_COMPARED_METRICS` metrics by key (the rest are
        counted in ``omitted_metrics``); each series thinned to ``max_steps`` evenly spaced
        steps, first and last kept, so that all series hold at most
        :data:`MAX_HISTORY_VALUES` values (and none more than :data:`MAX_SERIES_STEPS` steps).

        Args:
            request: The runs and metrics.
            cancelled: Set when the caller has gone; the work stops at its next batch.

        Raises:
            NotFound: One of the runs does not exist.
            Cancelled: ``cancelled`` was set.
        """
        check = _stop_when(cancelled)
        run_ids = list(dict.fromkeys(request.run_ids))
        runs = self._runs(run_ids)
        omitted = 0
        keys = request.metric_keys
        if keys is None:
            every = sorted({key for run in runs for key in run.data.metrics})
            keys, omitted = every[:MAX_COMPARED_METRICS], max(0, len(every) - MAX_COMPARED_METRICS)
        metrics, max_steps = self._series(run_ids, keys, check)
        return CompareRunsResponse(
            runs=[summarize_run(run) for run in runs],
            metrics=metrics,
            params=_compare_params(runs),
            max_steps=max_steps,
            omitted_metrics=omitted,
        )

    def run_metrics(
        self, run_id: str, cancelled: threading.Event | None = None
    ) -> ListRunMetricsResponse:
        """The history of every metric of one run, bounded as in :meth:`compare`.

        Raises:
            NotFound: No run has this id.
            Cancelled: ``cancelled`` was set.
        """
        check = _stop_when(cancelled)
        every = sorted(self._run(run_id).data.metrics)
        keys = every[:MAX_COMPARED_METRICS]
        metrics, max_steps = self._series([run_id], keys, check)
        return ListRunMetricsResponse(
            run_id=run_id,
            metrics=metrics,
            max_steps=max_steps,
            omitted_metrics=len(every) - len(keys),
        )

    def _series(
        self, run_ids: list[str], keys: list[str], check: Callable[[], None]
    ) -> tuple[list[MetricSeries], int]:
        """The aligned series of ``keys`` and the most steps each may hold."""
        max_steps = max(
            2, min(MAX_SERIES_STEPS, MAX_HISTORY_VALUES // (len(run_ids) * len(keys) or 1))
        )
        check()
        by_pair = self.histories.read(run_ids, keys, check=check)
        return [_align(key, run_ids, by_pair, max_steps) for key in keys], max_steps

    def _page_token(self, token: str | None) -> str | None:
        """A page token fit for MLflow; None for the first page.

        A database or file store pages with base64 of JSON ``{"offset": n}``; what else it
        is given makes MLflow fail with an internal error, so it is checked here. A tracking
        server's token is opaque (the schema bounds its characters and length).

        Raises:
            InvalidInput: The token is not one this store gave.
        """
        if not token:
            return None
        if self.store_kind != "remote":
            _check_offset_token(token)
        return token

    def _run(self, run_id: str, *, field: str = "run_id") -> Run:
        with self.connection.errors(field=field):
            return self.connection.client.get_run(run_id)

    def _runs(self, run_ids: list[str]) -> list[Run]:
        """Several runs, in the order asked, without scanning every experiment.

        On a database store one query on MLflow's ``runs`` table names their experiments and
        one search in those fetches them (a query per run is 7x slower); a tracking server is
        asked for each run (at most ``schemas.MAX_COMPARED_RUNS`` calls).
        """
        load_mlflow()
        from mlflow.entities import ViewType

        conn = self.connection
        experiments = self.histories.run_experiments(run_ids)
        if experiments is None:
            return [self._run(run_id, field="run_ids") for run_id in run_ids]
        missing = [run_id for run_id in run_ids if run_id not in experiments]
        if missing:
            raise NotFound(f"Run with id={missing[0]} not found", field="run_ids")
        ids = ", ".join(_filter_value(links.quote_filter_value, i, "run_ids") for i in run_ids)
        with conn.errors(field="run_ids"):
            found = conn.client.search_runs(
                sorted(set(experiments.values())),
                filter_string=f"attributes.run_id IN ({ids})",
                run_view_type=ViewType.ALL,
                max_results=len(run_ids),
            )
        by_id = {run.info.run_id: run for run in found}
        missing = [run_id for run_id in run_ids if run_id not in by_id]
        if missing:
            raise NotFound(f"Run with id={missing[0]} not found", field="run_ids")
        return [by_id[run_id] for run_id in run_ids]

    def _recent_experiment_ids(self) -> list[str]:
        conn = self.connection
        with conn.errors():
            page = conn.client.search_experiments(
                max_results=RECENT_EXPERIMENTS, order_by=["last_update_time DESC"]
            )
        return [e.experiment_id for e in page]

    def _logged_models(self, run: Run) -> list[LoggedModel]:
        client = self.connection.client
        if not hasattr(client, "search_logged_models"):
            return []
        with self.connection.errors():
            page = client.search_logged_models(
                [run.info.experiment_id],
                filter_string=f"source_run_id = {links.quote_filter_value(run.info.run_id)}",
                max_results=100,
            )
        return [
            LoggedModel(model_id=m.model_id, name=m.name, artifact_uri=m.artifact_location)
            for m in page
        ]


def summarize_run(run: Run) -> RunSummary:
    """The listed form of an MLflow run."""
    tags = run.data.tags
    return RunSummary(
        run_id=run.info.run_id,
        run_name=run.info.run_name or tags.get(links.RUN_NAME),
        experiment_id=run.info.experiment_id,
        status=run.info.status,
        start_time=run.info.start_time,
        end_time=run.info.end_time,
        notebook=tags.get(links.SOURCE_NAME),
        user=run.info.user_id or tags.get(USER_TAG),
        params=dict(run.data.params),
        metrics=dict(run.data.metrics),
        tags={k: v for k, v in tags.items() if k not in HIDDEN_TAGS},
    )


def _experiment(experiment: Any) -> DescribeExperiment:
    return DescribeExperiment(
        experiment_id=experiment.experiment_id,
        name=experiment.name,
        artifact_location=experiment.artifact_location,
        lifecycle_stage=experiment.lifecycle_stage,
        creation_time=experiment.creation_time,
        last_update_time=experiment.last_update_time,
        tags=dict(experiment.tags),
    )


def _align(
    key: str, run_ids: list[str], by_pair: dict[tuple[str, str], History], max_steps: int
) -> MetricSeries:
    steps = sorted({step for run_id in run_ids for step in by_pair[(run_id, key)]})
    shown = _thinned(steps, max_steps)
    return MetricSeries(
        key=key,
        steps=shown,
        values={run_id: [by_pair[(run_id, key)].get(step) for step in shown] for run_id in run_ids},
        total_steps=len(steps),
    )


def _thinned(steps: list[int], limit: int) -> list[int]:
    """At most ``limit`` (2 or more) evenly spaced ``steps``, the first and the last kept."""
    if len(steps) <= limit:
        return steps
    last = len(steps) - 1
    return [steps[round(i * last / (limit - 1))] for i in range(limit)]


def _stop_when(cancelled: threading.Event | None) -> Callable[[], None]:
    """A check raising :class:`Cancelled` once ``cancelled`` is set."""

    def check() -> None:
        if cancelled is not None and cancelled.is_set():
            raise Cancelled("The client went away; the work it asked for was stopped.")

    return check


def _compare_params(runs: list[Run]) -> list[ParamComparison]:
    keys = sorted({key for run in runs for key in run.data.params})
    comparisons = []
    for key in keys:
        values = {run.info.run_id: run.data.params.get(key) for run in runs}
        comparisons.append(
            ParamComparison(key=key, values=values, differs=len(set(values.values())) > 1)
        )
    return comparisons


def _validate_search(query: ListRunsQuery) -> None:
    """Name the malformed field before MLflow answers with a generic message, or fails with
    an internal error (its parser's ``ValueError``), or a database store fails (an integer
    beyond 64 bits, more joins than SQLite's 64)."""
    load_mlflow()
    from mlflow.utils.search_utils import SearchUtils

    with _malformed("filter"):
        clauses = SearchUtils.parse_search_filter(query.filter)
    if len(clauses) > MAX_FILTER_CLAUSES:
        raise InvalidInput(
            f"filter: at most {MAX_FILTER_CLAUSES} comparisons are searched at once.",
            field="filter",
        )
    for clause in clauses:
        value = clause.get("value")
        if type(value) is int and abs(value) > MAX_EXPERIMENT_ID:
            raise InvalidInput(
                "filter: an integer beyond 64 bits cannot be compared.", field="filter"
            )
    with _malformed("order_by"):
        for clause in query.order_by:
            SearchUtils.parse_order_by_for_search_runs(clause)


@contextmanager
def _malformed(field: str) -> Iterator[None]:
    """Turn MLflow's complaints about a search argument into :class:`InvalidInput`."""
    load_mlflow()
    from mlflow.exceptions import MlflowException

    try:
        yield
    except MlflowException as exc:
        raise InvalidInput(f"{field}: {exc.message}", field=field) from exc
    except ValueError as exc:  # an unclosed quote, an integer of too many digits
        raise InvalidInput(f"{field}: {str(exc).splitlines()[0]}", field=field) from exc


def store_kind(tracking_uri: str) -> str:
    """``database`` or ``file`` for MLflow's local stores (which page by row offset), else
    ``remote`` (a tracking server, whose page tokens are opaque)."""
    scheme = urlsplit(tracking_uri).scheme.lower()
    if scheme.split("+")[0] in DATABASE_BACKENDS:
        return "database"
    if scheme in ("", "file") and tracking_uri not in REMOTE_STORE_NAMES:
        return "file"
    return "remote"


def _check_offset_token(token: str) -> None:
    """Refuse a token that is not MLflow's base64 of JSON ``{"offset": n}`` with a sane n."""
    try:
        decoded = json.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise _bad_page_token() from exc
    offset = decoded.get("offset") if isinstance(decoded, dict) else None
    if type(offset) is not int or not 0 < offset <= MAX_PAGE_OFFSET:
        raise _bad_page_token()


def _bad_page_token() -> InvalidInput:
    return InvalidInput(
        "page_token: not a page token of this server; pass a previous next_page_token.",
        field="page_token",
    )


def _check_experiment_ids(experiment_ids: list[str]) -> None:
    """Refuse ids a database store cannot hold (it numbers experiments) before it fails."""
    for value in experiment_ids:
        digits = value.isascii() and value.isdigit() and len(value) <= 19
        if not digits or int(value) > MAX_EXPERIMENT_ID:
            raise InvalidInput(
                "experiment_id: experiments of this store have whole-number ids.",
                field="experiment_id",
            )


def local_artifact_folder(artifact_uri: str) -> Path | None:
    """The folder of a run's artifacts in a local (``file:``) artifact store, else None."""
    if urlsplit(artifact_uri).scheme not in ("", "file"):
        return None
    load_mlflow()
    from mlflow.utils.file_utils import local_file_uri_to_path

    return Path(local_file_uri_to_path(artifact_uri))


_OUTWARD_LINK = "{path} is a link out of the run's artifacts; it cannot be opened."


def _local_entries(root: Path, path: str) -> list[ArtifactEntry]:
    """A folder's entries read from disk; an outward or broken symbolic link as a link.

    Raises:
        InvalidInput: ``path`` names a file or leads out of the run's artifacts.
        NotFound: There is no such folder (the root of a run without artifacts lists empty).
    """
    real_root = root.resolve()
    folder = (root / path).resolve()
    if not folder.is_relative_to(real_root):
        raise InvalidInput(_OUTWARD_LINK.format(path=path), field="path")
    try:
        exists, is_dir = folder.exists(), folder.is_dir()
    except OSError as exc:  # a name longer than the file system takes exists nowhere
        if exc.errno != errno.ENAMETOOLONG:
            raise
        exists = is_dir = False
    if not exists:
        if not path:
            return []
        raise NotFound(f"The run has no artifact folder {path}.", field="path")
    if not is_dir:
        raise InvalidInput(f"{path} is a file, not a folder.", field="path")
    entries = []
    with os.scandir(folder) as found:
        for item in found:
            if item.name.startswith(UPLOADING_PREFIX):
                continue
            entry_path = f"{path}/{item.name}" if path else item.name
            if item.is_symlink() and not _leads_inside(Path(item.path), real_root):
                entries.append(
                    ArtifactEntry(path=entry_path, is_dir=False, file_size=None, is_link=True)
                )
            elif item.is_dir():
                entries.append(ArtifactEntry(path=entry_path, is_dir=True, file_size=None))
            else:
                size = item.stat().st_size
                entries.append(ArtifactEntry(path=entry_path, is_dir=False, file_size=size))
    return sorted(entries, key=lambda entry: entry.path)


def _leads_inside(path: Path, real_root: Path) -> bool:
    """Whether ``path`` resolves to something that exists inside ``real_root``."""
    target = path.resolve()
    return target.exists() and target.is_relative_to(real_root)


def _filter_value(build: Callable[[str], str], value: str, field: str) -> str:
    """A filter clause built from user input; a value MLflow cannot quote is the user's error."""
    try:
        return build(value)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}", field=field) from exc


def _artifact_path(path: str, *, allow_root: bool) -> str:
    """Normalize an artifact path and refuse one that leaves the run's artifacts."""
    if "\x00" in path:
        raise InvalidInput("path cannot contain a NUL character.", field="path")
    clean = PurePosixPath(path.strip("/")) if path.strip("/") else PurePosixPath()
    if clean.is_absolute() or ".." in clean.parts:
        raise InvalidInput("path must stay inside the run's artifacts.", field="path")
    text = "" if str(clean) == "." else str(clean)
    if not text and not allow_root:
        raise InvalidInput("path is required.", field="path")
    return text
