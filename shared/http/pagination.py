"""Cursor pagination: an opaque cursor holding the sort key of the last item returned."""

import base64
import json
from collections.abc import Callable
from typing import Any

from shared.http.problems import Problem


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise invalid_cursor() from None
    if not isinstance(values, list):
        raise invalid_cursor()
    return values


def invalid_cursor() -> Problem:
    return Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned")


def decode_keyset(cursor: str | None, *parsers: Callable[[Any], Any]) -> tuple[Any, ...] | None:
    """The keyset a cursor carries, each value read back by its parser (``datetime.fromisoformat``…)."""
    values = decode_cursor(cursor)
    if values is None:
        return None
    if len(values) != len(parsers):
        raise invalid_cursor()
    try:
        return tuple(parse(value) for parse, value in zip(parsers, values, strict=True))
    except (TypeError, ValueError):
        raise invalid_cursor() from None
