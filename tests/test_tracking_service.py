"""TrackingService on real SQLite MLflow stores: which experiments a search reads, artifacts
whose size is unknown, bounded and cancelled comparisons, and which errors mean the store
cannot be reached."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from mlflow_data import SeededRuns, seed_runs
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from jupyter_mlx.errors import Cancelled, InvalidInput, NotFound, Unavailable
from jupyter_mlx.tracking import links
from jupyter_mlx.tracking import service as service_module
from jupyter_mlx.tracking.client import SERVER_REQUEST_TIMEOUT_S, TrackingConnection
from jupyter_mlx.tracking.schemas import MAX_COMPARED_METRICS, CompareRunsRequest, ListRunsQuery
from jupyter_mlx.tracking.service import (
    RECENT_EXPERIMENTS,
    TrackingService,
    store_kind,
)

# MLflow 3.17's SQLAlchemy tracking store configures a relationship with the ``noload`` loader
# strategy, which SQLAlchemy 2.1 deprecates; the warning comes from MLflow's code.
pytestmark = pytest.mark.filterwarnings(
    "ignore:The ``noload`` loader strategy is deprecated:sqlalchemy.exc.SADeprecationWarning"
)

NOTEBOOK = "team/train.ipynb"


@dataclass
class Store:
    """A store holding runs of :data:`NOTEBOOK` among many other experiments.

    Attributes:
        named_run: In the experiment named by the notebook path, untagged (an older run).
        tagged_run: In experiment ``shared``, tagged for the notebook.
        untagged_run: Of the notebook, in an experiment nobody tagged for it.
        recent_run: Of another notebook, in the most recently created experiment.
    """

    uri: str
    named_run: str
    tagged_run: str
    untagged_run: str
    recent_run: str


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow SQLite database with MLflow's tables and no data, copied for each store."""
    from mlflow.tracking import MlflowClient

    path = tmp_path_factory.mktemp("empty") / "mlflow.db"
    MlflowClient(tracking_uri=f"sqlite:///{path}").search_experiments()
    return path


def build_store(folder: Path, other_experiments: int, empty_store: Path) -> Store:
    """A SQLite store: the notebook's experiments, ``other_experiments`` newer ones, one newest.

    The other experiments are inserted in one statement into MLflow's ``experiments`` table
    (2,000 ``create_experiment`` calls take seconds), with update times that put them after
    the notebook's experiments and before the newest.
    """
    from mlflow.tracking import MlflowClient

    folder.mkdir(parents=True)
    shutil.copyfile(empty_store, folder / "mlflow.db")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)

    def run_in(experiment_id: str, notebook: str) -> str:
        run = client.create_run(experiment_id, tags={links.SOURCE_NAME: notebook})
        client.set_terminated(run.info.run_id)
        return run.info.run_id

    named = client.create_experiment(NOTEBOOK)
    shared = client.create_experiment("shared")
    links.tag_notebook_experiment(client, shared, NOTEBOOK)
    untagged = client.create_experiment("by-hand")
    named_run, tagged_run = run_in(named, NOTEBOOK), run_in(shared, NOTEBOOK)
    untagged_run = run_in(untagged, NOTEBOOK)
    run_in(shared, "other.ipynb")
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(text("UPDATE experiments SET creation_time = 0, last_update_time = 0"))
        if other_experiments:
            connection.execute(
                text(
                    "INSERT INTO experiments (name, artifact_location, lifecycle_stage, "
                    "creation_time, last_update_time) VALUES (:name, :location, 'active', :t, :t)"
                ),
                [
                    {"name": f"other-{i}", "location": (folder / str(i)).as_uri(), "t": 1 + i}
                    for i in range(other_experiments)
                ],
            )
    engine.dispose()
    recent_run = run_in(client.create_experiment("recent"), "other.ipynb")
    return Store(uri, named_run, tagged_run, untagged_run, recent_run)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, empty_store: Path) -> Store:
    """The notebook's runs among 2 other experiments (read only)."""
    return build_store(tmp_path_factory.mktemp("small") / "store", 2, empty_store)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory, empty_store: Path) -> Store:
    """The notebook's runs among 2,000 other experiments (read only)."""
    return build_store(tmp_path_factory.mktemp("large") / "store", 2000, empty_store)


