"""Request bodies in the binding shapes of SPEC §8."""

import uuid
from typing import Any


def product_complaint(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "product_quality",
        "severity": "general",
        "channel": "phone",
        "customer_id": "C-1001",
        "complainant": {"name": "王伟", "phone": "13800000000", "email": None},
        "product": {
            "model": "VX-200",
            "name": "阀体",
            "quantity": 3,
            "batch_no": "B20261101",
            "production_date": "2026-11-01",
            "purchase_place": "杭州",
        },
        "circumstances": "储存于常温仓库",
        "description": f"阀门漏水 {uuid.uuid4()}",
        "received_at": "2026-11-24T09:30:00+08:00",
    }
    body.update(overrides)
    return body


def service_complaint(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "service",
        "service_aspect": "attitude",
        "severity": "general",
        "channel": "email",
        "customer_id": "C-1001",
        "complainant": {"name": "李明", "phone": None, "email": "li@example.com"},
        "description": f"客服态度差 {uuid.uuid4()}",
        "received_at": "2026-11-24T09:30:00+08:00",
    }
    body.update(overrides)
    return body


def return_line(**overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "line_id": f"ERP-{uuid.uuid4()}",
        "model": "VX-200",
        "production_date": "2026-11-01",
        "batch_no": "B20261101",
        "shipped_batch_no": "S-7781",
        "quantity": 10,
        "customer_id": "C-1001",
        "reason": "漏水",
        "returned_at": "2026-11-20T10:00:00+08:00",
    }
    line.update(overrides)
    return line


def incident_report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "scrap",
        "model": "VX-200",
        "quantity": 120,
        "production_line": "L1",
        "shift": "2026-11-24-A",
        "loss_amount": "3500.00",
        "personal_injury": False,
        "reputation_impact": False,
        "cause_category": "machine",
        "description": f"铸件砂眼 {uuid.uuid4()}",
        "reported_by": "E-17",
        "department": "machining",
        "occurred_at": "2026-11-24T10:00:00+08:00",
    }
    body.update(overrides)
    return body


def supplier_material_report(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": "supplier_material",
        "cause_category": "material",
        "supplier": "SUP-88",
        "defect_class": "B",
        "defect_type": "performance",
    }
    return incident_report(**{**fields, **overrides})
