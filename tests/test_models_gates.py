"""Metric gates: parsed robustly, refused with the gate and position, judged with values."""

from __future__ import annotations

import pytest

from jupyter_mlx.errors import InvalidInput
from jupyter_mlx.models.gates import (
    MetricGate,
    Reference,
    check_metrics_exist,
    evaluate,
    parse_gate,
    parse_gates,
)


@pytest.mark.parametrize(
    ("expression", "metric", "op", "value", "alias", "alias_metric"),
    [
        ("val_accuracy >= 0.9", "val_accuracy", ">=", 0.9, None, None),
        ("loss<champion.loss", "loss", "<", None, "champion", "loss"),
        ("eval/f1 score != 1e-3", "eval/f1 score", "!=", 0.001, None, None),
        ("val.loss <= staging.val.loss", "val.loss", "<=", None, "staging", "val.loss"),
        ("n == -2", "n", "==", -2.0, None, None),
    ],
)
def test_a_gate_is_parsed_with_dotted_and_slashed_metric_names(
    expression: str,
    metric: str,
    op: str,
    value: float | None,
    alias: str | None,
    alias_metric: str | None,
) -> None:
    gate = parse_gate(expression)

    assert (gate.metric, gate.operator, gate.value) == (metric, op, value)
    assert (gate.alias, gate.alias_metric) == (alias, alias_metric)


@pytest.mark.parametrize(
    ("expressions", "message"),
    [
        (["a > 1", "acc >> 0.9"], "gate 2 'acc >> 0.9': unknown operator '>>' at position 5"),
        (
            ["acc 0.9"],
            "gate 1 'acc 0.9': no operator (>=, >, <=, <, ==, !=); write METRIC OP "
            "VALUE at position 8",
        ),
        ([">= 0.9"], "gate 1 '>= 0.9': missing metric name before the operator at position 1"),
        (["acc >="], "gate 1 'acc >=': missing value after the operator at position 7"),
        (["acc >= high"], "gate 1 'acc >= high': expected a number or ALIAS.METRIC at position 8"),
        (["acc >= nan"], "gate 1 'acc >= nan': expected a finite number at position 8"),
    ],
)
def test_a_malformed_gate_is_named_with_the_position(expressions: list[str], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_gates(expressions)

    assert caught.value.field == "gates"
    assert caught.value.message == message


def test_a_gate_on_a_metric_the_run_lacks_lists_the_run_metrics() -> None:
    with pytest.raises(InvalidInput, match=r"no metric 'f1' \(its metrics: acc, loss\)"):
        check_metrics_exist(parse_gates(["acc > 0.5", "f1 > 0.5"]), {"loss": 1.0, "acc": 0.6})


def test_a_number_gate_shows_the_values_compared() -> None:
    gate = parse_gate("val_accuracy >= 0.9")

    assert evaluate(gate, {"val_accuracy": 0.93}, None) == (True, "val_accuracy 0.93 >= 0.9")
    assert evaluate(gate, {"val_accuracy": 0.8}, None) == (False, "val_accuracy 0.8 >= 0.9")


def test_a_champion_gate_compares_with_the_alias_version() -> None:
    gate = parse_gate("loss < champion.loss")
    champion = Reference("champion", "3", {"loss": 0.35})

    assert gate.reference_alias("production") == "production"
    assert evaluate(gate, {"loss": 0.21}, champion) == (
        True,
        "loss 0.21 < champion.loss 0.35 (version 3)",
    )
    assert evaluate(gate, {"loss": 0.5}, champion)[0] is False


def test_a_missing_champion_passes_and_a_champion_without_the_metric_fails() -> None:
    gate = MetricGate("loss < champion.loss", "loss", "<", alias="champion", alias_metric="loss")

    assert evaluate(gate, {"loss": 0.2}, Reference("champion", None, {})) == (
        True,
        "no version holds alias 'champion' yet: passes",
    )
    assert evaluate(gate, {"loss": 0.2}, Reference("champion", "2", {"acc": 1.0})) == (
        False,
        "version 2 (alias 'champion') has no metric 'loss'",
    )
