"""CLS-2 aggregation as pure code: which lines count, summed per key."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from shared.events.intake import ReturnRecordedV1

K = TypeVar("K", str, tuple[Any, ...])


@dataclass(frozen=True)
class Sum:
    quantity: int
    lines: int


def model_date_key(model: str, production_date: date) -> str:
    """The incident key of a (model, production date) aggregate, as on the Kafka message."""
    return f"{model}|{production_date.isoformat()}"


def first_of_each_line(lines: Iterable[ReturnRecordedV1]) -> list[ReturnRecordedV1]:
    """A line id counts once (RET-2), however many events carried it."""
    seen: dict[str, ReturnRecordedV1] = {}
    for line in lines:
        seen.setdefault(line.line_id, line)
    return list(seen.values())


def sums_by_model_date(lines: Iterable[ReturnRecordedV1]) -> dict[tuple[str, date], Sum]:
    return _sums(((line.model, line.production_date), line.quantity) for line in lines)


def sums_by_shipped_batch(lines: Iterable[ReturnRecordedV1]) -> dict[str, Sum]:
    return _sums((line.shipped_batch_no, line.quantity) for line in lines)


def _sums(pairs: Iterable[tuple[K, int]]) -> dict[K, Sum]:
    quantity: dict[K, int] = defaultdict(int)
    count: dict[K, int] = defaultdict(int)
    for key, units in pairs:
        quantity[key] += units
        count[key] += 1
    return {key: Sum(quantity[key], count[key]) for key in sorted(quantity)}