@dataclass
class Reads:
    """What the service asked the store for."""

    statements: list[str]
    experiment_searches: list[dict[str, Any]]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """Record every SQL statement and every ``search_experiments`` call (real ones run)."""
    from mlflow.tracking import MlflowClient

    seen = Reads([], [])
    search_experiments = MlflowClient.search_experiments

    def spy(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.experiment_searches.append(kwargs)
        return search_experiments(self, *args, **kwargs)

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.statements.append(statement)

    monkeypatch.setattr(MlflowClient, "search_experiments", spy)
    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def warm(uri: str) -> TrackingService:
    """A service whose MLflow store is set up (its one-time schema checks are not counted)."""
    service = TrackingService(uri)
    service.connection.client.get_experiment("0")
    return service


def read_page(service: TrackingService, reads: Reads, **query: Any) -> tuple[list[str], Reads]:
    reads.statements.clear()
    reads.experiment_searches.clear()
    page = service.search_runs(ListRunsQuery(**query))
    return sorted(r.run_id for r in page.runs), Reads(
        list(reads.statements), list(reads.experiment_searches)
    )


def test_a_notebooks_runs_are_those_of_its_tagged_and_its_named_experiments(
    small: Store,
) -> None:
    page = TrackingService(small.uri).search_runs(ListRunsQuery(notebook=NOTEBOOK))

    assert {r.run_id for r in page.runs} == {small.named_run, small.tagged_run}
    assert small.untagged_run not in {r.run_id for r in page.runs}


def test_a_page_of_a_notebooks_runs_costs_the_same_among_2000_experiments(
    small: Store, large: Store, reads: Reads
) -> None:
    # Given two stores alike but for 2 or 2,000 other experiments
    # When a page of the notebook's runs is read from each
    small_runs, small_reads = read_page(warm(small.uri), reads, notebook=NOTEBOOK)
    large_service = warm(large.uri)
    large_runs, large_reads = read_page(large_service, reads, notebook=NOTEBOOK)

    # Then both find the notebook's two runs with the same statements, and one experiment
    # search, by the notebook's tag
    assert small_runs == sorted([small.named_run, small.tagged_run])
    assert large_runs == sorted([large.named_run, large.tagged_run])
    assert len(large_reads.statements) == len(small_reads.statements)
    assert [s["filter_string"] for s in large_reads.experiment_searches] == [
        links.notebook_experiments_filter(NOTEBOOK)
    ]
    # And the next refresh within the cache's lifetime does not look the experiments up again
    _, again = read_page(large_service, reads, notebook=NOTEBOOK)
    assert again.experiment_searches == []
    assert len(again.statements) < len(large_reads.statements)


def test_a_comparison_among_2000_experiments_searches_no_experiment(
    small: Store, large: Store, reads: Reads
) -> None:
    # Given two stores alike but for 2 or 2,000 other experiments
    # When the same runs are compared in each
    counts = []
    for store in (small, large):
        service = warm(store.uri)
        reads.statements.clear()
        request = CompareRunsRequest(run_ids=[store.named_run, store.tagged_run, store.recent_run])
        compared = service.compare(request)
        counts.append(len(reads.statements))
        assert [r.run_id for r in compared.runs] == request.run_ids

    # Then neither lists experiments, and both cost the same statements
    assert reads.experiment_searches == []
    assert counts[0] == counts[1]


def test_a_search_naming_no_notebook_nor_experiment_reads_the_recent_experiments(
    large: Store, reads: Reads
) -> None:
    runs, seen = read_page(warm(large.uri), reads)

    assert runs == [large.recent_run]  # the notebook's experiments are older than 100 others
    assert [s["max_results"] for s in seen.experiment_searches] == [RECENT_EXPERIMENTS]


def test_an_experiment_tagged_by_the_server_shows_at_once_others_within_the_ttl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_store: Path
) -> None:
    from mlflow.tracking import MlflowClient

    # Given a service that has listed the notebook's runs, on a clock the test moves
    store = build_store(tmp_path / "store", 0, empty_store)
    now = [1000.0]
    monkeypatch.setattr(service_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    service = TrackingService(store.uri)
    client = MlflowClient(tracking_uri=store.uri)
    service.search_runs(ListRunsQuery(notebook=NOTEBOOK))

    def listed() -> set[str]:
        return {r.run_id for r in service.search_runs(ListRunsQuery(notebook=NOTEBOOK)).runs}

    # When a kernel tags an experiment for the notebook, then the server tags the untagged one
    kernels = client.create_experiment("kernel's")
    kernel_run = client.create_run(kernels, tags={links.SOURCE_NAME: NOTEBOOK}).info.run_id
    links.tag_notebook_experiment(client, kernels, NOTEBOOK)
    before_ttl = listed()
    now[0] += service_module.NOTEBOOK_EXPERIMENTS_TTL_S
    after_ttl = listed()
    untagged = client.get_run(store.untagged_run).info.experiment_id
    service.tag_notebook_experiment(untagged, NOTEBOOK)

    # Then the kernel's run shows once the cached experiments expire, the server's at once
    assert kernel_run not in before_ttl
    assert kernel_run in after_ttl
    assert store.untagged_run in listed()


def test_a_notebook_whose_path_mlflow_cannot_quote_is_named_as_the_bad_field(
    small: Store,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        TrackingService(small.uri).search_runs(ListRunsQuery(notebook="""it's "odd".ipynb"""))

    assert caught.value.field == "notebook"


def test_a_run_tracked_in_another_experiment_is_found_by_its_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mlflow_state: None
) -> None:
    import nbformat

    from jupyter_mlx.tracking.session import TrackingSession, TrackOptions

    # Given a kernel of notebook team/train.ipynb
    for name in ("JPY_SESSION_NAME", "MLX_ENV_NAME", "MLX_JOB_ID", "MLX_JOB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "root"
    (root / "team").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), root / "team" / "train.ipynb")
    monkeypatch.setenv("MLX_ROOT_DIR", str(root))
    monkeypatch.setenv("MLX_WORKSPACE_DIR", str(root / ".mlx"))
    monkeypatch.setenv("MLX_NOTEBOOK_PATH", str(root / "team" / "train.ipynb"))
    session = TrackingSession()

    # When `%mlx_track --experiment shared` starts and stops a run
    run = session.start(TrackOptions(experiment="shared", autolog=False), {}).run
    session.stop()

    # Then the experiment carries the notebook's tag and the notebook's search finds the run
    service = TrackingService(run.tracking_uri)
    experiment = service.connection.client.get_experiment(run.experiment_id)
    assert experiment.tags[links.notebook_experiment_tag(NOTEBOOK)] == NOTEBOOK
    page = service.search_runs(ListRunsQuery(notebook=NOTEBOOK))
    assert [r.run_id for r in page.runs] == [run.run_id]


