"""ATT-3 on shop-floor reports: a report's photos are seen by exactly who reads shop-floor reports."""

import httpx
import pytest

from tests import attachment_files as files
from tests.integration.factories import incident_report
from tests.support import auth

pytestmark = pytest.mark.integration

INSPECTOR = auth("inspector", sub="E-17")
# Reads complaints, not shop-floor reports.
SALES = auth("sales", sub="S-1", department="sales")


async def photo_on_report(intake: httpx.AsyncClient) -> tuple[str, str]:
    filed = await intake.post("/v1/incident-reports", json=incident_report(), headers=INSPECTOR)
    assert filed.status_code == 201, filed.text
    report_id = str(filed.json()["id"])
    created = await intake.post(
        f"/v1/incident-reports/{report_id}/attachments",
        files={"file": ("报废件照片.jpg", files.jpeg_with_gps(), "image/jpeg")},
        headers=INSPECTOR,
    )
    assert created.status_code == 201, created.text
    assert (created.json()["owner_kind"], created.json()["location_removed"]) == ("incident_report", True)
    return report_id, str(created.json()["id"])


async def test_att3_a_reports_photo_is_listed_and_read_by_the_report_readers(intake: httpx.AsyncClient) -> None:
    report_id, attachment_id = await photo_on_report(intake)
    listed = await intake.get(f"/v1/incident-reports/{report_id}/attachments", headers=INSPECTOR)
    assert [a["id"] for a in listed.json()["items"]] == [attachment_id]
    ops = auth("ops", sub="E-OPS")
    assert (await intake.get(f"/v1/attachments/{attachment_id}", headers=ops)).status_code == 200
    assert (await intake.get(f"/v1/attachments/{attachment_id}/thumbnail", headers=ops)).status_code == 200


async def test_att3_a_complaint_reader_who_reads_no_reports_cannot_see_or_add_to_a_reports_attachments(
    intake: httpx.AsyncClient,
) -> None:
    report_id, attachment_id = await photo_on_report(intake)
    assert (await intake.get(f"/v1/attachments/{attachment_id}", headers=SALES)).status_code == 403
    assert (await intake.get(f"/v1/attachments/{attachment_id}/thumbnail", headers=SALES)).status_code == 403
    assert (await intake.get(f"/v1/incident-reports/{report_id}/attachments", headers=SALES)).status_code == 403
    added = await intake.post(
        f"/v1/incident-reports/{report_id}/attachments",
        files={"file": ("x.pdf", files.pdf(), "application/pdf")},
        headers=SALES,
    )
    assert added.status_code == 403
