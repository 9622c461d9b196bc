"""ATT-1/ATT-3 on supplier nonconformities: the 《供应商异常矫正单》 is kept in the incident's history
and seen by exactly who reads incidents."""

import httpx
import pytest

from tests import attachment_files as files
from tests.integration.classification_helpers import file_report, incident_of
from tests.integration.factories import incident_report, supplier_material_report
from tests.support import auth, unique

pytestmark = pytest.mark.integration

QM = auth("quality_manager", sub="E-QM")
# Files complaints and reads fee statements, not incidents.
SALES = auth("sales", sub="S-1", department="sales")


async def supplier_incident(intake: httpx.AsyncClient, classification: httpx.AsyncClient) -> str:
    report_id = await file_report(intake, supplier_material_report(model=unique("M")))
    return str((await incident_of(classification, report_id))["id"])


async def corrective_sheet_on(classification: httpx.AsyncClient, incident_id: str) -> str:
    created = await classification.post(
        f"/v1/incidents/{incident_id}/supplier-issue/attachments",
        files={"file": ("供应商异常矫正单.pdf", files.pdf(), "application/pdf")},
        headers=QM,
    )
    assert created.status_code == 201, created.text
    assert created.json()["owner_kind"] == "supplier_issue"
    return str(created.json()["id"])


async def test_att1_a_suppliers_corrective_sheet_is_listed_and_kept_in_the_incidents_history(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident_id = await supplier_incident(intake, classification)
    attachment_id = await corrective_sheet_on(classification, incident_id)
    reader = auth("inspector", sub="E-17")
    listed = await classification.get(f"/v1/incidents/{incident_id}/supplier-issue/attachments", headers=reader)
    assert [a["id"] for a in listed.json()["items"]] == [attachment_id]
    assert (await classification.get(f"/v1/attachments/{attachment_id}", headers=reader)).status_code == 200
    history = (await classification.get(f"/v1/incidents/{incident_id}/history", headers=QM)).json()["items"]
    added = [e["detail"]["attachment"]["id"] for e in history if e["action"] == "supplier_attachment_added"]
    assert added == [attachment_id]


async def test_att3_someone_who_reads_no_incidents_cannot_see_or_add_a_suppliers_sheet(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident_id = await supplier_incident(intake, classification)
    attachment_id = await corrective_sheet_on(classification, incident_id)
    assert (await classification.get(f"/v1/attachments/{attachment_id}", headers=SALES)).status_code == 403
    url = f"/v1/incidents/{incident_id}/supplier-issue/attachments"
    assert (await classification.get(url, headers=SALES)).status_code == 403
    added = await classification.post(url, files={"file": ("x.pdf", files.pdf(), "application/pdf")}, headers=SALES)
    assert added.status_code == 403


async def test_att4_an_incident_without_a_supplier_issue_takes_no_suppliers_sheet(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    report_id = await file_report(intake, incident_report(model=unique("M")))
    incident_id = (await incident_of(classification, report_id))["id"]
    refused = await classification.post(
        f"/v1/incidents/{incident_id}/supplier-issue/attachments",
        files={"file": ("供应商异常矫正单.pdf", files.pdf(), "application/pdf")},
        headers=QM,
    )
    assert refused.status_code == 404, refused.text
    assert refused.json()["title"] == "supplier material issue not found"
