"""What a notebook shows of models: a promotion as its gates run, a model, the models.

Each is an object with ``_repr_mimebundle_``: an HTML table in a notebook, text elsewhere.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .client import promotion_text
from .schemas import AliasMove, DescribeModel, GateResult, ListModelsResponse, Promotion

_COLOURS = {
    "passed": "var(--jp-success-color1, #388e3c)",
    "promoted": "var(--jp-success-color1, #388e3c)",
    "moved": "var(--jp-success-color1, #388e3c)",
    "failed": "var(--jp-error-color1, #d32f2f)",
    "refused": "var(--jp-error-color1, #d32f2f)",
    "undone": "var(--jp-error-color1, #d32f2f)",
    "running": "var(--jp-info-color1, #0288d1)",
}


def _state(text: str) -> str:
    colour = _COLOURS.get(text, "inherit")
    return f"<span style='color:{colour};font-weight:bold'>{escape(text)}</span>"


def _table(css_class: str, head: list[str], rows: list[list[str]]) -> str:
    """An HTML table of already escaped cells."""
    heading = "".join(f"<th style='text-align:left'>{escape(cell)}</th>" for cell in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table class='{css_class}'><tr>{heading}</tr>{body}</table>"


def _gates_html(gates: list[GateResult]) -> str:
    if not gates:
        return "<p>No gates.</p>"
    rows = [
        [f"<code>{escape(gate.gate)}</code>", _state(gate.status), escape(gate.detail or "")]
        for gate in gates
    ]
    return _table("jp-mlx-PromotionGates", ["Gate", "Status", "Detail"], rows)


class PromotionView:
    """A promotion: its gates as they run, then the version the alias points to."""

    def __init__(self, promotion: Promotion) -> None:
        self.promotion = promotion

    def __repr__(self) -> str:
        return promotion_text(self.promotion)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        from ..tracking.widget import open_run_link

        promotion = self.promotion
        run = "-"
        if promotion.run_id:
            run = f"<code>{escape(promotion.run_id)}</code> {open_run_link(promotion.run_id)}"
        version = escape(f"{promotion.previous_version or '-'} → {promotion.version or '-'}")
        facts = [
            ("Model", f"<b>{escape(promotion.name)}</b>@{escape(promotion.alias)}"),
            ("State", _state(promotion.state)),
            ("Version", version),
            ("Run", run),
            ("Model URI", f"<code>{escape(promotion.model_uri or '-')}</code>"),
        ]
        if promotion.error:
            facts.append(("Why", escape(promotion.error)))
        rows = "".join(
            f"<tr><th style='text-align:left'>{label}</th><td>{cell}</td></tr>"
            for label, cell in facts
        )
        html = f"<table class='jp-mlx-Promotion'>{rows}</table>{_gates_html(promotion.gates)}"
        return {"text/plain": repr(self), "text/html": html}


class ModelsView:
    """The registered models, one a line (a table in a notebook)."""

    def __init__(self, page: ListModelsResponse) -> None:
        self.page = page

    def __repr__(self) -> str:
        return "\n".join(
            f"{model.name}: latest {model.latest_version or '-'}, aliases "
            + (", ".join(f"{a}={v}" for a, v in sorted(model.aliases.items())) or "-")
            for model in self.page.models
        ) or ("No registered models: promote a run's model with `%mlx_promote`.")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        if not self.page.models:
            return {"text/plain": repr(self), "text/html": f"<p>{escape(repr(self))}</p>"}
        rows = [
            [
                f"<b>{escape(model.name)}</b>",
                escape(model.latest_version or "-"),
                escape(", ".join(f"{a} → {v}" for a, v in sorted(model.aliases.items())) or "-"),
            ]
            for model in self.page.models
        ]
        html = _table("jp-mlx-Models", ["Model", "Latest", "Aliases"], rows)
        return {"text/plain": repr(self), "text/html": html}


def _move_text(move: AliasMove) -> str:
    who = f" by {move.user}" if move.user else ""
    note = f": {move.note}" if move.note else ""
    return (
        f"{move.at:%Y-%m-%d %H:%M} {move.alias} {move.from_version or '-'} -> "
        f"{move.to_version or '-'} {move.action}{who}, {move.outcome}{note}"
    )


class ModelView:
    """A registered model: its aliases, default gates, versions and alias history."""

    def __init__(self, model: DescribeModel, moves: list[AliasMove]) -> None:
        self.model = model
        self.moves = moves

    def __repr__(self) -> str:
        model = self.model
        aliases = ", ".join(f"{a} -> {v}" for a, v in sorted(model.aliases.items())) or "-"
        gates = ", ".join(model.gates.metrics) or "none"
        lines = [
            f"Model {model.name}: aliases {aliases}",
            f"Default gates: {gates}; smoke test {'yes' if model.gates.smoke else 'no'}",
            "Versions:",
            *(
                f"  {v.version} run {v.run_id or '-'} {', '.join(v.aliases)}".rstrip()
                for v in model.versions
            ),
            "History:" if self.moves else "History: no alias moves",
            *(f"  {_move_text(move)}" for move in self.moves),
        ]
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        model = self.model
        versions = [
            [
                escape(version.version),
                escape(", ".join(version.aliases) or "-"),
                f"<code>{escape(version.run_id or '-')}</code>",
                escape(version.notebook or "-"),
                escape(", ".join(f"{k}={v:.4g}" for k, v in sorted(version.metrics.items())[:4])),
            ]
            for version in model.versions
        ]
        moves = [
            [
                escape(f"{move.at:%Y-%m-%d %H:%M}"),
                escape(move.alias),
                escape(f"{move.from_version or '-'} → {move.to_version or '-'}"),
                escape(move.action),
                _state(move.outcome),
                escape(move.user or "-"),
                escape(move.note),
            ]
            for move in self.moves
        ]
        gates = ", ".join(f"<code>{escape(gate)}</code>" for gate in model.gates.metrics)
        html = (
            f"<p><b>{escape(model.name)}</b> · default gates: {gates or 'none'}; smoke test "
            f"{'yes' if model.gates.smoke else 'no'}</p>"
            + _table(
                "jp-mlx-ModelVersions",
                ["Version", "Aliases", "Run", "Notebook", "Metrics"],
                versions,
            )
            + _table(
                "jp-mlx-ModelHistory",
                ["When", "Alias", "Versions", "Action", "Outcome", "User", "Note"],
                moves,
            )
        )
        return {"text/plain": repr(self), "text/html": html}


__all__ = ["ModelView", "ModelsView", "PromotionView"]
