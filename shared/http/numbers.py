"""Whole numbers on the wire: JSON Schema's ``integer`` includes ``3.0``, so a strict integer field
takes an integral float as that integer; ``"3"``, ``true`` and ``2.5`` stay refused.

Placed after the field's constraints (``Annotated[int, Field(strict=True, ge=1), WHOLE]``) so the
constraints stay in the JSON schema as ``minimum``/``maximum``."""

from typing import Any

from pydantic import BeforeValidator


def integral_float_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WHOLE = BeforeValidator(integral_float_as_int)
