"""The one base of every jupyter-mlx REST handler: services access, JSON in/out, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from jupyter_mlx.errors import Busy, InvalidInput, MLXError, invalid_input
from jupyter_mlx.services import Services

SchemaT = TypeVar("SchemaT", bound=BaseModel)
ResultT = TypeVar("ResultT")


class MLXHandler(APIHandler):
    """Base handler: every error leaves as ``{"message", "code", "field"}`` JSON.

    Subclasses set ``auth_resource`` (``"mlx:<resource>"``) and decorate each verb with
    ``@web.authenticated`` and ``@authorized``.
    """

    auth_resource = "mlx"

    @property
    def services(self) -> Services:
        """The workspace services built by the extension at start."""
        return self.settings["mlx"]

    async def in_thread(self, func: Callable[..., ResultT], *args: Any) -> ResultT:
        """Run heavy blocking work (MLflow reads, files) in the services' bounded pool.

        Raises:
            Busy: The pool's queue is full (503 with ``Retry-After``).
        """
        return await self.services.blocking.run(func, *args)

    async def quickly(self, func: Callable[..., ResultT], *args: Any) -> ResultT:
        """Run cheap blocking work (status, store health) in its own pool, never behind reads."""
        return await self.services.quick.run(func, *args)

    def parse_query(self, schema: type[SchemaT]) -> SchemaT:
        """Validate the query string against ``schema``.

        Arguments given once become strings; those the schema declares as lists keep every
        occurrence (``?order_by=a&order_by=b``).

        Raises:
            InvalidInput: An argument is malformed or unknown; it is named.
        """
        data: dict[str, Any] = {}
        for name, raw in self.request.query_arguments.items():
            if name.isdigit():
                continue  # JupyterLab's cache-busting timestamp (?1795377787950)
            values = [value.decode("utf-8", "replace") for value in raw]
            field = schema.model_fields.get(name)
            is_list = field is not None and "list" in str(field.annotation)
            data[name] = values if is_list else values[-1]
        return self._validate(schema, data)

    def parse_body(self, schema: type[SchemaT]) -> SchemaT:
        """Validate the JSON body against ``schema``.

        Raises:
            InvalidInput: The body is not JSON or does not fit the schema; the first
                offending field is named.
        """
        try:
            data = json.loads(self.request.body or b"null")
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"The request body is not valid JSON: {exc.msg}.") from exc
        return self._validate(schema, data)

    @staticmethod
    def _validate(schema: type[SchemaT], data: Any) -> SchemaT:
        try:
            return schema.model_validate(data)
        except ValidationError as exc:
            raise invalid_input(exc) from exc

    def write_model(self, model: BaseModel, status: int = 200) -> None:
        """Send a schema as JSON."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(model.model_dump_json())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Turn any exception into the JSON error shape, without leaking internals."""
        exc = kwargs["exc_info"][1] if "exc_info" in kwargs else None
        self.set_header("Content-Type", "application/json")
        if isinstance(exc, MLXError):
            self.set_status(exc.status)
            body = exc.to_json()
            if isinstance(exc, Busy):
                self.set_header("Retry-After", str(exc.retry_after))
        elif isinstance(exc, web.HTTPError):
            body = {
                "message": exc.log_message or self._reason,
                "code": "http_error",
                "field": None,
            }
        else:
            self.set_status(500)
            body = {
                "message": "Internal server error; the server log has the details.",
                "code": "internal",
                "field": None,
            }
        self.finish(json.dumps(body))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Expected errors are the user's, not the server's: log them without a traceback."""
        if isinstance(value, MLXError):
            self.log.info("%s %s: %s", self.request.method, self.request.path, value.message)
        else:
            super().log_exception(typ, value, tb)
