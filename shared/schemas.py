"""The constrained types every service's schemas are built from, in one place (SPEC §8, §9 Bodies):

* ``Strict``, the base of every request model: unknown fields refused, strings stripped, no control
  character in any text (a 422 naming the field; Postgres text cannot even hold NUL);
* ``Short`` and ``Text`` (a name, a reason);
* ``ListQuery``, the base of every list route's query (filters, page size, cursor), and ``TextFilter``
  (a text filter; a query that does not page extends ``PlainText`` and takes it too);
* money in (a JSON number or a plain decimal string, at most two places) and out (a string ``"200.00"``);
* ``ChinaTime`` and ``Day``: times carry an offset and are answered on the China clock (+08:00), a time
  sent without an offset is read as China time; numbers are neither times nor dates (pydantic would read
  ``0.5`` as a Unix timestamp);
* ``WHOLE``: JSON Schema's ``integer`` includes ``3.0``, so a strict integer field takes an integral
  float (placed after the field's constraints so they stay in the schema); ``"3"``, ``true``, ``2.5``
  stay refused;
* ``Out``, the base of every response model, read from ORM objects (``from_attributes``), and ``Page``;
* ``wire_value``/``names``: values as clients read them, enum members by value, never Python reprs;
* ``impossible_time``: why a reported day or time cannot be true (ahead of now, or before 2000).
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Path
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from shared import clock
from shared.http.inputs import INPUT, PLAIN_TEXT
from shared.workcalendar import CHINA

# C0 and C1 controls, DEL and lone surrogates; tab, line feed and carriage return are ordinary text
# (a description, a reason, an address may run over several lines).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def control_character_error(text: str) -> PydanticCustomError | None:
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    return PydanticCustomError(
        "control_character",
        "text may not contain control characters (U+{code} at position {position})",
        {"code": f"{ord(found.group()):04X}", "position": found.start()},
    )


def _texts_in(value: Any) -> list[str]:
    """The strings a field's value holds, however its containers nest (walked without recursion)."""
    found, pending = [], [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            pending.extend(item)
    return found


def refuse_control_characters(value: Any) -> Any:
    for text in _texts_in(value):
        error = control_character_error(text)
        if error is not None:
            raise error
    return value


class PlainText(BaseModel):
    """No control character in any text field: a 422 naming the field (Postgres text cannot even
    hold NUL)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # Runs for every field of every line of a 10,000-line batch: plain text and scalars are decided
        # without walking anything.
        if isinstance(value, str):
            error = control_character_error(value)
            if error is not None:
                raise error
            return value
        if isinstance(value, dict | list | tuple | set | frozenset):
            return refuse_control_characters(value)
        return value  # a number, a date, an enum, or a model validated by its own class


class Strict(PlainText):
    """A request model: unknown fields refused, strings stripped, no control character in any text."""

    model_config = INPUT


# Money: a JSON number or a string of plain decimal digits, at most two places (SPEC §8).
MONEY_TEXT = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
MAX_MONEY = Decimal("999999999999.99")  # Numeric(14, 2)


def _money_error(detail: str) -> PydanticCustomError:
    return PydanticCustomError(
        "money", "money is a plain decimal with at most two places: {detail}", {"detail": detail}
    )


def _money_text(value: Any) -> str:
    if isinstance(value, bool):
        raise _money_error("not a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _money_error("not NaN or Infinity")
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _money_error("not NaN or Infinity")
        return format(value, "f")
    if isinstance(value, str):
        return value
    raise _money_error("a number or a string")


def parse_money(value: Any) -> Decimal:
    """``12``, ``12.5``, ``"12.50"``, ``"-3.00"``; never ``"-0"``, ``"1_000"``, ``"１２"``, ``"1e3"``,
    ``" 12"``, NaN or Infinity."""
    text = _money_text(value)
    if not MONEY_TEXT.fullmatch(text):
        raise _money_error(f"{text[:40]!r} is not")
    amount = Decimal(text)
    if amount.is_zero() and text.startswith("-"):
        raise _money_error("no negative zero")
    return amount


def money_string_pattern(*, gt: Decimal | None, le: Decimal) -> str:
    """A money string within its bounds: a positive amount has a digit other than 0, and the whole
    part stays under the ceiling (all of its digits where the ceiling is nines, as Numeric(14, 2)'s;
    else one digit fewer, or the ceiling itself)."""
    nonzero = "(?=.*[1-9])" if gt is not None and gt >= 0 else ""
    ceiling = str(int(le))
    if set(ceiling) == {"9"}:
        return rf"^{nonzero}[0-9]{{1,{len(ceiling)}}}(\.[0-9]{{1,2}})?$"
    below = rf"{nonzero}[0-9]{{1,{len(ceiling) - 1}}}(\.[0-9]{{1,2}})?"
    at = rf"{ceiling}(\.0{{1,2}})?" if le == int(le) else ""
    return rf"^(?:{below}|{at})$" if at else rf"^{below}$"


def money_schema(*, ge: Decimal | None = None, gt: Decimal | None = None, le: Decimal = MAX_MONEY) -> WithJsonSchema:
    """OpenAPI's view of a money input between its bounds (no amount is negative): the number or the
    string it takes."""
    number: dict[str, Any] = {"type": "number", "maximum": float(le), "multipleOf": 0.01}
    if ge is not None:
        number["minimum"] = float(ge)
    if gt is not None:
        number["exclusiveMinimum"] = float(gt)
    string = {"type": "string", "pattern": money_string_pattern(gt=gt, le=le)}
    return WithJsonSchema({"anyOf": [number, string]}, mode="validation")


PlainMoney = BeforeValidator(parse_money)
MoneyIn = Annotated[Decimal, PlainMoney, Field(ge=0, le=MAX_MONEY, decimal_places=2), money_schema(ge=Decimal(0))]
PositiveMoneyIn = Annotated[
    Decimal, PlainMoney, Field(gt=0, le=MAX_MONEY, decimal_places=2), money_schema(gt=Decimal(0))
]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]


ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def in_china_time(moment: datetime) -> datetime:
    """The same instant on the China clock; a moment without an offset is taken as China time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA)
    try:
        return moment.astimezone(CHINA)
    except OverflowError:
        # 9999-12-31T23:00-05:00 is in year 10000 on the China clock: no datetime holds it.
        raise ValueError("the time lies beyond the years a date can hold once read as China time") from None


