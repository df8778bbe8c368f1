"""``%mlx_serve`` and ``%mlx_predict`` in an IPython shell whose kernel a real Jupyter server
started (``MLX_SERVER_URL`` and ``MLX_SERVER_TOKEN`` point at it): endpoints served by real
processes, predictions sent through the server's authenticated proxy, errors as one UsageError
line; without a server, both are refused naming what to do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import servers
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from modelruns import FRAME_COLUMNS, log_model_run

ROWS = [[0.9, 0.1, 0.1], [0.1, 0.5, 0.5]]


def register(root: Path, name: str, *, frame: bool = False) -> None:
    """Version 1 of ``name`` (a run's model; ``frame``: with a column signature), alias
    champion on it."""
    import mlflow

    (root / ".mlx").mkdir(parents=True, exist_ok=True)
    uri = f"sqlite:///{root / '.mlx' / 'mlflow.db'}"
    run_id = log_model_run(uri, frame_example=frame)
    before = mlflow.get_tracking_uri() if mlflow.tracking.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(uri)
    try:
        version = mlflow.register_model(f"runs:/{run_id}/model", name)
        mlflow.MlflowClient().set_registered_model_alias(name, "champion", version.version)
    finally:
        mlflow.set_tracking_uri(before)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, servers.Server]]:
    """A server whose registry holds arr@champion (array signature) and frame@champion
    (columns a, b, c)."""
    home = tmp_path_factory.mktemp("magics")
    root = home / "root"
    root.mkdir()
    register(root, "arr")
    register(root, "frame", frame=True)
    running = servers.start_server(home, root, f"--MLXApp.workspace_dir={root / '.mlx'}")
    yield root, running
    running.stop()


@pytest.fixture
def kernel(
    server: tuple[Path, servers.Server], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> servers.Server:
    """This shell as a kernel of the server: its address, token and root in the environment."""
    root, running = server
    monkeypatch.setenv("MLX_SERVER_URL", running.api.removesuffix("mlx/api/"))
    monkeypatch.setenv("MLX_SERVER_TOKEN", running.token)
    monkeypatch.setenv("MLX_ROOT_DIR", str(root))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return running


@pytest.mark.slow
def test_serve_then_predict_a_dataframe_and_an_array(
    shell: InteractiveShell, kernel: servers.Server, capsys: pytest.CaptureFixture[str]
) -> None:
    base = kernel.api.removesuffix("mlx/api/")

    # Given two endpoints served from the notebook, each waited for until it runs,
    shell.run_line_magic("mlx_serve", "arr --model models:/arr@champion")
    said = capsys.readouterr().out
    assert "mlx: endpoint arr running" in said
    assert f"mlx: through the server: {base}mlx/endpoints/arr/invocations" in said
    assert "mlx: direct (this machine): http://127.0.0.1:" in said
    shell.run_line_magic("mlx_serve", "frame --model 'models:/frame@champion'")
    capsys.readouterr()

    # when an array and a DataFrame of the kernel are sent through the server's proxy,
    shell.user_ns["X"] = np.array(ROWS)
    shell.user_ns["rows"] = ROWS
    shell.user_ns["df"] = pd.DataFrame(ROWS, columns=list(FRAME_COLUMNS))
    shell.run_line_magic("mlx_predict", "arr X")
    array_out = capsys.readouterr().out
    shell.run_line_magic("mlx_predict", "arr rows")
    list_out = capsys.readouterr().out
    shell.run_line_magic("mlx_predict", "frame df")
    frame_out = capsys.readouterr().out

    # then the predictions are printed after the latency.
    for out, name in ((array_out, "arr"), (list_out, "arr"), (frame_out, "frame")):
        latency, predictions = out.splitlines()
        assert latency.startswith(f"mlx: {name} answered in ") and latency.endswith(" ms")
        assert predictions == "[1, 0]"

    # Refusals are one line: a taken name, a model that does not resolve, an unknown endpoint,
    # a variable that is missing or of another kind, a payload the model refuses.
    with pytest.raises(UsageError, match="arr"):
        shell.run_line_magic("mlx_serve", "arr --model models:/arr@champion")
    with pytest.raises(UsageError, match=r"^--model: .*nope"):
        shell.run_line_magic("mlx_serve", "other --model models:/nope@champion")
    with pytest.raises(UsageError, match="'a/b' is not an endpoint name"):
        shell.run_line_magic("mlx_serve", "a/b --model models:/arr@champion")
    with pytest.raises(UsageError, match="nope"):
        shell.run_line_magic("mlx_predict", "nope X")
    with pytest.raises(UsageError, match="No variable missing in this kernel"):
        shell.run_line_magic("mlx_predict", "arr missing")
    shell.user_ns["text"] = "hello"
    with pytest.raises(UsageError, match="Send a DataFrame, an array, a list or a dict, not a str"):
        shell.run_line_magic("mlx_predict", "arr text")
    shell.user_ns["short"] = [[1.0, 2.0]]
    with pytest.raises(UsageError) as refused:
        shell.run_line_magic("mlx_predict", "arr short")
    assert "\n" not in str(refused.value)
    assert "does not match expected shape" in str(refused.value)

    for name in ("arr", "frame"):
        assert kernel.fetch("DELETE", f"endpoints/{name}").status_code == 204


def test_without_a_server_both_are_refused(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "root" / ".mlx").mkdir(parents=True)
    monkeypatch.delenv("MLX_SERVER_URL", raising=False)
    monkeypatch.setenv("MLX_ROOT_DIR", str(tmp_path / "root"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "no-servers"))
    shell.user_ns["X"] = np.array(ROWS)

    refusal = r"No Jupyter server with jupyter-mlx serves .*: start JupyterLab there"
    with pytest.raises(UsageError, match=refusal):
        shell.run_line_magic("mlx_serve", "arr --model models:/arr@champion")
    with pytest.raises(UsageError, match=refusal):
        shell.run_line_magic("mlx_predict", "arr X")
    with pytest.raises(UsageError, match="the following arguments are required: --model"):
        shell.run_line_magic("mlx_serve", "arr")


def test_variables_become_scoring_requests() -> None:
    from jupyter_mlx.serving.client import request_body

    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    assert request_body(frame) == {
        "dataframe_split": {"columns": ["a", "b"], "data": [[1.0, "x"], [2.0, "y"]]}
    }
    assert request_body(np.array([[1, 2]])) == {"inputs": [[1, 2]]}
    assert request_body(pd.Series([1.5, 2.5])) == {"inputs": [1.5, 2.5]}
    assert request_body(([1], [2])) == {"inputs": [[1], [2]]}
    assert request_body({"instances": [1]}) == {"instances": [1]}
    assert request_body({"x": [1, 2]}) == {"inputs": {"x": [1, 2]}}
