"""REP-1 shop-floor reports as CLS-1 facts (pure code)."""

from decimal import Decimal

from services.classification.rules.rules import Facts
from shared.events.intake import IncidentReportFiledV1

# Scrap and rework are measured in hours of output, so only they need the model's production rate.
RATED_KINDS = frozenset({"scrap", "rework"})


def report_facts(report: IncidentReportFiledV1, units_per_hour: Decimal | None) -> Facts:
    """REP-1 → CLS-1 facts: scrap and rework are measured against the model's output per hour."""
    return Facts(
        scrap_quantity=report.quantity if report.kind == "scrap" else None,
        rework_quantity=report.quantity if report.kind == "rework" else None,
        units_per_hour=units_per_hour,
        loss_amount=report.loss_amount,
        personal_injury=report.personal_injury or report.kind == "customer_injury",
        reputation_damage=report.reputation_impact or report.kind == "reputation",
    )