# -- artifacts -----------------------------------------------------------------------------------


@pytest.fixture
def seeded(tmp_path: Path) -> SeededRuns:
    return seed_runs(tmp_path / "workspace")


@pytest.fixture
def listed_by_mlflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Artifacts read as from a remote store: through MLflow's listing, not from disk."""
    monkeypatch.setattr(service_module, "local_artifact_folder", lambda uri: None)


@pytest.fixture
def sizes_unknown(monkeypatch: pytest.MonkeyPatch, listed_by_mlflow: None) -> None:
    """A remote artifact store that lists files without their size (as some stores do)."""
    from mlflow.entities import FileInfo
    from mlflow.store.artifact.local_artifact_repo import LocalArtifactRepository

    list_artifacts = LocalArtifactRepository.list_artifacts

    def without_sizes(self: Any, path: str | None = None) -> list[FileInfo]:
        return [FileInfo(f.path, f.is_dir, None) for f in list_artifacts(self, path)]

    monkeypatch.setattr(LocalArtifactRepository, "list_artifacts", without_sizes)


def log_text(seeded: SeededRuns, tmp_path: Path, name: str, size: int) -> None:
    from mlflow.tracking import MlflowClient

    local = tmp_path / name
    local.write_bytes(b"x" * size)
    MlflowClient(tracking_uri=seeded.tracking_uri).log_artifact(seeded.first, str(local))


