"""Shapes every crm domain shares: money in and out, bounded strings, strict input models."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

# Money travels as "200.00"; input may be a number or a string, at most two decimals (SPEC §8).
MoneyIn = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]
PositiveMoneyIn = Annotated[Decimal, Field(gt=0, le=Decimal("999999999999.99"), decimal_places=2)]
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]

Short = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=4000)]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
