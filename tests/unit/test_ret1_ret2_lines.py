"""RET-1/RET-2: each line judged on its own; bad lines rejected with index and errors."""

import uuid
from typing import Any

import pytest

from services.intake.returns.rules import duplicate_line_ids, sort_lines, without_unknown_complaints


def line(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "line_id": "ERP-1",
        "model": "VX-200",
        "production_date": "2026-11-01",
        "batch_no": "B20261101",
        "shipped_batch_no": "S-7781",
        "quantity": 10,
        "customer_id": "C-1001",
        "reason": "漏水",
        "returned_at": "2026-11-20T10:00:00+08:00",
    }
    data.update(overrides)
    return data


def test_ret1_good_line_is_kept() -> None:
    result = sort_lines([line()])
    assert [v.line_id for v in result.valid] == ["ERP-1"]
    assert result.rejected == []


def test_ret1_optional_fields_may_be_left_out() -> None:
    minimal = {k: v for k, v in line().items() if k not in ("customer_id", "reason", "returned_at")}
    assert len(sort_lines([minimal]).valid) == 1


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": "ten"}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"production_date": "2026-02-30"}, "production_date"),
        ({"production_date": "2099-01-01"}, "future"),
        ({"returned_at": "2026-10-01T10:00:00+08:00"}, "before production_date"),
        ({"model": ""}, "model"),
        ({"model": "x" * 201}, "model"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_ret2_bad_line_is_rejected_with_its_errors(overrides: dict[str, Any], field: str) -> None:
    result = sort_lines([line(line_id="ERP-0"), line(line_id="ERP-BAD", **overrides)])
    assert [v.line_id for v in result.valid] == ["ERP-0"]
    assert len(result.rejected) == 1
    rejected = result.rejected[0]
    assert (rejected.index, rejected.line_id) == (1, "ERP-BAD")
    assert any(field in error for error in rejected.errors)


def test_ret1_returned_at_without_an_offset_is_china_time() -> None:
    result = sort_lines([line(returned_at="2026-11-20T10:00:00")])
    assert result.valid[0].returned_at is not None
    assert result.valid[0].returned_at.isoformat() == "2026-11-20T10:00:00+08:00"


def test_ret2_missing_fields_are_each_named() -> None:
    result = sort_lines([{"line_id": "ERP-9"}])
    errors = " ".join(result.rejected[0].errors)
    for field in ("model", "production_date", "batch_no", "shipped_batch_no", "quantity"):
        assert field in errors


def test_ret2_a_line_that_is_not_an_object_is_rejected_without_id() -> None:
    result = sort_lines([42])
    assert result.rejected[0].line_id is None
    assert result.rejected[0].index == 0


def test_ret2_line_id_repeated_in_one_batch_counts_once() -> None:
    result = sort_lines([line(), line(quantity=99)])
    assert len(result.valid) == 1
    assert result.valid[0].quantity == 10
    assert result.repeated_in_batch == ["ERP-1"]


def test_ret2_duplicate_line_ids_name_lines_seen_before_and_repeats_each_once() -> None:
    result = sort_lines([line(line_id="NEW"), line(line_id="OLD"), line(line_id="TWICE"), line(line_id="TWICE")])
    stored = {"NEW", "TWICE"}
    assert result.repeated_in_batch == ["TWICE"]
    assert duplicate_line_ids(result, stored) == ["OLD", "TWICE"]


def test_cls2_line_naming_a_complaint_intake_does_not_have_is_rejected_with_its_index() -> None:
    known, unknown = uuid.uuid4(), uuid.uuid4()
    result = sort_lines([line(line_id="A", complaint_id=str(known)), line(line_id="B", complaint_id=str(unknown))])
    checked = without_unknown_complaints(result, {known})
    assert [v.line_id for v in checked.valid] == ["A"]
    assert [(r.index, r.line_id) for r in checked.rejected] == [(1, "B")]
    assert "complaint_id" in checked.rejected[0].errors[0]


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x9b"])
def test_ret2_a_control_character_rejects_that_line_alone(character: str) -> None:
    bad = line(line_id="ERP-2", reason=f"漏{character}水")
    result = sort_lines([line(line_id="ERP-1"), bad, line(line_id="ERP-3")])
    assert [v.line_id for v in result.valid] == ["ERP-1", "ERP-3"]
    [rejected] = result.rejected
    assert (rejected.index, rejected.line_id) == (1, "ERP-2")
    assert rejected.errors[0].startswith("reason: text may not contain control characters")


def test_ret2_a_line_id_with_a_control_character_is_rejected_unnamed() -> None:
    result = sort_lines([line(line_id="ERP\x00-1")])
    assert result.valid == []
    assert result.rejected[0].line_id is None
    assert result.rejected[0].errors[0].startswith("line_id: text may not contain control characters")


def test_ret2_line_breaks_and_tabs_in_a_reason_are_text() -> None:
    assert sort_lines([line(reason="漏水\n\t外壳破裂")]).valid[0].reason == "漏水\n\t外壳破裂"
