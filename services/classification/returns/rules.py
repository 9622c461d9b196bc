"""CLS-2 as pure code: which lines count, summed per key, and what a total over its threshold decides."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from services.classification.levels.rules import Level, Thresholds, higher_level, reason
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


class Step(StrEnum):
    """What a total over its threshold does to the incident of its key (CLS-2)."""

    OPEN = "open"
    UPDATE = "update"
    UPGRADE = "upgrade"


@dataclass(frozen=True)
class Crossing:
    """The decision for one aggregate key: the step, the level the incident has after it, and why (the
    CLS-1 reason the incident shows). ``None`` in its place means nothing is done."""

    step: Step
    level: str
    reason: dict[str, Any]


def reaches(total: int, threshold: int | None) -> bool:
    """A rule switched off (``None``) is never reached."""
    return threshold is not None and total >= threshold


def batch_crossing(before: int, after: int, thresholds: Thresholds, held_level: str | None) -> Crossing | None:
    """CLS-2: the returns of one (model, production date) at or over 50 open its one batch incident; the
    incident already holding the key only observes the new total, it is never opened twice."""
    threshold = thresholds.batch_returns_same_model_date
    return _crossing("returns_same_model_date", Level.BATCH, before, after, threshold, held_level, None)


def major_crossing(
    before: int, after: int, thresholds: Thresholds, held_level: str | None, upgradable_level: str | None
) -> Crossing | None:
    """CLS-2: the returns of one shipped batch at or over 500 upgrade the one open batch incident of its
    (model, date)s (``upgradable_level``: its level, ``None`` when there are none or several), else
    open a major incident; the incident already holding the shipped batch only observes the new total."""
    threshold = thresholds.major_returns_shipped_batch
    return _crossing("returns_shipped_batch", Level.MAJOR, before, after, threshold, held_level, upgradable_level)


def _crossing(
    fact: str,
    level: Level,
    before: int,
    after: int,
    threshold: int | None,
    held_level: str | None,
    upgradable_level: str | None,
) -> Crossing | None:
    if threshold is None or not reaches(after, threshold):
        return None
    observed = reason(fact, after, threshold)
    if held_level is not None:
        # A total that did not grow has nothing new to show on the incident holding its key.
        return Crossing(Step.UPDATE, held_level, observed) if after > before else None
    if upgradable_level is not None:
        return Crossing(Step.UPGRADE, higher_level(upgradable_level, level), observed)
    return Crossing(Step.OPEN, level.value, observed)
