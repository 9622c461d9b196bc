"""What every service accepts as input: strict models whose text holds no control characters, and
money as plain decimals (SPEC §8, §9 Bodies).

Every request model of every service derives from ``Strict``; a service does not redefine it.
"""

import math
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from shared.http.inputs import INPUT

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


class Strict(BaseModel):
    """A request model: unknown fields refused, strings stripped, no control character in any text
    field (a 422 naming the field; Postgres text cannot even hold NUL)."""

    model_config = INPUT

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
