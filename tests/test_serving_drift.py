"""Input drift (PSI per numeric feature) of live inputs against a model's input example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jupyter_mlx.serving import drift

#: Five rows, as a logged input example usually holds.
EXAMPLE = np.random.RandomState(0).rand(5, 3)


def around(example: np.ndarray, copies: int, shift: float = 0.0) -> list[np.ndarray]:
    """Requests of the example's rows with a little noise, moved by ``shift``."""
    noise = np.random.RandomState(1)
    return [example + noise.normal(0, 0.01, example.shape) + shift for _ in range(copies)]


def test_a_shifted_input_is_flagged_and_an_unshifted_one_is_not() -> None:
    unshifted = drift.report(EXAMPLE, around(EXAMPLE, 20))
    shifted = drift.report(EXAMPLE, around(EXAMPLE, 20, shift=1.0))

    assert unshifted["drifted"] is False
    assert [f["name"] for f in unshifted["features"]] == ["f0", "f1", "f2"]
    assert all(f["psi"] < drift.THRESHOLD and not f["drifted"] for f in unshifted["features"])
    assert shifted["drifted"] is True
    assert all(f["psi"] > drift.THRESHOLD and f["drifted"] for f in shifted["features"])
    assert (shifted["reference_rows"], shifted["live_rows"], shifted["message"]) == (5, 100, None)


def test_only_the_shifted_feature_of_a_frame_is_flagged() -> None:
    example = pd.DataFrame(EXAMPLE, columns=["a", "b", "c"]).assign(name="x")
    live = [pd.DataFrame(rows, columns=["a", "b", "c"]) for rows in around(EXAMPLE, 20)]
    for frame in live:
        frame["b"] += 1.0

    answer = drift.report(example, live)

    assert {f["name"]: f["drifted"] for f in answer["features"]} == {
        "a": False,
        "b": True,
        "c": False,
    }


def test_a_large_reference_is_binned_by_its_deciles() -> None:
    reference = np.random.RandomState(2).normal(size=(500, 1))
    same = np.random.RandomState(3).normal(size=(500, 1))

    assert drift.psi(reference[:, 0], same[:, 0]) < 0.1
    assert drift.psi(reference[:, 0], same[:, 0] + 1.0) > drift.THRESHOLD


def test_a_constant_feature_compares_equal_to_itself() -> None:
    assert drift.psi(np.ones(5), np.ones(80)) == pytest.approx(0.0)
    assert drift.psi(np.ones(5), np.full(80, 2.0)) > drift.THRESHOLD


@pytest.mark.parametrize(
    ("example", "live", "message"),
    [
        (EXAMPLE, around(EXAMPLE, 2), "Too few live rows to compare: 10 of the 50 needed."),
        (None, around(EXAMPLE, 20), "The model has no logged input example to compare with."),
        (
            pd.DataFrame({"text": ["a", "b"]}),
            [],
            "The input example has no numeric features: drift is measured on numbers.",
        ),
    ],
)
def test_why_psi_cannot_be_computed_is_said(example: object, live: list, message: str) -> None:
    answer = drift.report(example, live)

    assert answer["message"] == message
    assert answer["features"] == [] and answer["drifted"] is False
