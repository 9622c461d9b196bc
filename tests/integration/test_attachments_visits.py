"""ATT-3 on visit reports: a visit's photos and signed sheet are seen by exactly who reads visits."""

import httpx
import pytest

from tests import attachment_files as files
from tests.integration.crm_helpers import customer_with_project, report
from tests.support import auth

pytestmark = pytest.mark.integration

VISITOR = auth("sales", sub="E-VISITOR", department="sales")


async def sheet_on_visit(crm: httpx.AsyncClient) -> tuple[str, str]:
    customer_id = await customer_with_project(crm, "E-REGIONAL", "2026-06-10")
    visit = await crm.post("/v1/visits", json=report(customer_id, "E-VISITOR"), headers=VISITOR)
    assert visit.status_code == 201, visit.text
    visit_id = str(visit.json()["id"])
    created = await crm.post(
        f"/v1/visits/{visit_id}/attachments",
        files={"file": ("客户签字回访单.pdf", files.pdf(), "application/pdf")},
        headers=VISITOR,
    )
    assert created.status_code == 201, created.text
    assert created.json()["owner_kind"] == "visit"
    return visit_id, str(created.json()["id"])


async def test_att3_a_visits_signed_sheet_is_listed_and_read_by_the_visit_readers(crm: httpx.AsyncClient) -> None:
    visit_id, attachment_id = await sheet_on_visit(crm)
    listed = await crm.get(f"/v1/visits/{visit_id}/attachments", headers=VISITOR)
    assert [a["id"] for a in listed.json()["items"]] == [attachment_id]
    downloaded = await crm.get(f"/v1/attachments/{attachment_id}", headers=auth("admin_dept"))
    assert downloaded.status_code == 200
    assert "filename*=UTF-8''" in downloaded.headers["content-disposition"]


async def test_att3_finance_which_reads_fee_statements_not_visits_cannot_see_a_visits_attachment(
    crm: httpx.AsyncClient,
) -> None:
    visit_id, attachment_id = await sheet_on_visit(crm)
    finance = auth("finance")
    assert (await crm.get(f"/v1/attachments/{attachment_id}", headers=finance)).status_code == 403
    assert (await crm.get(f"/v1/visits/{visit_id}/attachments", headers=finance)).status_code == 403
    added = await crm.post(
        f"/v1/visits/{visit_id}/attachments",
        files={"file": ("x.pdf", files.pdf(), "application/pdf")},
        headers=finance,
    )
    assert added.status_code == 403
