"""The alias history of registered models, kept in the jupyter-mlx store.

MLflow keeps where each alias points now, not where it pointed before. Every move jupyter-mlx
makes is recorded here, refused and undone ones too; moves made elsewhere (MLflow's UI or
API) are found by comparing MLflow's aliases with the last recorded move of each alias
(:meth:`AliasHistory.record_outside`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from sqlalchemy import select

from ..store.db import Store
from ..store.tables import AliasMoveRecord
from .schemas import AliasMove, GateResult, MoveAction, MoveOutcome

OUTSIDE_NOTE = "moved outside jupyter-mlx"


class AliasHistory:
    """Alias moves of registered models (the store table ``mlx_alias_moves``).

    Args:
        store: The jupyter-mlx database.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self,
        model: str,
        alias: str,
        *,
        action: MoveAction,
        outcome: MoveOutcome,
        from_version: str | None,
        to_version: str | None,
        user: str | None,
        gates: Sequence[GateResult] = (),
        note: str = "",
        error: str | None = None,
    ) -> AliasMove:
        """Add one entry and return it."""
        row = AliasMoveRecord(
            model=model,
            alias=alias,
            action=action,
            outcome=outcome,
            from_version=from_version,
            to_version=to_version,
            user=user,
            at=datetime.now(timezone.utc),
            gates=[gate.model_dump(mode="json") for gate in gates],
            note=note,
            error=error,
        )
        with self.store.session() as session:
            session.add(row)
            session.flush()
            return _move(row)

    def moves(self, model: str) -> list[AliasMove]:
        """Every entry of ``model``, newest first."""
        with self.store.session() as session:
            rows = session.scalars(
                select(AliasMoveRecord)
                .where(AliasMoveRecord.model == model)
                .order_by(AliasMoveRecord.id.desc())
            )
            return [_move(row) for row in rows]

    def recorded_aliases(self, model: str) -> dict[str, str | None]:
        """Where each alias of ``model`` points by the history (None: removed)."""
        pointed: dict[str, str | None] = {}
        for move in self.moves(model):
            if move.outcome == "moved":
                pointed.setdefault(move.alias, move.to_version)
        return pointed

    def record_outside(self, model: str, aliases: Mapping[str, str]) -> list[AliasMove]:
        """Record the moves made outside jupyter-mlx: each difference between MLflow's aliases
        and the history (an alias set, moved or deleted elsewhere).

        Args:
            model: The registered model.
            aliases: Its aliases now, as MLflow has them (alias to version).

        Returns:
            The entries added.
        """
        recorded = self.recorded_aliases(model)
        return [
            self.record(
                model,
                alias,
                action="outside",
                outcome="moved",
                from_version=recorded.get(alias),
                to_version=aliases.get(alias),
                user=None,
                note=OUTSIDE_NOTE,
            )
            for alias in sorted(set(recorded) | set(aliases))
            if recorded.get(alias) != aliases.get(alias)
        ]

    def previous_version(self, model: str, alias: str, current: str | None) -> str | None:
        """The version ``alias`` held before it came to ``current``: the ``from_version`` of
        its last move that ended there; None when there is none."""
        for move in self.moves(model):
            if move.alias == alias and move.outcome == "moved" and move.to_version == current:
                return move.from_version
        return None


def _move(row: AliasMoveRecord) -> AliasMove:
    return AliasMove(
        move_id=row.id,
        model=row.model,
        alias=row.alias,
        action=row.action,  # type: ignore[arg-type]
        outcome=row.outcome,  # type: ignore[arg-type]
        from_version=row.from_version,
        to_version=row.to_version,
        user=row.user,
        at=row.at if row.at.tzinfo else row.at.replace(tzinfo=timezone.utc),
        gates=[GateResult.model_validate(gate) for gate in row.gates],
        note=row.note,
        error=row.error,
    )
