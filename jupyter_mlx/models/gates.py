"""Metric gates of a promotion: ``METRIC OP VALUE``, parsed and checked (no I/O here).

VALUE is a number or ``ALIAS.METRIC``: the metric of the run behind the version an alias
points to. ``champion`` stands for the alias being moved (the version it holds now); any
other alias name means that alias. Metric names may hold dots, slashes and spaces: the
operator is the first of ``<``, ``>``, ``=``, ``!`` in the expression.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..errors import InvalidInput

#: The alias a gate names to mean "the alias this promotion moves".
CHAMPION = "champion"

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
_OPERATOR_CHARS = frozenset("<>=!")


@dataclass(frozen=True, slots=True)
class MetricGate:
    """One parsed gate.

    Attributes:
        expression: The gate as written.
        metric: The run's metric it checks.
        operator: One of :data:`OPERATORS`.
        value: The number compared with, or None when it compares with an alias.
        alias: The alias whose version's run gives the value (``champion``: the target alias).
        alias_metric: The metric of that run.
    """

    expression: str
    metric: str
    operator: str
    value: float | None = None
    alias: str | None = None
    alias_metric: str | None = None

    def reference_alias(self, target: str) -> str | None:
        """The alias this gate compares with when ``target`` is the alias being moved."""
        if self.alias is None:
            return None
        return target if self.alias == CHAMPION else self.alias


@dataclass(frozen=True, slots=True)
class Reference:
    """The version an alias points to, and its run's metrics (None: no version holds it).

    Attributes:
        alias: The alias.
        version: Its version, or None when no version holds it.
        metrics: Last value of each metric of that version's run.
    """

    alias: str
    version: str | None
    metrics: Mapping[str, float]


def parse_gates(expressions: Sequence[str]) -> list[MetricGate]:
    """Parse every gate, numbered from 1 in error messages.

    Raises:
        InvalidInput: (field ``gates``) a gate is malformed; the message names the gate and
            the 1-based position of the fault, e.g. ``gate 2 'acc >> 0.9': unknown operator
            at position 5``.
    """
    return [parse_gate(expression, number) for number, expression in enumerate(expressions, 1)]


def parse_gate(expression: str, number: int = 1) -> MetricGate:
    """Parse one gate (see :func:`parse_gates`)."""

    def fault(what: str, index: int) -> InvalidInput:
        return InvalidInput(
            f"gate {number} {expression!r}: {what} at position {index + 1}", field="gates"
        )

    start = next((i for i, char in enumerate(expression) if char in _OPERATOR_CHARS), None)
    if start is None:
        ops = ", ".join(OPERATORS)
        raise fault(f"no operator ({ops}); write METRIC OP VALUE", len(expression))
    metric = expression[:start].strip()
    if not metric:
        raise fault("missing metric name before the operator", start)
    end = start
    while end < len(expression) and expression[end] in _OPERATOR_CHARS:
        end += 1
    op = expression[start:end]
    if op not in OPERATORS:
        raise fault(f"unknown operator {op!r}", start)
    rest = expression[end:]
    value_at = end + len(rest) - len(rest.lstrip())
    text = rest.strip()
    if not text:
        raise fault("missing value after the operator", len(expression))
    try:
        number_value = float(text)
    except ValueError:
        alias, dot, alias_metric = text.partition(".")
        if not dot or not alias or not alias_metric.strip() or " " in alias:
            raise fault("expected a number or ALIAS.METRIC", value_at) from None
        return MetricGate(expression, metric, op, alias=alias, alias_metric=alias_metric.strip())
    if not math.isfinite(number_value):
        raise fault("expected a finite number", value_at)
    return MetricGate(expression, metric, op, value=number_value)


def check_metrics_exist(gates: Sequence[MetricGate], metrics: Mapping[str, float]) -> None:
    """Refuse gates on metrics the run does not have.

    Raises:
        InvalidInput: (field ``gates``) naming the metric and listing the run's metrics.
    """
    for gate in gates:
        if gate.metric not in metrics:
            have = ", ".join(sorted(metrics)) or "none"
            raise InvalidInput(
                f"gate {gate.expression!r}: the run has no metric {gate.metric!r} "
                f"(its metrics: {have})",
                field="gates",
            )


def evaluate(
    gate: MetricGate, metrics: Mapping[str, float], reference: Reference | None
) -> tuple[bool, str]:
    """Check one gate against a run's metrics.

    Args:
        gate: The gate.
        metrics: The promoted run's metrics.
        reference: The alias the gate compares with, when it names one.

    Returns:
        Whether it passed, and a detail showing the values compared:
        ``val_accuracy 0.93 >= 0.9``, ``loss 0.21 < champion.loss 0.35 (version 3)``.
    """
    if gate.metric not in metrics:
        return False, f"the run has no metric {gate.metric!r}"
    left = metrics[gate.metric]
    compare = OPERATORS[gate.operator]
    shown = f"{gate.metric} {_number(left)} {gate.operator}"
    if gate.value is not None:
        return compare(left, gate.value), f"{shown} {_number(gate.value)}"
    assert reference is not None and gate.alias_metric is not None
    if reference.version is None:
        return True, f"no version holds alias {reference.alias!r} yet: passes"
    if gate.alias_metric not in reference.metrics:
        return False, (
            f"version {reference.version} (alias {reference.alias!r}) has no metric "
            f"{gate.alias_metric!r}"
        )
    right = reference.metrics[gate.alias_metric]
    detail = (
        f"{shown} {gate.alias}.{gate.alias_metric} {_number(right)} (version {reference.version})"
    )
    return compare(left, right), detail


def _number(value: float) -> str:
    return f"{value:.6g}"
