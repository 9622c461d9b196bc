"""REP-1 shop-floor reports as CLS-1 facts (pure code)."""

from decimal import Decimal
from typing import Any

from services.classification.levels.rules import Facts, with_updated_reason
from shared.events.intake import IncidentReportFiledV1

# Scrap and rework are measured in hours of output, so only they need the model's production rate.
RATED_KINDS = frozenset({"scrap", "rework"})


def report_facts(report: IncidentReportFiledV1, units_per_hour: Decimal | None) -> Facts:
    """REP-1 → CLS-1 facts: scrap and rework are measured against the model's output per hour."""
    return reported_facts(
        report.kind,
        report.quantity,
        units_per_hour,
        report.loss_amount,
        report.personal_injury or report.kind == "customer_injury",
        report.reputation_impact or report.kind == "reputation",
    )


def reported_facts(
    kind: str | None,
    quantity: int | None,
    units_per_hour: Decimal | None,
    loss_amount: Decimal | None,
    personal_injury: bool,
    reputation_damage: bool,
) -> Facts:
    """The CLS-1 facts of a shop-floor report, as filed or as kept on its incident."""
    return Facts(
        scrap_quantity=quantity if kind == "scrap" else None,
        rework_quantity=quantity if kind == "rework" else None,
        units_per_hour=units_per_hour,
        loss_amount=loss_amount,
        personal_injury=personal_injury,
        reputation_damage=reputation_damage,
    )


def merged_reasons(kept: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A reclassification's reasons replace those of the same fact and keep the others."""
    for new in found:
        kept = with_updated_reason(kept, new)
    return kept