def test_an_artifact_of_unlisted_size_is_measured_and_refused_above_the_limit(
    seeded: SeededRuns, tmp_path: Path, sizes_unknown: None
) -> None:
    # Given an artifact store that does not list sizes, and a 100-byte limit
    log_text(seeded, tmp_path, "large.txt", 101)
    service = TrackingService(seeded.tracking_uri, max_artifact_bytes=100)
    into = tmp_path / "downloads"
    into.mkdir()

    # When a 101-byte artifact is read, or downloaded, and a small one is read
    with pytest.raises(InvalidInput) as read:
        service.read_artifact(seeded.first, "large.txt")
    with pytest.raises(InvalidInput):
        service.download_artifact(seeded.first, "large.txt", into)
    small, media_type = service.read_artifact(seeded.first, "notes-0.txt")

    # Then the large one is refused, naming its size, and nothing of it stays on disk
    assert service.list_artifacts(seeded.first).files[0].file_size is None
    assert read.value.field == "path"
    assert "101 bytes; the limit is 100" in read.value.message
    assert list(into.iterdir()) == []
    assert (small, media_type) == (b"notes of run 0\n", "text/plain")


def test_an_artifact_of_listed_size_above_the_limit_is_refused_before_download(
    seeded: SeededRuns, tmp_path: Path
) -> None:
    log_text(seeded, tmp_path, "large.txt", 101)
    into = tmp_path / "downloads"
    into.mkdir()

    with pytest.raises(InvalidInput, match="101 bytes"):
        TrackingService(seeded.tracking_uri, max_artifact_bytes=100).download_artifact(
            seeded.first, "large.txt", into
        )

    assert list(into.iterdir()) == []


def test_a_store_listing_missing_folders_and_files_as_empty_tells_them_apart(
    seeded: SeededRuns, listed_by_mlflow: None
) -> None:
    # Given a remote-style listing, which answers [] for a missing folder and for a file
    from mlflow.tracking import MlflowClient
    from mlflow.utils.file_utils import local_file_uri_to_path

    run = MlflowClient(tracking_uri=seeded.tracking_uri).get_run(seeded.first)
    (Path(local_file_uri_to_path(run.info.artifact_uri)) / "empty").mkdir()
    service = TrackingService(seeded.tracking_uri)

    # When a missing folder, a file and an empty folder are listed
    with pytest.raises(NotFound) as missing:
        service.list_artifacts(seeded.first, "notebook/missing")
    with pytest.raises(InvalidInput) as file:
        service.list_artifacts(seeded.first, "notes-0.txt")
    empty = service.list_artifacts(seeded.first, "empty")

    # Then each answer says which it was
    assert (missing.value.field, file.value.field) == ("path", "path")
    assert empty.files == []


# -- bounded comparisons -------------------------------------------------------------------------


def test_a_comparison_of_very_many_metrics_and_steps_is_bounded(seeded: SeededRuns) -> None:
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    # Given a run with 1,001 metrics beyond the seeded ones, one of them 1,000 steps long
    client = MlflowClient(tracking_uri=seeded.tracking_uri)
    long = [Metric("long", float(step), 0, step) for step in range(1000)]
    client.log_batch(seeded.first, metrics=long)
    many = [Metric(f"m{i:04}", 1.0, 0, 0) for i in range(1000)]
    client.log_batch(seeded.first, metrics=many)

    # When the two runs are compared on every metric
    compared = TrackingService(seeded.tracking_uri).compare(
        CompareRunsRequest(run_ids=[seeded.first, seeded.second])
    )

    # Then the first 1,000 metrics by key are aligned, each thinned to max_steps, ends kept
    keys = sorted(["accuracy", "loss", "long", *(m.key for m in many)])
    assert [m.key for m in compared.metrics] == keys[:MAX_COMPARED_METRICS]
    assert compared.omitted_metrics == len(keys) - MAX_COMPARED_METRICS
    series = next(m for m in compared.metrics if m.key == "long")
    assert (len(series.steps), series.total_steps) == (compared.max_steps, 1000)
    assert (series.steps[0], series.steps[-1]) == (0, 999)
    values = sum(len(v) for m in compared.metrics for v in m.values.values())
    assert values <= service_module.MAX_HISTORY_VALUES


