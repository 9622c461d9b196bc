"""CLS-1 on REP-1 shop-floor reports: which report facts meet which thresholds."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from services.classification.incidents.rules import report_facts
from services.classification.levels.rules import MANUFACTURING, Level, classify
from shared.events.intake import IncidentReportFiledV1


def report(**overrides: Any) -> IncidentReportFiledV1:
    fields: dict[str, Any] = {
        "report_id": "R-1",
        "kind": "scrap",
        "model": "VX-200",
        "quantity": 100,
        "description": "砂眼",
        "reported_by": "E-17",
        "occurred_at": datetime(2026, 11, 24, 2, tzinfo=UTC),
    }
    return IncidentReportFiledV1(**{**fields, **overrides})


def level(filed: IncidentReportFiledV1, rate: str | None = "200") -> Level:
    return classify(report_facts(filed, Decimal(rate) if rate else None), MANUFACTURING).level


def test_cls1_scrap_report_is_measured_in_half_hours_of_output() -> None:
    assert level(report(quantity=100)) is Level.BATCH
    assert level(report(quantity=99)) is Level.GENERAL


def test_cls1_rework_report_is_measured_in_hours_of_output() -> None:
    assert level(report(kind="rework", quantity=199)) is Level.GENERAL
    assert level(report(kind="rework", quantity=200)) is Level.BATCH


def test_cls1_nonconformity_quantity_is_not_scrap() -> None:
    assert level(report(kind="nonconformity", quantity=10_000)) is Level.GENERAL


def test_cls1_customer_injury_report_is_major_even_without_the_flag() -> None:
    assert level(report(kind="customer_injury", personal_injury=False)) is Level.MAJOR


def test_cls1_reputation_report_is_major() -> None:
    assert level(report(kind="reputation")) is Level.MAJOR


def test_cls1_report_loss_of_20000_is_major() -> None:
    assert level(report(kind="nonconformity", loss_amount=Decimal("20000.00"))) is Level.MAJOR
    assert level(report(kind="nonconformity", loss_amount=Decimal("19999.99"))) is Level.GENERAL


def test_cls1_scrap_report_without_rate_is_rate_missing() -> None:
    assert classify(report_facts(report(quantity=5000), None), MANUFACTURING).rate_missing
