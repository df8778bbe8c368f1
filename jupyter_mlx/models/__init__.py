"""Registered models from Python: promote a run's model behind gates, roll back, read history.

Meant for notebooks, job notebooks above all: a nightly retraining job promotes its own model
only when it beats the one in service::

    from jupyter_mlx import models

    promotion = models.promote(name="churn", alias="champion", gates=["auc > champion.auc"])
    if promotion.state != "promoted":
        print(promotion.error)

Calls go through the jupyter-mlx server that serves the workspace when one does (it records
the move under its user), else run in this process. This module imports nothing heavy; MLflow
loads on the first call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Models
    from .schemas import AliasMove, DescribeModel, ModelHistory, Promotion


def promote(
    run_id: str | None = None,
    *,
    name: str,
    alias: str,
    gates: list[str] | None = None,
    smoke: bool | None = None,
    note: str = "",
    artifact_path: str | None = None,
) -> Promotion:
    """Register a run's model as a new version of ``name`` and move ``alias`` to it, behind gates.

    Args:
        run_id: The MLflow run; default: the run this kernel tracks (``%mlx_track``), else the
            last one it ended, else the run of the job it executes.
        name: The registered model, existing or new.
        alias: The alias to move (``champion``, ``staging``, ...).
        gates: Metric conditions on the run, ``"METRIC OP VALUE"`` with VALUE a number or
            ``ALIAS.METRIC`` (``"loss < champion.loss"``); default: the model's default gates.
        smoke: Load the model in a subprocess and predict on its input example first;
            default: the model's setting.
        note: Why, recorded in the alias history.
        artifact_path: Which of the run's models (its name at logging, its artifact folder or
            ``runs:/<run>/<path>``); default: the run's only model.

    Returns:
        The promotion once its gates ran: ``promoted`` (with ``version``), ``refused`` (no
        version registered; ``error`` names each failing gate) or ``failed``.

    Raises:
        InvalidInput: A bad name, alias or gate, a run without a model, no run tracked here.
        NotFound: An unknown run.
        Unavailable: The tracking store or the server cannot be reached.

    Example:
        >>> models.promote("3f2a...", name="churn", alias="staging", gates=["auc >= 0.9"])
    """
    from .client import kernel_run_id
    from .schemas import PromoteRequest

    request = _validated(
        PromoteRequest,
        run_id=run_id or kernel_run_id(),
        artifact_path=artifact_path,
        name=name,
        alias=alias,
        gates=gates,
        smoke=smoke,
        note=note,
    )
    return _call(lambda models, user: models.promote(request, user=user))


def rollback(name: str, alias: str, note: str = "") -> AliasMove:
    """Move ``alias`` of ``name`` back to the version it held before its last move.

    Returns:
        The move, as the alias history records it.

    Raises:
        NotFound: An unknown model or alias.
        Conflict: The alias held no earlier version.
    """
    from .schemas import RollbackRequest

    request = _validated(RollbackRequest, note=note)
    return _call(lambda models, user: models.rollback(name, alias, request, user=user))


def history(name: str) -> ModelHistory:
    """Every move of the aliases of ``name``, newest first (moves made outside jupyter-mlx
    included).

    Raises:
        NotFound: An unknown model.
    """
    return _call(lambda models, user: models.history(name))


def describe(name: str) -> DescribeModel:
    """The registered model ``name``: its versions (newest first), aliases and default gates.

    Raises:
        NotFound: An unknown model.
    """
    return _call(lambda models, user: models.describe(name))


def _validated(schema: Any, **values: Any) -> Any:
    """A request from keyword arguments; a bad one raises InvalidInput naming the argument."""
    from pydantic import ValidationError

    from ..errors import invalid_input

    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        raise invalid_input(exc) from exc


def _call(call: Any) -> Any:
    """``call(models, user)`` on the models of this process's workspace."""
    from ..config import Settings
    from .client import local_user, models_for

    models: Models
    with models_for(Settings.for_process()) as models:
        return call(models, local_user())


__all__ = ["describe", "history", "promote", "rollback"]
