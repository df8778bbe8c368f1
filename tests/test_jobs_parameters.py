"""A notebook's parameters typed from their defaults, and the values a run may be given."""

from __future__ import annotations

import pytest

from jupyter_mlx.errors import InvalidInput
from jupyter_mlx.jobs.client import given_parameters, parse_value
from jupyter_mlx.jobs.parameters import check_parameters, parameter_spec
from jupyter_mlx.tracking.notebook import NotebookParameter


def spec(default: str, annotation: str | None = None, name: str = "x"):
    return parameter_spec(NotebookParameter(name, annotation, default, ""))


@pytest.mark.parametrize(
    ("default", "kind", "value"),
    [
        ("10", "int", 10),
        ("0.01", "float", 0.01),
        ("1e-3", "float", 0.001),
        ("True", "bool", True),
        ("'bob'", "str", "bob"),
        ("'2024-01-01'", "str", "2024-01-01"),
        ("[1, 2]", "list", [1, 2]),
        ("(1, 2)", "list", [1, 2]),
        ("{'a': 1}", "dict", {"a": 1}),
        ("None", "any", None),
        ("np.arange(3)", "any", None),
    ],
)
def test_types_come_from_the_default_value(default: str, kind: str, value: object) -> None:
    typed = spec(default)
    assert (typed.type, typed.default, typed.default_source) == (kind, value, default)


def test_an_annotation_wins_over_the_default() -> None:
    assert spec("None", "int").type == "int"
    assert spec("1", "float").type == "float"


def test_a_default_json_cannot_hold_is_null_but_keeps_its_type() -> None:
    assert (spec("float('nan')").type, spec("float('nan')").default) == ("any", None)
    typed = spec("{1: 'a'}")
    assert (typed.type, typed.default) == ("dict", None)


SPECS = [spec("3", name="epochs"), spec("0.1", name="lr"), spec("'2024-01-01'", name="day")]


@pytest.mark.parametrize(
    "given",
    [{"epochs": 5}, {"lr": 0.5}, {"day": "2025-02-03"}, {}],
)
def test_values_that_fit_are_accepted_unchanged(given: dict) -> None:
    assert check_parameters(SPECS, given, has_cell=True) == given


def test_an_integer_for_a_float_becomes_a_float() -> None:
    checked = check_parameters(SPECS, {"lr": 1}, has_cell=True)
    assert checked == {"lr": 1.0} and isinstance(checked["lr"], float)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"epochs": "5"}, "Parameter 'epochs' takes an integer (its default is 3), not \"5\"."),
        ({"epochs": 5.5}, "takes an integer"),
        ({"epochs": True}, "takes an integer"),
        ({"lr": "0.1"}, "takes a number"),
        ({"day": 20240101}, "takes a string"),
        ({"batch": 32}, "Unknown parameter 'batch'; the notebook's parameters are: day, epochs"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_naming_the_parameter(
    given: dict, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        check_parameters(SPECS, given, has_cell=True)
    assert err.value.field == f"parameters.{next(iter(given))}"


def test_a_notebook_without_a_parameters_cell_takes_none_unless_extra_are_allowed() -> None:
    with pytest.raises(InvalidInput, match="no cell tagged 'parameters'"):
        check_parameters([], {"epochs": 5}, has_cell=False)
    assert check_parameters([], {"epochs": 5}, has_cell=False, allow_extra=True) == {"epochs": 5}
    with pytest.raises(InvalidInput, match="not a valid parameter name"):
        check_parameters([], {"no good": 1}, has_cell=False, allow_extra=True)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5),
        ("0.5", 0.5),
        ("true", True),
        ("[1, 2]", [1, 2]),
        ('{"a": 1}', {"a": 1}),
        ("bob", "bob"),
        ("2024-01-01", "2024-01-01"),
        ('"5"', "5"),
    ],
)
def test_command_line_values_are_json_where_they_parse(text: str, value: object) -> None:
    assert parse_value(text) == value


def test_p_values_win_over_a_parameters_file(tmp_path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("epochs: 10\nday: '2024-01-01'\n")
    assert given_parameters([("epochs", "20")], [str(params)]) == {
        "epochs": 20,
        "day": "2024-01-01",
    }
    params.write_text("- not a mapping\n")
    with pytest.raises(InvalidInput, match="must map parameter names to values"):
        given_parameters([], [str(params)])
