"""Values as clients read them, in problem bodies and in sentences: enum members by their value, never
as Python reprs such as ``<Status.ISSUED: 'issued'>``."""

from collections.abc import Iterable
from enum import Enum
from typing import Any


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