def iso_date_time(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE_TIME.match(value):
        raise ValueError("expected an ISO 8601 date-time such as 2026-11-24T09:30:00+08:00")
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 date-time such as 2026-11-24T09:30:00+08:00, not a number")
    return value


def iso_date(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("expected a date as YYYY-MM-DD, not a number")
    return value


# In and out: an answer reads the same instant on the China clock whichever offset it was written
# with, and input without an offset is the China clock on the wall (a desk in Hangzhou, not UTC).
ChinaTime = Annotated[datetime, BeforeValidator(iso_date_time), AfterValidator(in_china_time)]

Day = Annotated[date, BeforeValidator(iso_date)]


def integral_float_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(integral_float_as_int)


def wire_value(value: Any) -> Any:
    """What a client reads for ``value``: an enum member as its value, a set as a sorted list."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple | list):
        items = [wire_value(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dict):
        return {str(wire_value(key)): wire_value(item) for key, item in value.items()}
    return value


def names(values: Iterable[Any]) -> str:
    """``values`` for a sentence (``issued, stamped``): enum members by value, never as Python reprs."""
    return ", ".join(sorted(str(wire_value(value)) for value in values))


Short = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
# A month as ``YYYY-MM``, of the years this business can have records for (year 0 is not even a date).
Month = Annotated[str, Field(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")]


def parse_month(month: str) -> date:
    """The first day of a validated ``YYYY-MM`` month."""
    return date(int(month[:4]), int(month[5:7]), 1)


# What a cursor is made of: unpadded URL-safe base64 (``shared.http.pagination.encode_cursor``).
CURSOR = r"^[A-Za-z0-9_-]*$"
# A text filter of a list's query (``?owner=E-01``): one to 200 characters, no control character. The
# schema states the pattern (a query parameter's schema is its field's own); ``ListQuery`` refuses a
# control character itself, naming it and its position.
TextFilter = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra={"pattern": PLAIN_TEXT})] | None
# A text path parameter (``/v1/production-rates/{model}``): one to 200 characters.
ShortPath = Annotated[str, Path(min_length=1, max_length=200)]


class ListQuery(PlainText):
    """The query string of a list route, declared once: the filters a subclass adds, the page size and
    the cursor (``shared.http.pagination``). A route takes it as ``Annotated[XQuery, Query()]`` and
    hands it to its repository's ``search``; a parameter it does not declare is refused app-wide
    (``shared.http.contract``)."""

    limit: int = Field(50, ge=1, le=500)
    # A cursor is unpadded URL-safe base64 (``encode_cursor``), as the schema says; any other text is
    # answered as a cursor this API never returned (400 ``invalid_cursor``).
    cursor: Annotated[str, Field(max_length=500, json_schema_extra={"pattern": CURSOR})] | None = None


@dataclass(frozen=True)
class Reading:
    """Who reads an answer and when: the validation context of a response model with fields that
    depend on them (a complainant masked for some readers, ``overdue`` at this moment). No reader:
    nothing is masked."""

    reader: Any = None
    now: datetime = field(default_factory=clock.now)


def reading_of(info: ValidationInfo) -> Reading:
    return info.context if isinstance(info.context, Reading) else Reading()


def attributes_of(source: Any, model: type[BaseModel]) -> dict[str, Any]:
    """The attributes of ``source`` named like the fields of ``model``: where a response model
    derives some fields itself, the rest still come from the object as they are."""
    return {name: getattr(source, name) for name in model.model_fields if hasattr(source, name)}


class Out(BaseModel):
    """A response model: read from the ORM or domain object a route returns (``from_attributes``), so
    a route declares ``response_model=XOut`` and returns the object. A model whose fields depend on
    the reader or the time derives them in a ``model_validator(mode="before")`` from ``reading_of(info)``,
    and the route answers ``XOut.read(obj, reader)``."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def read(cls, source: Any, reader: Any = None, now: datetime | None = None) -> Self:
        return cls.model_validate(source, context=Reading(reader, now or clock.now()))


Item = TypeVar("Item")


class Page(Out, Generic[Item]):
    """One page of a list, newest first unless the route says otherwise; ``next_cursor`` fetches the
    next page and is absent on the last."""

    items: list[Item]
    next_cursor: str | None = None


# A reported time further ahead than this is a typo, not a clock difference between devices.
FUTURE_TOLERANCE = timedelta(hours=24)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _comparable(at: date | datetime, moment: datetime) -> date | datetime:
    """``moment`` as ``at`` can be compared with: a day with a day, a time with a time."""
    return moment if isinstance(at, datetime) else moment.date()


def in_the_future(at: date | datetime) -> bool:
    """Whether a reported day or time lies further ahead of now than clocks differ."""
    return at > _comparable(at, clock.now() + FUTURE_TOLERANCE)


def impossible_time(name: str, at: date | datetime) -> str | None:
    """Why the day or time ``name`` cannot be true — ahead of now or before 2000 — or ``None``."""
    if in_the_future(at):
        return f"{name} lies in the future"
    if at < _comparable(at, EARLIEST):
        return f"{name} is before 2000"
    return None
