"""Cursor pagination: an opaque cursor holding the sort key of the last item returned."""

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from shared.http.problems import Problem

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned") from None
    if not isinstance(values, list):
        raise Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned")
    return values
