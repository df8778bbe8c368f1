"""The one base of every jupyter-mlx REST handler: services access, JSON in/out, errors."""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from jupyter_mlx.errors import Busy, InvalidInput, MLXError, invalid_input
from jupyter_mlx.services import Services

SchemaT = TypeVar("SchemaT", bound=BaseModel)
ResultT = TypeVar("ResultT")

#: Query arguments that belong to the Jupyter server, never to a route's query schema.
SERVER_ARGUMENTS = frozenset({"token", "_xsrf"})

#: The body of every internal error; the details go to the server log only.
INTERNAL_ERROR = {"message": "internal error", "code": "internal", "field": None}


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

    @cached_property
    def disconnected(self) -> threading.Event:
        """Set once the client has closed the connection; long work checks it and stops."""
        return threading.Event()

    def on_connection_close(self) -> None:
        """Tell work in progress that nobody waits for its answer any more."""
        self.disconnected.set()
        super().on_connection_close()

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
        occurrence (``?order_by=a&order_by=b``), and an empty occurrence counts as none, so
        ``?order_by=`` gets the default. The server's own arguments (``token``, ``_xsrf``)
        and JupyterLab's cache-busting number are not the route's and are skipped.

        Raises:
            InvalidInput: An argument is malformed or unknown; it is named.
        """
        data: dict[str, Any] = {}
        for name, raw in self.request.query_arguments.items():
            if name.isdigit() or name in SERVER_ARGUMENTS:
                continue  # isdigit: JupyterLab's cache-busting timestamp (?1795377787950)
            values = [value.decode("utf-8", "replace") for value in raw]
            field = schema.model_fields.get(name)
            if field is not None and "list" in str(field.annotation):
                values = [value for value in values if value]
                if values:
                    data[name] = values
            else:
                data[name] = values[-1]
        return self._validate(schema, data)

    def parse_body(self, schema: type[SchemaT]) -> SchemaT:
        """Validate the JSON body against ``schema``.

        Raises:
            InvalidInput: The body is not UTF-8 JSON, nests too deeply or does not fit the
                schema; the first offending field is named.
        """
        try:
            data = json.loads((self.request.body or b"null").decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InvalidInput("The request body is not UTF-8 text.") from exc
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"The request body is not valid JSON: {exc.msg}.") from exc
        except RecursionError as exc:
            raise InvalidInput("The request body nests too deeply.") from exc
        except ValueError as exc:  # e.g. an integer of more digits than Python converts
            raise InvalidInput("The request body holds a number too large to read.") from exc
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

    def allowed_methods(self) -> list[str]:
        """The HTTP methods this route serves, as its ``Allow`` header lists them."""
        return [
            method
            for method in self.SUPPORTED_METHODS
            if getattr(type(self), method.lower())
            is not getattr(web.RequestHandler, method.lower())
        ]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Turn any exception into the JSON error shape, without leaking internals.

        An error of status 500 is internal, whatever raised it: its body says only that.
        """
        exc = kwargs["exc_info"][1] if "exc_info" in kwargs else None
        self.set_header("Content-Type", "application/json")
        if status_code == 405:
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        body: dict[str, Any]
        if isinstance(exc, MLXError) and not _internal(exc):
            self.set_status(exc.status)
            body = exc.to_json()
            if isinstance(exc, Busy):
                self.set_header("Retry-After", str(exc.retry_after))
        elif status_code != 500 and (exc is None or isinstance(exc, web.HTTPError)):
            message = exc.log_message if isinstance(exc, web.HTTPError) else None
            body = {"message": message or self._reason, "code": "http_error", "field": None}
        else:
            self.set_status(500)
            body = INTERNAL_ERROR
        self.finish(json.dumps(body))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Log an error once, quoting what came with the request.

        Expected errors are the user's, not the server's: one line without a traceback. An
        internal error is logged with its traceback and its causes'.
        """
        where = f"{self.request.method} {quoted(self.request.path)}"
        if isinstance(value, MLXError) and not _internal(value):
            self.log.info("%s: %s", where, quoted(value.message))
        elif isinstance(value, web.HTTPError) and not _internal(value):
            message = value.log_message or self._reason
            if value.log_message and value.args:
                message = value.log_message % value.args
            self.log.warning("%s: %d %s", where, value.status_code, quoted(message))
        else:
            self.log.error("%s: internal error\n%s", where, traceback_text(value))


def _internal(exc: BaseException) -> bool:
    """Whether an error is the server's own fault (status 500), not the user's nor a
    dependency's (503 unavailable, 504 timeout keep their messages)."""
    if isinstance(exc, MLXError):
        return exc.status == 500
    if isinstance(exc, web.HTTPError):
        return exc.status_code == 500
    return True


def quoted(text: str) -> str:
    """``text`` with its control characters escaped (``\\n``, ``\\x1b``), for one log line."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def traceback_text(exc: BaseException) -> str:
    """The traceback of ``exc`` and of the exceptions it came from, as Python prints it, with
    each exception's message :func:`quoted`."""
    text = ""
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        name = type(current).__qualname__
        text = f"Traceback (most recent call last):\n{frames}{name}: {quoted(str(current))}{text}"
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            break
        text = f"\n\n{link}\n\n{text}"
    return text
