"""The error hierarchy of jupyter-mlx.

Services raise these; the HTTP layer maps each to its status and a JSON body
``{"message", "code", "field"}``; magics and the CLI print the message as one line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError


class MLXError(Exception):
    """Root of every error a user is meant to read.

    Args:
        message: One sentence saying what went wrong and, where possible, what to do.
        field: The name of the input field at fault, when there is one.
    """

    status = 500
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_json(self) -> dict[str, str | None]:
        """The wire form of this error."""
        return {"message": self.message, "code": self.code, "field": self.field}


class InvalidInput(MLXError):
    """The request or argument is malformed (HTTP 400)."""

    status = 400
    code = "invalid_input"


class NotFound(MLXError):
    """The named thing does not exist (HTTP 404)."""

    status = 404
    code = "not_found"


class Conflict(MLXError):
    """The request clashes with the current state, e.g. a duplicate name (HTTP 409)."""

    status = 409
    code = "conflict"


class Unavailable(MLXError):
    """A backing service (database, tracking server) cannot be reached (HTTP 503)."""

    status = 503
    code = "unavailable"


class Busy(Unavailable):
    """The server has more blocking work queued than it takes (HTTP 503 with Retry-After).

    Args:
        message: What is busy.
        retry_after: Seconds after which a retry is likely to be accepted.
    """

    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Cancelled(MLXError):
    """The caller went away before the work finished; nobody reads the answer (499)."""

    status = 499
    code = "cancelled"


class ProcessTimeout(MLXError):
    """A command did not finish within its time limit and was stopped (HTTP 504).

    Args:
        message: What went wrong; default: built from ``argv`` and ``timeout``.
        argv: The command.
        timeout: Its limit in seconds; None when not known (an error read back from an answer).
        output: The last lines it printed.
        field: The name of the input field at fault, when there is one.
    """

    status = 504
    code = "timeout"

    def __init__(
        self,
        message: str | None = None,
        *,
        argv: Sequence[str] = (),
        timeout: float | None = None,
        output: str = "",
        field: str | None = None,
    ) -> None:
        if message is None:
            program = Path(argv[0]).name if argv else "The command"
            limit = "its time limit" if timeout is None else f"{timeout:g} s"
            message = f"{program} did not finish within {limit} and was stopped."
        super().__init__(message, field=field)
        self.argv = tuple(argv)
        self.timeout = timeout
        self.output = output


#: Error codes on the wire and the class each one comes back as (see :func:`from_json`).
ERRORS_BY_CODE: dict[str, type[MLXError]] = {
    cls.code: cls
    for cls in (InvalidInput, NotFound, Conflict, Unavailable, Busy, Cancelled, ProcessTimeout)
}


def from_json(status: int, body: Any) -> MLXError:
    """The error a ``{message, code, field}`` answer of a jupyter-mlx server stands for.

    Args:
        status: The HTTP status.
        body: The decoded JSON body (anything else gives a generic message).
    """
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        error = MLXError(f"The jupyter-mlx server answered HTTP {status}.")
    else:
        cls = ERRORS_BY_CODE.get(str(body.get("code")), MLXError)
        field = body.get("field") if isinstance(body.get("field"), str) else None
        error = Busy(body["message"]) if cls is Busy else cls(body["message"], field=field)
    error.status = status
    return error


def invalid_input(
    exc: ValidationError, *, name: Callable[[str], str] = lambda field: field
) -> InvalidInput:
    """One readable line for the first problem pydantic found, naming the field.

    Args:
        exc: The validation error.
        name: How the field is named to this user, e.g. ``lambda f: f"--{f}"`` for options.
    """
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or None
    shown = name(field) if field else "body"
    message = str(error["msg"]).splitlines()[0]
    return InvalidInput(f"{shown}: {message}", field=field)
