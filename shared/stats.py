"""Management-review statistics (CON): the China-time months a ``/v1/stats/…`` route is asked for.

Each service aggregates its own data in SQL by ``china_month(column)``; the request names an inclusive
range of months ``from=YYYY-MM&to=YYYY-MM`` (default: the twelve months up to the current one). A
service's routes hang on its ``stats_router()`` and take ``months: Months``.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import ColumnElement, SQLColumnExpression, func

from shared import clock
from shared.auth import Role, require_roles
from shared.errors import unprocessable
from shared.schemas import parse_month
from shared.workcalendar import CHINA

MONTH_PATTERN = r"^(19|20)\d{2}-(0[1-9]|1[0-2])$"
# A review spans a few years at most; a longer range is a typo, and an unbounded one a heavy query.
MAX_MONTHS = 60
DEFAULT_MONTHS = 12

# The management review's readers (SPEC §7, §12).
REVIEWERS = (Role.QUALITY_MANAGER, Role.EXECUTIVE, Role.ADMIN_DEPT, Role.OPS)


@dataclass(frozen=True)
class MonthRange:
    """Inclusive months, as the first day of each."""

    first: date
    last: date

    @property
    def months(self) -> list[str]:
        """Every month of the range, so a month with nothing in it still has its row."""
        count = _months_between(self.first, self.last) + 1
        return [_shifted(self.first, offset).strftime("%Y-%m") for offset in range(count)]

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), CHINA)

    @property
    def ends(self) -> datetime:
        """The first moment after the range, in China time."""
        return datetime.combine(_shifted(self.last, 1), datetime.min.time(), CHINA)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _shifted(month: date, offset: int) -> date:
    index = month.year * 12 + month.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: str | None, last: str | None, today: date) -> MonthRange:
    """The months asked for; ``to`` before ``from`` or more than ``MAX_MONTHS`` months is a 422."""
    last_month = parse_month(last) if last else today.replace(day=1)
    first_month = parse_month(first) if first else _shifted(last_month, 1 - DEFAULT_MONTHS)
    span = _months_between(first_month, last_month)
    if span < 0:
        raise unprocessable("invalid_month_range", "to is before from")
    if span >= MAX_MONTHS:
        raise unprocessable("invalid_month_range", f"a range spans at most {MAX_MONTHS} months")
    return MonthRange(first_month, last_month)


def months_asked(
    first: Annotated[str | None, Query(alias="from", pattern=MONTH_PATTERN)] = None,
    last: Annotated[str | None, Query(alias="to", pattern=MONTH_PATTERN)] = None,
) -> MonthRange:
    """The ``from``/``to`` query of a stats route, as a dependency."""
    return month_range(first, last, clock.now().astimezone(CHINA).date())


# A stats route's parameter for the months it is asked for.
Months = Annotated[MonthRange, Depends(months_asked)]


def stats_router() -> APIRouter:
    """A service's ``/v1/stats`` routes, every one read by the reviewers alone."""
    return APIRouter(prefix="/v1/stats", tags=["stats"], dependencies=[Depends(require_roles(*REVIEWERS))])


def china_month(moment: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """``YYYY-MM`` of a timestamp as people in China read it."""
    return func.to_char(func.timezone("Asia/Shanghai", moment), "YYYY-MM")


def percent(part: int, whole: int) -> Decimal | None:
    """One decimal place, as the review reads it; no share of nothing."""
    if whole == 0:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
