"""CLS-2 aggregation as pure code: a line id counts once; sums per (model, date) and per shipped batch."""

from datetime import date

from services.classification.returns.rules import (
    Sum,
    first_of_each_line,
    model_date_key,
    sums_by_model_date,
    sums_by_shipped_batch,
)
from services.classification.rules.rules import reason, with_updated_reason
from shared.events.intake import ReturnRecordedV1


def line(line_id: str, quantity: int, day: int = 1, shipped: str = "S-1") -> ReturnRecordedV1:
    return ReturnRecordedV1(
        line_id=line_id,
        model="VX-200",
        production_date=date(2026, 11, day),
        batch_no="B1",
        shipped_batch_no=shipped,
        quantity=quantity,
    )


def test_cls2_the_same_line_id_counts_once() -> None:
    lines = first_of_each_line([line("L1", 10), line("L1", 10), line("L2", 5)])
    assert [x.line_id for x in lines] == ["L1", "L2"]


def test_cls2_sums_per_model_and_production_date() -> None:
    sums = sums_by_model_date([line("L1", 10, day=1), line("L2", 5, day=1), line("L3", 7, day=2)])
    assert sums == {("VX-200", date(2026, 11, 1)): Sum(15, 2), ("VX-200", date(2026, 11, 2)): Sum(7, 1)}


def test_cls2_sums_per_shipped_batch_across_dates() -> None:
    sums = sums_by_shipped_batch([line("L1", 10, day=1), line("L2", 5, day=2), line("L3", 1, shipped="S-2")])
    assert sums == {"S-1": Sum(15, 2), "S-2": Sum(1, 1)}


def test_cls2_key_is_the_kafka_key_of_the_returns_topic() -> None:
    assert model_date_key("VX-200", date(2026, 11, 1)) == line("L1", 1).key()


def test_cls2_later_lines_update_the_observed_value_of_the_same_reason() -> None:
    reasons = [reason("returns_same_model_date", 50, 50)]
    updated = with_updated_reason(reasons, reason("returns_same_model_date", 60, 50))
    assert updated == [{"rule": "CLS-1", "fact": "returns_same_model_date", "observed": 60, "threshold": 50}]
