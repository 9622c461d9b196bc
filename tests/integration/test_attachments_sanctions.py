"""ATT-3 on notices: an employee sees the attachments of their own notices only."""

import httpx
import pytest

from tests import attachment_files as files
from tests.integration.sanctions_helpers import employee, post, restore_spec_catalog, violation
from tests.support import auth

pytestmark = pytest.mark.integration

ADMIN = auth("admin_dept", sub="AD-1", department="administration")


@pytest.fixture(scope="module", autouse=True)
async def spec_catalog(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)


async def stamped_copy(sanctions: httpx.AsyncClient, employee_id: str) -> tuple[str, str]:
    notice = (await post(sanctions, violation("5.2.1.7", employee_id)))["notice"]
    created = await sanctions.post(
        f"/v1/notices/{notice['id']}/attachments",
        files={"file": ("奖罚通知单 盖章.pdf", files.pdf(), "application/pdf")},
        headers=ADMIN,
    )
    assert created.status_code == 201, created.text
    return str(notice["id"]), str(created.json()["id"])


async def test_att3_an_employee_downloads_the_stamped_copy_of_their_own_notice(sanctions: httpx.AsyncClient) -> None:
    mine = employee()
    notice_id, attachment_id = await stamped_copy(sanctions, mine)
    me = auth("inspector", sub=mine, department="production")
    listed = await sanctions.get(f"/v1/notices/{notice_id}/attachments", headers=me)
    assert [a["id"] for a in listed.json()["items"]] == [attachment_id]
    got = await sanctions.get(f"/v1/attachments/{attachment_id}", headers=me)
    assert (got.status_code, got.content) == (200, files.pdf())


async def test_att3_another_employee_cannot_see_the_attachments_of_a_notice_not_theirs(
    sanctions: httpx.AsyncClient,
) -> None:
    notice_id, attachment_id = await stamped_copy(sanctions, employee())
    someone_else = auth("inspector", sub=employee(), department="production")
    assert (await sanctions.get(f"/v1/attachments/{attachment_id}", headers=someone_else)).status_code == 404
    assert (await sanctions.get(f"/v1/notices/{notice_id}/attachments", headers=someone_else)).status_code == 404


async def test_att1_a_notice_attachment_is_kept_in_the_notice_steps(sanctions: httpx.AsyncClient) -> None:
    notice_id, attachment_id = await stamped_copy(sanctions, employee())
    detail = (await sanctions.get(f"/v1/notices/{notice_id}", headers=ADMIN)).json()
    added = [step for step in detail["history"] if step["action"] == "attachment_added"]
    assert [step["detail"]["attachment"]["id"] for step in added] == [attachment_id]
