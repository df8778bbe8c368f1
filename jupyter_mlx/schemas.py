"""Base of every API shape: pydantic models serialized to the wire as snake_case JSON."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class MLXSchema(BaseModel):
    """Strict base for request and response schemas: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


#: Where a read of a log starts: a byte offset, a previous answer's ``next_offset``.
LogOffset = Annotated[int, Field(ge=0, description="Byte to read from: a previous next_offset.")]


class LogPiece(MLXSchema):
    """A piece of a log read from a byte offset; a subclass names whose log it is and says
    when it is complete."""

    offset: int
    next_offset: int = Field(description="Pass it as offset to read on.")
    text: str
    complete: bool
