"""Wire shapes of the models API (mirrored in labextension/src/api/types.ts)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_serializer

from ..schemas import MLXSchema
from ..tracking.schemas import MAX_PAGE_SIZE, PAGE_TOKEN_HELP, PageToken

#: Longest registered model name accepted (MLflow's SQL store holds 256 characters).
MAX_MODEL_NAME_LENGTH = 256
#: Longest alias MLflow accepts.
MAX_ALIAS_LENGTH = 255
#: Most gates one promotion runs.
MAX_GATES = 20
#: Longest gate expression.
MAX_GATE_LENGTH = 500
#: Longest note of an alias move.
MAX_NOTE_LENGTH = 2000

#: A registered model name: no slash (it is one segment of the model's routes and URI).
ModelName = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=MAX_MODEL_NAME_LENGTH, pattern=r"^[^/\s](?:[^/]*[^/\s])?$"
    ),
]
#: An alias as written; checked against MLflow's rules by the service (its messages).
AliasName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ALIAS_LENGTH)]
#: A gate: ``METRIC OP VALUE``, VALUE a number or ``champion.METRIC`` / ``ALIAS.METRIC``.
GateExpression = Annotated[str, StringConstraints(min_length=1, max_length=MAX_GATE_LENGTH)]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)]

#: Where a model of a run lives: an MLflow 3 LoggedModel, or an artifact folder with MLmodel.
ModelSource = Literal["logged_model", "artifact"]
#: What a gate checks.
GateKind = Literal["metric", "smoke"]
#: Where a gate is: waiting, running, or its verdict.
GateStatus = Literal["pending", "running", "passed", "failed"]
#: Where a promotion is: gates running, done (the alias moved), refused by a gate, or failed.
PromotionState = Literal["running", "promoted", "refused", "failed"]
#: What an entry of an alias history records.
MoveAction = Literal["promote", "move", "rollback", "remove", "outside"]
#: How it ended: the alias moved; a gate refused it; a step failed and was undone.
MoveOutcome = Literal["moved", "refused", "undone"]


def _finite(values: dict[str, float]) -> dict[str, float | None]:
    return {key: value if math.isfinite(value) else None for key, value in values.items()}


class RunModel(MLXSchema):
    """A model a run holds, which can be promoted."""

    artifact_path: str = Field(
        description="The name given at logging (LoggedModel), or the artifact folder of MLmodel."
    )
    source: ModelSource
    model_uri: str = Field(description="models:/<model_id> or runs:/<run_id>/<path>.")
    model_id: str | None = Field(description="The LoggedModel's id (MLflow 3); null for a folder.")
    flavors: list[str] = Field(
        description="Flavours of its MLmodel, e.g. python_function, pytorch."
    )
    signature: dict[str, str] | None = Field(
        description="The signature's inputs and outputs (MLflow's JSON), when logged with one."
    )
    has_input_example: bool = Field(description="A smoke test needs the logged input example.")


class RunModels(MLXSchema):
    """The models a run holds."""

    run_id: str
    models: list[RunModel]


class Gates(MLXSchema):
    """Gates a promotion must pass; stored on a registered model as its defaults."""

    metrics: list[GateExpression] = Field(
        default_factory=list,
        max_length=MAX_GATES,
        description="Conditions on the run's metrics: 'acc >= 0.9', 'loss < champion.loss'.",
    )
    smoke: bool = Field(
        False, description="Load the model in a subprocess and predict on its input example."
    )


class GateResult(MLXSchema):
    """One gate of a promotion and its verdict."""

    gate: str = Field(description="The expression as written, or 'smoke test'.")
    kind: GateKind
    status: GateStatus
    detail: str | None = Field(
        None, description="The values compared ('val_accuracy 0.93 >= 0.9'), or why it failed."
    )


class PromoteRequest(MLXSchema):
    """Body of ``POST /mlx/api/models/promote``."""

    run_id: str = Field(min_length=1, max_length=64)
    artifact_path: str | None = Field(
        None,
        max_length=1000,
        description="The model's name at logging, its artifact folder, or runs:/<run>/<path>; "
        "default: the run's only model.",
    )
    name: ModelName = Field(description="Registered model: an existing one or a new one.")
    alias: AliasName
    gates: list[GateExpression] | None = Field(
        None, max_length=MAX_GATES, description="Metric gates; default: the model's default gates."
    )
    smoke: bool | None = Field(None, description="Run the smoke test; default: the model's.")
    note: Note = ""


class MoveAliasRequest(MLXSchema):
    """Body of ``PUT /mlx/api/models/{name}/aliases/{alias}``: move it to a version."""

    version: str = Field(min_length=1, max_length=20, pattern=r"^[0-9]+$")
    gates: list[GateExpression] | None = Field(None, max_length=MAX_GATES)
    smoke: bool | None = None
    note: Note = ""


class RollbackRequest(MLXSchema):
    """Body of ``POST /mlx/api/models/{name}/aliases/{alias}/rollback`` (may be empty)."""

    note: Note = ""


class Promotion(MLXSchema):
    """A promotion (or a gated alias move): its gates as they run, then its outcome."""

    promotion_id: str
    state: PromotionState
    name: str
    alias: str
    run_id: str | None
    artifact_path: str | None
    model_uri: str | None
    gates: list[GateResult]
    version: str | None = Field(description="The version the alias now points to, once promoted.")
    previous_version: str | None = Field(description="The version the alias held before.")
    error: str | None = Field(
        None, description="Why it was refused (each failing gate) or failed (the step)."
    )
    started_at: datetime
    finished_at: datetime | None


class AliasMove(MLXSchema):
    """One entry of a registered model's alias history."""

    move_id: int
    model: str
    alias: str
    action: MoveAction
    outcome: MoveOutcome
    from_version: str | None
    to_version: str | None
    user: str | None = Field(description="Who moved it; null for a move outside jupyter-mlx.")
    at: datetime
    gates: list[GateResult]
    note: str
    error: str | None = Field(None, description="What failed, for an undone or refused move.")


