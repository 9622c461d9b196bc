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
