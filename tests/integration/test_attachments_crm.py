"""ATT-3 on fee statements: a rep sees the attachments of their own customers' statements only."""

import uuid

import httpx
import pytest

from tests import attachment_files as files
from tests.integration.crm_helpers import statement_of
from tests.support import auth

pytestmark = pytest.mark.integration


def rep() -> str:
    return f"E-{uuid.uuid4().hex[:8]}"


async def receipt_on(crm: httpx.AsyncClient, owner: str) -> tuple[str, str]:
    statement_id = await statement_of(crm, owner)
    created = await crm.post(
        f"/v1/fee-statements/{statement_id}/attachments",
        files={"file": ("客情费发票.png", files.png(), "image/png")},
        headers=auth("sales", sub=owner, department="sales"),
    )
    assert created.status_code == 201, created.text
    return statement_id, str(created.json()["id"])


async def test_att3_a_rep_sees_the_receipts_of_their_own_statement(crm: httpx.AsyncClient) -> None:
    owner = rep()
    statement_id, attachment_id = await receipt_on(crm, owner)
    me = auth("sales", sub=owner, department="sales")
    listed = await crm.get(f"/v1/fee-statements/{statement_id}/attachments", headers=me)
    assert [a["id"] for a in listed.json()["items"]] == [attachment_id]
    assert (await crm.get(f"/v1/attachments/{attachment_id}/thumbnail", headers=me)).status_code == 200
    assert (await crm.get(f"/v1/attachments/{attachment_id}", headers=auth("finance"))).status_code == 200


async def test_att3_another_rep_cannot_see_or_add_to_a_statement_not_theirs(crm: httpx.AsyncClient) -> None:
    statement_id, attachment_id = await receipt_on(crm, rep())
    other = auth("sales", sub=rep(), department="sales")
    assert (await crm.get(f"/v1/attachments/{attachment_id}", headers=other)).status_code == 404
    assert (await crm.get(f"/v1/fee-statements/{statement_id}/attachments", headers=other)).status_code == 404
    added = await crm.post(
        f"/v1/fee-statements/{statement_id}/attachments",
        files={"file": ("x.pdf", files.pdf(), "application/pdf")},
        headers=other,
    )
    assert added.status_code == 404
