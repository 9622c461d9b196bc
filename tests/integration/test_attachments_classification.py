"""CLS-8 with SPEC §11: a 归零 item's evidence may be the incident's own attachments."""

import httpx
import pytest

from services.classification.zeroing.rules import FOUR_NOT_LET_GO, MANAGEMENT, TECHNICAL
from tests import attachment_files as files
from tests.integration.classification_helpers import file_report, incident_of, set_rate
from tests.integration.factories import incident_report
from tests.support import auth, unique

pytestmark = pytest.mark.integration

QM = auth("quality_manager", sub="E-QM")
SALES = auth("sales", sub="S-1", department="sales")


async def batch_incident(intake: httpx.AsyncClient, classification: httpx.AsyncClient) -> str:
    model = unique("M")
    await set_rate(classification, model, 100)
    incident = await incident_of(classification, await file_report(intake, incident_report(model=model, quantity=80)))
    assert incident["level"] == "batch"
    return str(incident["id"])


async def attach(classification: httpx.AsyncClient, incident_id: str, name: str, data: bytes) -> dict[str, str]:
    created = await classification.post(
        f"/v1/incidents/{incident_id}/attachments", files={"file": (name, data, "application/octet-stream")}, headers=QM
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


async def test_cls8_an_items_evidence_names_the_incidents_attachments_and_closing_still_lists_what_is_missing(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident_id = await batch_incident(intake, classification)
    report = await attach(classification, incident_id, "复现报告.pdf", files.pdf())
    photo = await attach(classification, incident_id, "现场照片.jpg", files.jpeg_with_gps())
    recorded = await classification.put(
        f"/v1/incidents/{incident_id}/zeroing/reproduced",
        json={"evidence": "问题复现, 见报告和照片", "attachments": [report["id"], photo["id"]]},
        headers=QM,
    )
    assert recorded.status_code == 200, recorded.text
    item = next(i for i in recorded.json()["items"] if i["item"] == "reproduced")
    assert item["attachments"] == [report["id"], photo["id"]]

    refused = await classification.post(f"/v1/incidents/{incident_id}/close", json={"summary": "归零"}, headers=QM)
    assert refused.status_code == 409
    missing = [name for names in refused.json()["missing"].values() for name in names]
    assert sorted(missing) == sorted(i for i in [*TECHNICAL, *MANAGEMENT, *FOUR_NOT_LET_GO] if i != "reproduced")


async def test_cls8_evidence_cannot_name_another_incidents_attachment(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    first = await batch_incident(intake, classification)
    second = await batch_incident(intake, classification)
    elsewhere = await attach(classification, first, "report.pdf", files.pdf())
    refused = await classification.put(
        f"/v1/incidents/{second}/zeroing/located",
        json={"evidence": "定位", "attachments": [elsewhere["id"]]},
        headers=QM,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "unknown_attachment"


async def test_att3_an_incident_attachment_is_seen_by_incident_readers_only(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident_id = await batch_incident(intake, classification)
    photo = await attach(classification, incident_id, "不良品.png", files.png())
    inspector = auth("inspector", sub="INS-7", department="production")
    seen = await classification.get(f"/v1/attachments/{photo['id']}/thumbnail", headers=inspector)
    assert seen.status_code == 200
    assert (await classification.get(f"/v1/attachments/{photo['id']}", headers=SALES)).status_code == 403
