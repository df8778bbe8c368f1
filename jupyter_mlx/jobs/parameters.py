"""A notebook's parameters: typed from their defaults, and the values a run is given checked.

Papermill reads the ``parameters`` cell (:func:`~jupyter_mlx.tracking.notebook.notebook_parameters`)
and injects the values a run is given. The type of each parameter is its annotation when the
cell has one (``epochs: int = 10``), else that of its default value (``lr = 0.01`` is a
float). A value given to a run must fit that type, so a run never starts with a string where
the notebook computes with an integer: an integer for a float is fine, nothing else converts.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidInput
from ..tracking.notebook import NotebookParameter
from .schemas import NotebookParameterSpec, ParameterType

#: Annotations papermill reports, by the type they stand for.
_ANNOTATIONS: dict[str, ParameterType] = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "str",
    "list": "list",
    "tuple": "list",
    "dict": "dict",
}

_EXPECTED: dict[ParameterType, str] = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "str": "a string",
    "list": "a list",
    "dict": "an object",
}


def _literal(source: str) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(source.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def _type_of(value: Any) -> ParameterType:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return "any"


def _jsonable(value: Any) -> Any:
    """A literal default as JSON, or None when JSON cannot hold it (a set, NaN, bytes)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        items = [_jsonable(item) for item in value]
        lost = any(i is None and v is not None for i, v in zip(items, value, strict=True))
        return None if lost else items
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        converted = {key: _jsonable(item) for key, item in value.items()}
        lost = any(converted[k] is None and value[k] is not None for k in value)
        return None if lost else converted
    return None


def parameter_spec(parameter: NotebookParameter) -> NotebookParameterSpec:
    """The typed form of one name of a ``parameters`` cell."""
    is_literal, value = _literal(parameter.default)
    annotated = _ANNOTATIONS.get((parameter.type_name or "").split("[")[0].strip().lower())
    inferred = _type_of(value) if is_literal else "any"
    return NotebookParameterSpec(
        name=parameter.name,
        type=annotated or inferred,
        default=_jsonable(value) if is_literal else None,
        default_source=parameter.default,
        help=parameter.help,
    )


def fits(kind: ParameterType, value: Any) -> bool:
    """Whether a JSON value may be given to a parameter of type ``kind``."""
    if kind == "any":
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int)
    if kind == "float":
        return isinstance(value, (int, float))
    return isinstance(value, {"str": str, "list": list, "dict": dict}[kind])


def check_parameters(
    specs: list[NotebookParameterSpec],
    given: Mapping[str, Any],
    *,
    has_cell: bool,
    allow_extra: bool = False,
) -> dict[str, Any]:
    """The values of a run, checked against the notebook's parameters.

    Args:
        specs: The notebook's parameters.
        given: Values by name, as JSON.
        has_cell: Whether the notebook has a ``parameters`` cell.
        allow_extra: Accept names the cell does not have (papermill injects them all the same).

    Returns:
        The values given; an integer given to a float parameter becomes a float, so the
        notebook computes with the type its default has.

    Raises:
        InvalidInput: Parameters for a notebook without a parameters cell, an unknown name,
            or a value that does not fit its type; ``field`` is ``parameters.<name>``.
    """
    by_name = {spec.name: spec for spec in specs}
    checked: dict[str, Any] = {}
    for name, value in given.items():
        checked[name] = value
        field = f"parameters.{name}"
        if not name.isidentifier():
            raise InvalidInput(f"{name!r} is not a valid parameter name.", field=field)
        spec = by_name.get(name)
        if spec is None:
            if allow_extra:
                continue
            if not has_cell:
                raise InvalidInput(
                    f"The notebook has no cell tagged 'parameters', so it takes no parameter "
                    f"{name!r}: tag the cell that sets the defaults 'parameters'.",
                    field=field,
                )
            known = ", ".join(sorted(by_name)) or "none"
            raise InvalidInput(
                f"Unknown parameter {name!r}; the notebook's parameters are: {known}.",
                field=field,
            )
        if not fits(spec.type, value):
            raise InvalidInput(
                f"Parameter {name!r} takes {_EXPECTED[spec.type]} (its default is "
                f"{spec.default_source}), not {_describe(value)}.",
                field=field,
            )
        if spec.type == "float":
            checked[name] = float(value)
    return checked


def _describe(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."
