"""Query shapes crm's repositories share."""

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

Row = TypeVar("Row")


def where_given(query: Select[Row], *filters: tuple[InstrumentedAttribute[Any], Any]) -> Select[Row]:
    """``query`` narrowed to rows equal to each filter value given; a ``None`` filter is not applied."""
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    return query