class CancelAtFirstHistoryQuery(threading.Event):
    """Set as soon as a query of the ``metrics`` table runs (the client has just left)."""

    def __init__(self) -> None:
        super().__init__()
        self.history_queries = 0

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM metrics" in statement:
            self.history_queries += 1
            self.set()


def test_a_cancelled_comparison_stops_at_its_next_batch(seeded: SeededRuns) -> None:
    # Given a comparison of 1,000 metrics (five queries of 200 keys) whose client leaves
    # during the first query
    service = TrackingService(seeded.tracking_uri)
    cancelled = CancelAtFirstHistoryQuery()
    request = CompareRunsRequest(
        run_ids=[seeded.first, seeded.second], metric_keys=[f"m{i}" for i in range(1000)]
    )
    event.listen(Engine, "before_cursor_execute", cancelled)

    # When it runs
    try:
        with pytest.raises(Cancelled):
            service.compare(request, cancelled)
    finally:
        event.remove(Engine, "before_cursor_execute", cancelled)

    # Then it stops after that query instead of running the four others
    assert cancelled.history_queries == 1


@pytest.mark.parametrize(
    ("uri", "kind"),
    [
        ("sqlite:///mlflow.db", "database"),
        ("postgresql+psycopg://mlflow@db/mlflow", "database"),
        ("file:///srv/mlruns", "file"),
        ("/srv/mlruns", "file"),
        ("http://mlflow.internal:5000", "remote"),
        ("databricks", "remote"),
    ],
)
def test_only_local_stores_have_page_tokens_of_a_known_form(uri: str, kind: str) -> None:
    assert store_kind(uri) == kind


# -- which errors mean "cannot be reached" ---------------------------------------------------------


def test_a_local_file_error_is_not_reported_as_the_store_being_down(
    seeded: SeededRuns, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")

    with pytest.raises(FileExistsError):
        TrackingService(seeded.tracking_uri).download_artifact(
            seeded.first, "notes-0.txt", not_a_folder
        )


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        requests.ConnectionError("Max retries exceeded"),
        requests.ReadTimeout("Read timed out"),
    ],
)
def test_connection_errors_mean_the_store_cannot_be_reached(error: OSError) -> None:
    connection = TrackingConnection("sqlite:///unused.db")
    with pytest.raises(Unavailable, match="cannot be reached"), connection.errors():
        raise error


@pytest.mark.parametrize(
    "error",
    [PermissionError(13, "Permission denied"), FileNotFoundError(2, "No such file or directory")],
)
def test_other_os_errors_keep_their_type(error: OSError) -> None:
    with pytest.raises(type(error)), TrackingConnection("sqlite:///unused.db").errors():
        raise error


# -- bounded HTTP calls --------------------------------------------------------------------------


def test_the_servers_http_bounds_hold_in_its_calls_only() -> None:
    from mlflow.environment_variables import (
        MLFLOW_HTTP_REQUEST_MAX_RETRIES,
        MLFLOW_HTTP_REQUEST_TIMEOUT,
    )

    server = TrackingConnection("sqlite:///unused.db", request_timeout_s=SERVER_REQUEST_TIMEOUT_S)
    kernel = TrackingConnection("sqlite:///unused.db")
    elsewhere: list[int] = []

    with server.errors():
        inside = (MLFLOW_HTTP_REQUEST_TIMEOUT.get(), MLFLOW_HTTP_REQUEST_MAX_RETRIES.get())
        other_thread = threading.Thread(
            target=lambda: elsewhere.append(MLFLOW_HTTP_REQUEST_TIMEOUT.get())
        )
        other_thread.start()
        other_thread.join()
        with kernel.errors():
            nested = MLFLOW_HTTP_REQUEST_TIMEOUT.get()

    assert inside == (SERVER_REQUEST_TIMEOUT_S, 0)
    assert elsewhere == [MLFLOW_HTTP_REQUEST_TIMEOUT.default]
    assert nested == SERVER_REQUEST_TIMEOUT_S  # an unbounded connection changes nothing
    assert MLFLOW_HTTP_REQUEST_TIMEOUT.get() == MLFLOW_HTTP_REQUEST_TIMEOUT.default
