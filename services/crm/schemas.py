"""Shapes every crm domain shares: optional notes and identifiers as crm's paths and queries take them."""

from datetime import date
from typing import Annotated, Any

from fastapi import Path
from pydantic import BeforeValidator, Field

from shared.http.inputs import CONTROL_CLASS

# A note that may be empty (a visit's summary, a fee's remark).
Note = Annotated[str, Field(max_length=4000)]

# No whitespace, slash or control character. Whitespace is spelt out: Python's \s and the JSON Schema (ECMA) \s
# differ (\x1c-\x1f and \x85 only in Python's, \ufeff only in ECMA's), and both must read it alike.
IDENTIFIER = rf"^[^\t\n\v\f\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff/{CONTROL_CLASS}]+$"

# A crm identifier as a path parameter (a customer, a project, a product).
IdentifierPath = Annotated[str, Path(min_length=1, max_length=200, pattern=IDENTIFIER)]


def month_text(value: Any) -> Any:
    return f"{value:%Y-%m}" if isinstance(value, date) else value


# A month answered as ``YYYY-MM``, read from the first day that stands for it in the database.
MonthOut = Annotated[str, BeforeValidator(month_text)]
