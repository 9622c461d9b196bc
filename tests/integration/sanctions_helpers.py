"""Helpers of the sanctions suites: the people, posts and catalog a notice needs, and classified
incidents to draft from."""

import random
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from services.sanctions.clauses.catalog import DEFAULT_CATALOG
from services.sanctions.clauses.rules import DEFAULT_AGGRAVATION_FACTOR
from services.sanctions.summaries.rules import next_month
from shared.events import EventData
from shared.events.classification import IncidentClassifiedV1
from shared.messaging.outbox import envelope_for
from tests.support import auth

QM = auth("quality_manager", sub="QM-1")


ADMIN = auth("admin_dept", sub="AD-1", department="administration")


async def restore_spec_catalog(sanctions: httpx.AsyncClient) -> None:
    """Puts the SPEC table back as the current catalog version: other suites (the OpenAPI fuzzer) edit it."""
    clauses = [
        {
            "code": clause.code,
            "kind": clause.kind.value,
            "target": clause.target,
            "summary": clause.summary,
            "text": clause.text,
            "variants": {name: rule.to_json() for name, rule in clause.variants.items()},
        }
        for clause in DEFAULT_CATALOG
    ]
    body = {"note": "SPEC table", "aggravation_factor": str(DEFAULT_AGGRAVATION_FACTOR), "clauses": clauses}
    response = await sanctions.put("/v1/clauses", json=body, headers=QM)
    assert response.status_code == 200, response.text


async def open_months(sanctions: httpx.AsyncClient) -> tuple[str, str]:
    """A month and the one after it, both still open: other suites close months too."""
    while True:
        month = f"{random.randint(2001, 2024)}-{random.randint(1, 12):02d}"
        following = next_month(month)
        views = [(await sanctions.get(f"/v1/summaries/{m}", headers=QM)).json() for m in (month, following)]
        if all(view["status"] == "open" and not view["people"] for view in views):
            return month, following


def violation(clause: str, employee_id: str, **overrides: Any) -> dict[str, Any]:
    """The SPEC §8 body of POST /v1/violations."""
    body: dict[str, Any] = {
        "clause": clause,
        "employee": {"id": employee_id, "name": "李娜", "department": "quality"},
        "pieces": None,
        "shift": None,
        "occurred_at": "2026-11-24T10:00:00+08:00",
        "act_id": None,
        "incident_id": None,
        "amount": None,
        "note": "…",
    }
    body.update(overrides)
    return body


async def post(sanctions: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await sanctions.post("/v1/violations", json=body, headers=QM)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def employee() -> str:
    return f"E-{uuid.uuid4().hex[:10]}"


def message(key: str, data: EventData) -> tuple[bytes, bytes]:
    return key.encode(), envelope_for(data).model_dump_json().encode()


def classified(incident_id: str, head: str, level: str = "batch") -> IncidentClassifiedV1:
    return IncidentClassifiedV1(
        incident_id=incident_id,
        level=level,
        status="open",
        rule_version=1,
        responsible_department="machining",
        responsible_head=head,
        classified_at=datetime.now(UTC),
    )
