"""Shapes every crm domain shares: money in and out, bounded strings, strict input models."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainSerializer, model_validator

from shared.http.inputs import INPUT

# Money travels as "200.00"; input may be a number or a string, at most two decimals (SPEC §8).
MAX_MONEY = Decimal("999999999999.99")  # Numeric(14, 2)
MoneyIn = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2)]
PositiveMoneyIn = Annotated[Decimal, Field(gt=0, le=MAX_MONEY, decimal_places=2)]
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]

Short = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=4000)]
# Years this business can have records for; year 0 would not even be a date.
Month = Annotated[str, Field(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")]


def parse_month(month: str) -> date:
    """The first day of a validated ``YYYY-MM`` month."""
    return date(int(month[:4]), int(month[5:7]), 1)


# Postgres text cannot hold NUL: refused as input instead of failing in the database.
NO_NUL = r"^[^\x00]*$"
# No whitespace, slash or NUL. Whitespace is spelt out: Python's \s and the JSON Schema (ECMA) \s
# differ (\x1c-\x1f and \x85 only in Python's, \ufeff only in ECMA's), and both must read it alike.
IDENTIFIER = r"^[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff/\x00]+$"


def holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class Strict(BaseModel):
    model_config = INPUT

    @model_validator(mode="before")
    @classmethod
    def no_nul_characters(cls, data: Any) -> Any:
        if holds_nul(data):
            raise ValueError("text may not contain NUL characters")
        return data
