"""Whole numbers on the wire: JSON Schema's ``integer`` includes ``3.0``, so a strict integer field
takes an integral float as that integer; ``"3"``, ``true`` and ``2.5`` stay refused."""

from typing import Annotated, Any

from pydantic import BeforeValidator


def integral_float_as_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(integral_float_as_int)]
