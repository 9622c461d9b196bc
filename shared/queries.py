"""Query shapes the repositories share: a list's optional filters, each applied only when given."""

from datetime import date, datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

Selected = TypeVarTuple("Selected")


def where_given(query: Select[*Selected], *filters: tuple[InstrumentedAttribute[Any], Any]) -> Select[*Selected]:
    """``query`` narrowed to rows equal to each filter value given; a ``None`` filter is not applied."""
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    return query


def where_within(
    query: Select[*Selected],
    column: InstrumentedAttribute[Any],
    start: date | datetime | None,
    end: date | datetime | None,
) -> Select[*Selected]:
    """``query`` narrowed to rows whose ``column`` lies in ``[start, end)``; a bound not given is open."""
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query
