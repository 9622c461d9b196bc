"""Cursor pagination: an opaque cursor holding the sort key of the last item returned.

Every list route pages the same way: its repository builds a ``select`` with the filters, and
``page_of`` adds the keyset condition, the order and ``limit + 1``, and builds the page."""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import Problem
from shared.schemas import ListQuery

Item = TypeVar("Item")
Shown = TypeVar("Shown")


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


@dataclass(frozen=True)
class Keyset:
    """The sort key of a list, newest first: its columns (the last one unique) and how a cursor's
    values are read back (``Keyset((Complaint.received_at, Complaint.id), (datetime.fromisoformat,
    uuid.UUID))``). A list read oldest or first first (by due day, by id) is ``ascending``; a key
    that is an expression rather than a column (``coalesce(received_at, updated_at)``) says how an
    item's values are read in ``values_of``."""

    columns: tuple[InstrumentedAttribute[Any] | ColumnElement[Any], ...]
    parsers: tuple[Callable[[Any], Any], ...]
    ascending: bool = False
    values_of: Callable[[Any], tuple[Any, ...]] | None = None


@dataclass(frozen=True)
class Paged(Generic[Item]):
    """One page as a ``shared.schemas.Page`` response model reads it."""

    items: list[Item]
    next_cursor: str | None

    def map(self, read: Callable[[Item], Shown]) -> "Paged[Shown]":
        """The same page with each item as its reader sees it (``XOut.read(item, reader)``)."""
        return Paged([read(item) for item in self.items], self.next_cursor)


def _cursor_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def cursor_after(row: Any, keyset: Keyset) -> str:
    if keyset.values_of is not None:
        values = keyset.values_of(row)
    else:
        values = tuple(getattr(row, str(column.key)) for column in keyset.columns)
    return encode_cursor([_cursor_value(value) for value in values])


async def page_of(session: AsyncSession, query: Select[Item], keyset: Keyset, listing: ListQuery) -> Paged[Item]:
    """The repository's ``query`` (its filters) continued after the listing's cursor, ordered by
    ``keyset``, ``listing.limit`` rows; one more row is read to tell whether a next page exists."""
    limit = listing.limit
    after = decode_keyset(listing.cursor, *keyset.parsers)
    if after is not None:
        key, last = tuple_(*keyset.columns), tuple_(*after)
        query = query.where(key > last if keyset.ascending else key < last)
    order = [column.asc() if keyset.ascending else column.desc() for column in keyset.columns]
    query = query.order_by(*order).limit(limit + 1)
    found = list((await session.scalars(query)).all())
    page = found[:limit]
    return Paged(page, cursor_after(page[-1], keyset) if len(found) > limit else None)
