"""The parameter space of a sweep: checked, expanded to a grid, sampled, or offered to Optuna.

A parameter takes a list of values, or a numeric range: ``low``..``high`` stepped by ``step``
(or ``count`` evenly spaced points, on a log scale with ``log``) on a grid, sampled uniformly
(log-uniformly with ``log``) by random search and by Optuna's TPE sampler.
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

from ..errors import InvalidInput
from .schemas import SweepParameter, SweepSpec

#: Most points one range of a grid may have.
MAX_RANGE_POINTS = 1000
#: Decimal places a grid point of a float range keeps (0.1 + 0.2 is 0.3, not 0.30000000000000004).
GRID_DIGITS = 12


def check_space(spec: SweepSpec, max_runs: int, *, field: str = "parameters") -> int:
    """Check a sweep and return how many runs it makes.

    Raises:
        InvalidInput: No varied parameter, a parameter with neither values nor a range, an
            empty or reversed range, a log range reaching 0, optuna without a metric, or more
            runs than ``max_runs`` (``field`` names the offending part).
    """
    if not spec.parameters:
        raise InvalidInput(
            "A sweep needs at least one varied parameter: give it several values or a range.",
            field=field,
        )
    for name, parameter in spec.parameters.items():
        _check_parameter(name, parameter, f"{field}.{name}", grid=spec.strategy == "grid")
    if spec.strategy == "optuna" and not spec.metric:
        raise InvalidInput(
            "An optuna sweep optimises a metric the notebook logs: give its name.", field="metric"
        )
    if spec.strategy == "grid":
        total = math.prod(len(grid_values(p)) for p in spec.parameters.values())
        what = "the grid has"
    else:
        total = spec.trials or 10
        what = "it asks for"
    if total > max_runs:
        raise InvalidInput(
            f"The sweep would make {total} runs ({what} that many); at most {max_runs} are "
            "allowed (MLXApp.max_sweep_runs).",
            field="trials" if spec.strategy != "grid" else field,
        )
    return total


def _check_parameter(name: str, parameter: SweepParameter, field: str, *, grid: bool) -> None:
    if parameter.values is not None:
        if not parameter.values:
            raise InvalidInput(f"Sweep parameter {name!r} has no values.", field=field)
        return
    low, high = parameter.low, parameter.high
    if low is None or high is None:
        raise InvalidInput(
            f"Sweep parameter {name!r} needs values, or a range with low and high.", field=field
        )
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise InvalidInput(
            f"Sweep parameter {name!r}: the range {low:g}..{high:g} is empty.", field=field
        )
    if parameter.log and low <= 0:
        raise InvalidInput(
            f"Sweep parameter {name!r}: a log range must start above 0.", field=field
        )
    if grid and parameter.step is None and parameter.count is None:
        raise InvalidInput(
            f"Sweep parameter {name!r}: a grid range needs a step or a count.", field=field
        )
    if grid and parameter.step is not None and (high - low) / parameter.step >= MAX_RANGE_POINTS:
        raise InvalidInput(
            f"Sweep parameter {name!r}: the step makes more than {MAX_RANGE_POINTS} points.",
            field=field,
        )


def grid_values(parameter: SweepParameter) -> list[Any]:
    """The values one parameter takes on a grid."""
    if parameter.values is not None:
        return list(parameter.values)
    low, high = float(parameter.low or 0.0), float(parameter.high or 0.0)
    if parameter.step is not None:
        count = math.floor((high - low) / parameter.step + 1e-9) + 1
        points = [low + i * parameter.step for i in range(count)]
    else:
        count = parameter.count or 2
        if parameter.log:
            ratio = (high / low) ** (1 / (count - 1))
            points = [low * ratio**i for i in range(count)]
        else:
            points = [low + (high - low) * i / (count - 1) for i in range(count)]
    return [_number(point, parameter.integer) for point in points]


def grid(spec: SweepSpec) -> list[dict[str, Any]]:
    """Every combination of the parameters' grid values, the first parameter varying slowest."""
    names = list(spec.parameters)
    axes = [grid_values(spec.parameters[name]) for name in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]


def sample(spec: SweepSpec, count: int) -> list[dict[str, Any]]:
    """``count`` random points of the space (seeded by ``spec.seed``)."""
    rng = random.Random(spec.seed)
    return [
        {name: _draw(rng, parameter) for name, parameter in spec.parameters.items()}
        for _ in range(count)
    ]


def _draw(rng: random.Random, parameter: SweepParameter) -> Any:
    if parameter.values is not None:
        return rng.choice(parameter.values)
    low, high = float(parameter.low or 0.0), float(parameter.high or 0.0)
    if parameter.integer:
        return rng.randint(math.ceil(low), math.floor(high))
    if parameter.log:
        return math.exp(rng.uniform(math.log(low), math.log(high)))
    return rng.uniform(low, high)


def suggest(trial: Any, spec: SweepSpec) -> dict[str, Any]:
    """The values an Optuna trial suggests for every parameter.

    Lists of scalars are categorical; a list holding lists or mappings is suggested by index
    (Optuna stores only scalars).
    """
    values: dict[str, Any] = {}
    for name, parameter in spec.parameters.items():
        if parameter.values is not None:
            choices = parameter.values
            if all(c is None or isinstance(c, bool | int | float | str) for c in choices):
                values[name] = trial.suggest_categorical(name, choices)
            else:
                values[name] = choices[trial.suggest_int(f"{name}#index", 0, len(choices) - 1)]
        elif parameter.integer:
            values[name] = trial.suggest_int(
                name,
                math.ceil(parameter.low or 0),
                math.floor(parameter.high or 0),
                step=max(1, int(parameter.step or 1)),
                log=parameter.log,
            )
        else:
            values[name] = trial.suggest_float(
                name,
                float(parameter.low or 0.0),
                float(parameter.high or 0.0),
                step=None if parameter.log else parameter.step,
                log=parameter.log,
            )
    return values


def _number(point: float, integer: bool) -> int | float:
    return round(point) if integer else round(point, GRID_DIGITS)
