"""REP-1: the incident_report.filed event carries the report as it was recorded."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from services.intake.reports.models import IncidentReport
from services.intake.reports.service import filed_event


def test_rep1_the_filed_event_carries_every_field_of_the_report() -> None:
    report_id = uuid.uuid4()
    occurred = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
    report = IncidentReport(
        id=report_id,
        kind="supplier_material",
        model="VX-200",
        quantity=40,
        production_line="L2",
        shift="night",
        loss_amount=Decimal("1250.50"),
        personal_injury=False,
        reputation_impact=True,
        cause_category="material",
        description="阀体砂眼",
        reported_by="E-07",
        department="production",
        occurred_at=occurred,
        supplier="SUP-9",
        defect_class="major",
        defect_type="appearance",
        filed_by="E-07",
        created_at=occurred,
    )

    assert filed_event(report).model_dump() == {
        "report_id": str(report_id),
        "kind": "supplier_material",
        "model": "VX-200",
        "quantity": 40,
        "production_line": "L2",
        "shift": "night",
        "loss_amount": Decimal("1250.50"),
        "personal_injury": False,
        "reputation_impact": True,
        "cause_category": "material",
        "description": "阀体砂眼",
        "reported_by": "E-07",
        "department": "production",
        "occurred_at": occurred,
        "supplier": "SUP-9",
        "defect_class": "major",
        "defect_type": "appearance",
    }
