"""Requests to /mlx/api/... through a test server, and answers checked against openapi.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from tornado.httpclient import HTTPClientError

OPENAPI = yaml.safe_load((Path(__file__).parents[1] / "jupyter_mlx" / "openapi.yaml").read_text())
#: The error code of each status an MLX error answers.
ERROR_CODES = {400: "invalid_input", 404: "not_found", 409: "conflict", 503: "unavailable"}


async def call(jp_fetch, method: str, *parts: str, body: Any = None, **kwargs):
    """(status, headers, JSON body) of a request to /mlx/api/``parts``, errors included."""
    if body is not None:
        kwargs["body"] = body if isinstance(body, str) else json.dumps(body)
    elif method in ("POST", "PUT", "PATCH"):
        kwargs["body"] = ""
    try:
        response = await jp_fetch("mlx", "api", *parts, method=method, **kwargs)
    except HTTPClientError as exc:
        assert exc.response is not None
        code, headers, raw = exc.code, exc.response.headers, exc.response.body
    else:
        code, headers, raw = response.code, response.headers, response.body
    return code, headers, json.loads(raw) if raw else None


def conforms(body: Any, schema: str) -> Any:
    """Assert ``body`` fits the component ``schema`` of openapi.yaml; return it."""
    document = {"$ref": f"#/components/schemas/{schema}", "components": OPENAPI["components"]}
    errors = sorted(Draft202012Validator(document).iter_errors(body), key=str)
    assert not errors, f"{schema}: {errors[0].message} at {list(errors[0].absolute_path)}"
    return body


def refused(answer: tuple, status: int, field: str | None) -> str:
    """Assert an error answer of ``status`` naming ``field``, with its code; return its message."""
    code, _, error = answer
    assert (code, error.get("field")) == (status, field), error
    conforms(error, "Error")
    assert error["code"] == ERROR_CODES[status]
    return error["message"]
