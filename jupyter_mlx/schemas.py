"""Base of every API shape: pydantic models serialized to the wire as snake_case JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class MLXSchema(BaseModel):
    """Strict base for request and response schemas: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)
