"""``%mlx_promote`` and ``%mlx_models`` in an IPython shell, on a root no server serves: each gate
said as it finishes, the promotion as a table (text in a terminal), errors as one UsageError
line, and the run defaulting to the last one this kernel tracked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from modelruns import log_model_run

from jupyter_mlx.models.widget import ModelsView, ModelView, PromotionView

#: Variables that would make the shell a job's or a notebook's kernel.
KERNEL_VARS = ("MLX_NOTEBOOK_PATH", "JPY_SESSION_NAME", "MLX_JOB_ID", "MLX_JOB_MLFLOW_RUN_ID")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mlflow_state: None) -> Iterator[Path]:
    """A root no server serves, its workspace's tracking store, a notebook in it."""
    from jupyter_mlx.tracking.session import kernel_session

    kernel_session().last_stopped = None
    folder = tmp_path / "root"
    (folder / ".mlx").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / "train.ipynb")
    for name in KERNEL_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "no-servers"))
    monkeypatch.setenv("MLX_ROOT_DIR", str(folder))
    monkeypatch.setenv("JUPYTERHUB_USER", "ann")
    yield folder
    while kernel_session().run is not None:
        kernel_session().stop()


def uri(root: Path) -> str:
    return f"sqlite:///{root / '.mlx' / 'mlflow.db'}"


def test_promote_says_each_gate_then_shows_the_version(
    shell: InteractiveShell, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = log_model_run(uri(root), metrics={"val_accuracy": 0.8})

    # Given a run's model promoted behind a gate,
    view = shell.run_line_magic(
        "mlx_promote", f'{run} --name churn --alias champion --gate "val_accuracy >= 0.5"'
    )

    # then the gate was said as it finished, and the promotion is shown as a table;
    assert "mlx: gate passed  val_accuracy >= 0.5" in capsys.readouterr().out
    assert isinstance(view, PromotionView)
    assert (view.promotion.state, view.promotion.version) == ("promoted", "1")
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"].startswith(f"promotion    {view.promotion.promotion_id} promoted")
    assert "<table class='jp-mlx-Promotion'>" in bundle["text/html"]
    assert "<code>val_accuracy &gt;= 0.5</code>" in bundle["text/html"]

    # a failing gate shows the refusal, naming the gate;
    refused = shell.run_line_magic(
        "mlx_promote", f"{run} --name churn --alias gold --gate 'val_accuracy > 0.9'"
    )
    assert refused.promotion.state == "refused"
    assert "<code>val_accuracy &gt; 0.9</code>" in refused._repr_mimebundle_()["text/html"]

    # and the models, and one model with its aliases and history, are shown.
    listing = shell.run_line_magic("mlx_models", "")
    assert isinstance(listing, ModelsView)
    assert repr(listing) == "churn: latest 1, aliases champion=1"
    model = shell.run_line_magic("mlx_models", "churn")
    assert isinstance(model, ModelView)
    text = repr(model)
    assert text.startswith("Model churn: aliases champion -> 1\n")
    assert "champion - -> 1 promote by ann, moved" in text
    assert "<table class='jp-mlx-ModelHistory'>" in model._repr_mimebundle_()["text/html"]


def test_the_run_defaults_to_the_last_one_this_kernel_tracked(
    shell: InteractiveShell, root: Path
) -> None:
    from jupyter_mlx.tracking.session import kernel_session

    # Before any run was tracked, a RUN_ID is asked for;
    with pytest.raises(UsageError, match="This kernel has tracked no run: give a RUN_ID"):
        shell.run_line_magic("mlx_promote", "--name m --alias a")

    # once a run was tracked (and ended), it is the one promoted: here it holds no model.
    shell.run_line_magic("mlx_track", f"--notebook {root / 'train.ipynb'}")
    shell.run_line_magic("mlx_track", "--stop")
    tracked = kernel_session().last_stopped
    assert tracked is not None
    with pytest.raises(UsageError, match=f"Run {tracked.run_id} has no model"):
        shell.run_line_magic("mlx_promote", "--name m --alias a")


def test_errors_are_one_usage_error_line(shell: InteractiveShell, root: Path) -> None:
    log_model_run(uri(root), metrics={"val_accuracy": 0.8})

    with pytest.raises(UsageError, match="the following arguments are required: --name"):
        shell.run_line_magic("mlx_promote", "abc --alias a")
    with pytest.raises(UsageError, match="nope"):
        shell.run_line_magic("mlx_promote", "nope --name m --alias a")
    with pytest.raises(UsageError, match="--name: "):
        shell.run_line_magic("mlx_promote", "nope --name a/b --alias a")
    with pytest.raises(UsageError, match="nope"):
        shell.run_line_magic("mlx_models", "nope")
