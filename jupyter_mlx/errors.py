"""The error hierarchy of jupyter-mlx.

Services raise these; the HTTP layer maps each to its status and a JSON body
``{"message", "code", "field"}``; magics and the CLI print the message as one line.
"""

from __future__ import annotations


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