class ModelHistory(MLXSchema):
    """Answer of ``GET /mlx/api/models/{name}/history``, newest first."""

    name: str
    moves: list[AliasMove]


class ModelVersion(MLXSchema):
    """A version of a registered model, with the run that produced it."""

    version: str
    status: str = Field(description="MLflow's: READY, PENDING_REGISTRATION, FAILED_REGISTRATION.")
    source: str
    run_id: str | None
    run_name: str | None
    notebook: str | None = Field(description="The run's notebook, relative to the server root.")
    job_id: str | None
    environment: str | None
    environment_lock_sha256: str | None
    aliases: list[str]
    created: int | None = Field(description="Milliseconds since the epoch.")
    user: str | None
    description: str | None
    metrics: dict[str, float] = Field(
        description="Last value of each of the run's metrics; NaN and infinite sent as null."
    )

    @field_serializer("metrics", when_used="json")
    def finite_metrics(self, metrics: dict[str, float]) -> dict[str, float | None]:
        return _finite(metrics)


class ModelSummary(MLXSchema):
    """A registered model as listed."""

    name: str
    description: str | None
    aliases: dict[str, str] = Field(description="Alias to version.")
    latest_version: str | None
    created: int | None = Field(description="Milliseconds since the epoch.")
    updated: int | None
    tags: dict[str, str]


class DescribeModel(ModelSummary):
    """Answer of ``GET /mlx/api/models/{name}``: versions (newest first), aliases, gates."""

    versions: list[ModelVersion]
    gates: Gates


class ListModelsQuery(MLXSchema):
    """Query of ``GET /mlx/api/models``."""

    search: str = Field("", max_length=MAX_MODEL_NAME_LENGTH, description="Part of the name.")
    max_results: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    page_token: PageToken | None = Field(None, description=PAGE_TOKEN_HELP)


class ListModelsResponse(MLXSchema):
    """A page of registered models, by name."""

    models: list[ModelSummary]
    next_page_token: str | None
