"""CLS-2 aggregation as pure code: which lines count, summed per key."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from shared.events.intake import ComplaintReceivedV1, ReturnRecordedV1

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


def sums_by_shipped_batch(lines: Iterable[ReturnRecordedV1]) -> dict[str, Sum]:
    return _sums((line.shipped_batch_no, line.quantity) for line in lines)


def _sums(pairs: Iterable[tuple[K, int]]) -> dict[K, Sum]:
    quantity: dict[K, int] = defaultdict(int)
    count: dict[K, int] = defaultdict(int)
    for key, units in pairs:
        quantity[key] += units
        count[key] += 1
    return {key: Sum(quantity[key], count[key]) for key in sorted(quantity)}


# CLS-2 (rev. 2026-12): after-sales feedback counts too (3.1.2 售后反馈或退回).
CountKey = tuple[str, str, date]  # complaint id, model, production date


@dataclass(frozen=True)
class Settled:
    """What one complaint stands for in one (model, production date) sum: the pieces it complained
    about, and the pieces the return lines settling it brought back."""

    complained: int = 0
    returned: int = 0

    @property
    def counted(self) -> int:
        """The same pieces are never counted twice: a return settling a complaint adds only what
        exceeds what the complaint counted already, and a complaint after its returns likewise."""
        return max(self.complained, self.returned)


def counted_increase(before: Settled, after: Settled) -> int:
    return after.counted - before.counted


def complaint_counts(complaints: Iterable[ComplaintReceivedV1]) -> dict[CountKey, int]:
    """The pieces each product complaint counts in its (model, production date) sum; one without a
    production date or a quantity has no sum to count in."""
    found: dict[CountKey, int] = {}
    for complaint in complaints:
        product = complaint.product
        if complaint.kind != "product_quality" or product is None:
            continue
        if product.production_date is None or not product.quantity:
            continue
        found[(complaint.complaint_id, product.model, product.production_date)] = product.quantity
    return found


def settling_returns(lines: Iterable[ReturnRecordedV1]) -> dict[CountKey, int]:
    """The pieces of the lines that name the complaint they settle, per complaint and (model, date)."""
    found: dict[CountKey, int] = defaultdict(int)
    for line in lines:
        if line.complaint_id is not None:
            found[(line.complaint_id, line.model, line.production_date)] += line.quantity
    return dict(found)


def model_date_increases(
    before: dict[CountKey, Settled], after: dict[CountKey, Settled]
) -> dict[tuple[str, date], int]:
    """How much each (model, production date) sum grows from the complaints' side."""
    grown: dict[tuple[str, date], int] = defaultdict(int)
    for key, settled in after.items():
        grown[(key[1], key[2])] += counted_increase(before.get(key, Settled()), settled)
    return dict(grown)


def sums_of_returns(
    lines: Iterable[ReturnRecordedV1], increases: dict[tuple[str, date], int]
) -> dict[tuple[str, date], Sum]:
    """CLS-2 per (model, production date): every line counts as a line; its pieces count in full
    unless it settles a complaint, whose share comes as ``increases``."""
    listed = list(lines)
    quantity: dict[tuple[str, date], int] = defaultdict(int)
    count: dict[tuple[str, date], int] = defaultdict(int)
    for line in listed:
        key = (line.model, line.production_date)
        count[key] += 1
        if line.complaint_id is None:
            quantity[key] += line.quantity
    for key, grown in increases.items():
        quantity[key] += grown
    return {key: Sum(quantity[key], count[key]) for key in sorted(set(quantity) | set(count))}
