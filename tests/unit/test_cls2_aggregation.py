"""CLS-2 aggregation as pure code: a line id counts once; sums per (model, date) and per shipped batch."""

from datetime import date

from services.classification.levels.rules import reason, with_updated_reason
from services.classification.returns.rules import (
    Settled,
    Sum,
    complaint_counts,
    counted_increase,
    first_of_each_line,
    model_date_increases,
    model_date_key,
    settling_returns,
    sums_by_shipped_batch,
    sums_of_returns,
)
from shared.events.intake import ComplaintProduct, ComplaintReceivedV1, ReturnRecordedV1

DAY = date(2026, 11, 1)


def line(
    line_id: str, quantity: int, day: int = 1, shipped: str = "S-1", complaint_id: str | None = None
) -> ReturnRecordedV1:
    return ReturnRecordedV1(
        line_id=line_id,
        model="VX-200",
        production_date=date(2026, 11, day),
        batch_no="B1",
        shipped_batch_no=shipped,
        quantity=quantity,
        complaint_id=complaint_id,
    )


def complaint(
    complaint_id: str, quantity: int | None, made: date | None = DAY, kind: str = "product_quality"
) -> ComplaintReceivedV1:
    product = ComplaintProduct(model="VX-200", quantity=quantity, production_date=made)
    return ComplaintReceivedV1.model_validate(
        {
            "complaint_id": complaint_id,
            "complaint_no": "TS-20261124-0001",
            "kind": kind,
            "severity": "general",
            "channel": "phone",
            "status": "received",
            "product": product.model_dump(),
            "description": "阀门漏水",
            "recorded_by": "E-01",
            "received_at": "2026-11-24T09:30:00+08:00",
            "investigate_by": "2026-11-25T23:59:59+08:00",
            "reply_by": "2026-11-26T23:59:59+08:00",
        }
    )


def test_cls2_the_same_line_id_counts_once() -> None:
    lines = first_of_each_line([line("L1", 10), line("L1", 10), line("L2", 5)])
    assert [x.line_id for x in lines] == ["L1", "L2"]


def test_cls2_sums_per_model_and_production_date() -> None:
    sums = sums_of_returns([line("L1", 10, day=1), line("L2", 5, day=1), line("L3", 7, day=2)], {})
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


def test_cls2_a_product_complaint_counts_its_quantity_in_its_model_date_sum() -> None:
    assert complaint_counts([complaint("C1", 30)]) == {("C1", "VX-200", DAY): 30}


def test_cls2_a_complaint_without_quantity_or_production_date_has_nothing_to_count() -> None:
    assert complaint_counts([complaint("C1", None), complaint("C2", 3, made=None)]) == {}


def test_cls2_return_settling_a_complaint_adds_only_what_exceeds_the_complaint() -> None:
    assert counted_increase(Settled(complained=30), Settled(complained=30, returned=20)) == 0
    assert counted_increase(Settled(complained=30, returned=20), Settled(complained=30, returned=45)) == 15


def test_cls2_complaint_after_its_returns_adds_only_what_exceeds_them() -> None:
    assert counted_increase(Settled(returned=20), Settled(complained=30, returned=20)) == 10
    assert counted_increase(Settled(returned=40), Settled(complained=30, returned=40)) == 0


def test_cls2_complaint_delivered_again_adds_nothing() -> None:
    assert counted_increase(Settled(complained=30), Settled(complained=30)) == 0


def test_cls2_settling_lines_are_counted_as_lines_and_their_pieces_through_the_complaint() -> None:
    lines = [line("L1", 20, complaint_id="C1"), line("L2", 5, complaint_id="C1"), line("L3", 4)]
    assert settling_returns(lines) == {("C1", "VX-200", DAY): 25}
    before = {("C1", "VX-200", DAY): Settled(complained=30)}
    after = {("C1", "VX-200", DAY): Settled(complained=30, returned=25)}
    increases = model_date_increases(before, after)
    assert increases == {("VX-200", DAY): 0}
    assert sums_of_returns(lines, increases) == {("VX-200", DAY): Sum(4, 3)}
