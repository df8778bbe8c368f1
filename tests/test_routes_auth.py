"""Contract tests: every /mlx/ route demands authentication and matches openapi.yaml."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from tornado.httpclient import HTTPClientError

from jupyter_mlx.handlers import ROUTES

OPENAPI = yaml.safe_load((Path(__file__).parents[1] / "jupyter_mlx" / "openapi.yaml").read_text())
VERBS = ("get", "post", "put", "patch", "delete")


def concrete_path(pattern: str) -> str:
    """A request path matching a route pattern (each group filled with a sample value)."""
    return re.sub(r"\([^)]*\)", "sample", pattern).replace("\\", "")


def openapi_pattern(pattern: str) -> str:
    """The OpenAPI path of a route pattern, path parameters as {name}."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
    return path.removeprefix("/mlx/api")


def route_verbs(handler: type) -> list[str]:
    """The HTTP verbs a handler serves (each handler defines its own)."""
    return [verb for verb in VERBS if verb in vars(handler)]


@pytest.mark.parametrize(("pattern", "handler"), ROUTES, ids=[p for p, _ in ROUTES])
async def test_every_route_answers_403_without_a_token(
    jp_fetch, jp_auth_header, pattern: str, handler: type
) -> None:
    # Given a token-less client, when it calls every verb of the route,
    # then each answers 403 with a JSON error and leaks no data.
    jp_auth_header.clear()
    verbs = route_verbs(handler)
    assert verbs, f"{handler.__name__} handles no verb"
    for verb in verbs:
        body = "{}" if verb in ("post", "put", "patch") else None
        with pytest.raises(HTTPClientError) as caught:
            await jp_fetch(
                *concrete_path(pattern).strip("/").split("/"),
                method=verb.upper(),
                body=body,
                allow_nonstandard_methods=True,
            )
        assert caught.value.code == 403, f"{verb.upper()} {pattern}"
        assert "message" in json.loads(caught.value.response.body)


def test_openapi_lists_exactly_the_served_routes() -> None:
    served = {
        (openapi_pattern(pattern), verb)
        for pattern, handler in ROUTES
        for verb in route_verbs(handler)
    }
    documented = {
        (path, verb) for path, item in OPENAPI["paths"].items() for verb in item if verb in VERBS
    }
    assert served == documented


def test_every_documented_operation_names_its_403() -> None:
    for path, item in OPENAPI["paths"].items():
        for verb, operation in item.items():
            assert "403" in operation["responses"], f"{verb.upper()} {path}"
