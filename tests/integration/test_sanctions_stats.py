"""CON management review over HTTP: sanctions' penalties and rewards per month, checked against the
notices the test issues."""

from typing import Any

import httpx
import pytest

from tests.integration.sanctions_helpers import open_months, restore_spec_catalog, violation
from tests.support import auth, unique

pytestmark = pytest.mark.integration

QM = auth("quality_manager", sub="QM-STATS")
EXECUTIVE = auth("executive", sub="X-STATS")


def violation_in(clause: str, month: str, **overrides: Any) -> dict[str, Any]:
    return violation(clause, unique("E"), occurred_at=f"{month}-10T10:00:00+08:00", **overrides)


async def notice(sanctions: httpx.AsyncClient, body: dict[str, Any], issued: bool) -> None:
    response = await sanctions.post("/v1/violations", json=body, headers=QM)
    assert response.status_code == 201, response.text
    if issued:
        notice_id = response.json()["notice"]["id"]
        issue = await sanctions.post(f"/v1/notices/{notice_id}/issue", headers=QM)
        assert issue.status_code == 200, issue.text


async def test_con_penalties_and_rewards_in_force_are_summed_per_month(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)
    month, _ = await open_months(sanctions)
    await notice(sanctions, violation_in("5.2.1.11", month, pieces=12, shift=f"{month}-10-A"), issued=True)
    await notice(sanctions, violation_in("5.2.1.11", month, pieces=12, shift=f"{month}-10-B"), issued=False)
    await notice(sanctions, violation_in("5.1.2.1", month), issued=True)
    await notice(sanctions, violation_in("5.1.4.1", month), issued=True)

    response = await sanctions.get("/v1/stats/sanctions", params={"from": month, "to": month}, headers=EXECUTIVE)

    assert response.status_code == 200, response.text
    assert response.json()["months"] == [
        {"month": month, "penalties": {"count": 1, "amount": "200.00"}, "rewards": {"count": 2, "amount": "150.00"}}
    ]


async def test_con_sanction_stats_are_refused_to_an_inspector(sanctions: httpx.AsyncClient) -> None:
    response = await sanctions.get("/v1/stats/sanctions", headers=auth("inspector"))
    assert response.status_code == 403
