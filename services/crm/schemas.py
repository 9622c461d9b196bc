"""Shapes every crm domain shares: money in and out, bounded strings, strict input models."""

from datetime import date
from typing import Annotated

from pydantic import Field

from shared.http.inputs import CONTROL_CLASS
from shared.inputs import MAX_MONEY as MAX_MONEY
from shared.inputs import MoneyIn as MoneyIn
from shared.inputs import MoneyOut
from shared.inputs import PositiveMoneyIn as PositiveMoneyIn
from shared.inputs import Strict as Strict

Money = MoneyOut

Short = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=4000)]
# Years this business can have records for; year 0 would not even be a date.
Month = Annotated[str, Field(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")]


def parse_month(month: str) -> date:
    """The first day of a validated ``YYYY-MM`` month."""
    return date(int(month[:4]), int(month[5:7]), 1)


# Postgres text cannot hold NUL: refused as input instead of failing in the database.
NO_NUL = r"^[^\x00]*$"
# No whitespace, slash or control character. Whitespace is spelt out: Python's \s and the JSON Schema (ECMA) \s
# differ (\x1c-\x1f and \x85 only in Python's, \ufeff only in ECMA's), and both must read it alike.
IDENTIFIER = rf"^[^\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff/{CONTROL_CLASS}]+$"
