"""SPEC §11 over HTTP on complaints: real files made here, stored by the running intake service."""

import hashlib
import io
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from PIL import Image

from shared.stack import Stack
from tests import attachment_files as files
from tests.integration.factories import product_complaint
from tests.support import auth, service_db

pytestmark = pytest.mark.integration

QUALITY = auth("quality_manager", sub="Q-HEAD")
OUTSIDER = auth("inspector", sub="INS-1", department="production")
MB = 1024 * 1024


def clerk() -> tuple[str, dict[str, str]]:
    sub = f"CS-{uuid.uuid4().hex[:8]}"
    return sub, auth("customer_service", sub=sub)


async def complaint(intake: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await intake.post("/v1/complaints", json=product_complaint(), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def upload(
    intake: httpx.AsyncClient,
    complaint_id: str,
    headers: dict[str, str],
    name: str,
    data: bytes,
    **fields: str,
) -> httpx.Response:
    return await intake.post(
        f"/v1/complaints/{complaint_id}/attachments",
        files={"file": (name, data, "application/octet-stream")},
        data=fields or None,
        headers=headers,
    )


def filename_star(response: httpx.Response) -> str:
    disposition = response.headers["content-disposition"]
    return unquote(disposition.split("filename*=UTF-8''")[1])


async def listed(intake: httpx.AsyncClient, complaint_id: str, **params: Any) -> list[dict[str, Any]]:
    response = await intake.get(f"/v1/complaints/{complaint_id}/attachments", params=params, headers=QUALITY)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_att2_a_photo_is_kept_without_its_gps_and_downloads_under_its_chinese_name(
    intake: httpx.AsyncClient,
) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    sent = files.jpeg_with_gps()
    created = await upload(intake, complaint_id, me, "样品照片 阀门.jpg", sent)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["content_type"], body["name"], body["location_removed"]) == ("image/jpeg", "样品照片 阀门.jpg", True)

    got = await intake.get(f"/v1/attachments/{body['id']}", headers=me)
    assert got.status_code == 200
    assert files.gps_of(got.content) == {}
    assert body["sha256"] == hashlib.sha256(got.content).hexdigest()
    assert body["size"] == len(got.content)
    assert filename_star(got) == "样品照片 阀门.jpg"


async def test_att2_a_photo_has_a_thumbnail_served(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    created = (await upload(intake, complaint_id, me, "sample.jpg", files.jpeg_with_gps(1200, 900))).json()
    thumbnail = await intake.get(f"/v1/attachments/{created['id']}/thumbnail", headers=me)
    assert thumbnail.status_code == 200
    assert thumbnail.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumbnail.content)) as image:
        assert max(image.size) == 320


async def test_att2_an_iphone_heic_photo_is_kept_without_its_gps_with_a_thumbnail(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    created = await upload(intake, complaint_id, me, "IMG_0001.HEIC", files.heic_with_gps())
    assert created.status_code == 201, created.text
    assert (created.json()["content_type"], created.json()["has_thumbnail"]) == ("image/heic", True)
    got = await intake.get(f"/v1/attachments/{created.json()['id']}", headers=me)
    assert files.gps_of(got.content) == {}


async def test_att2_a_pdf_is_kept_byte_for_byte_without_a_thumbnail(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    sent = files.pdf()
    created = await upload(intake, complaint_id, me, "处理书面文件.pdf", sent)
    assert created.status_code == 201, created.text
    attachment_id = created.json()["id"]
    got = await intake.get(f"/v1/attachments/{attachment_id}", headers=me)
    assert (got.content, got.headers["content-type"]) == (sent, "application/pdf")
    assert (await intake.get(f"/v1/attachments/{attachment_id}/thumbnail", headers=me)).status_code == 404


async def test_att2_an_executable_renamed_jpg_is_refused_with_415(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    refused = await upload(intake, complaint_id, me, "photo.jpg", files.executable())
    assert refused.status_code == 415, refused.text
    assert refused.json()["code"] == "attachment_type_not_accepted"
    assert await listed(intake, complaint_id) == []


async def test_att2_a_21_mb_file_is_refused_with_413_and_nothing_is_kept(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    refused = await upload(intake, complaint_id, me, "big.jpg", files.oversized(21))
    assert refused.status_code == 413, refused.text
    assert refused.json()["code"] == "attachment_too_large"
    assert await listed(intake, complaint_id) == []


async def test_att1_the_metadata_and_the_history_entry_are_written_together(
    intake: httpx.AsyncClient, stack: Stack
) -> None:
    me_sub, me = clerk()
    complaint_id = await complaint(intake, me)
    created = (await upload(intake, complaint_id, me, "回访记录.docx", files.docx())).json()
    assert created["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    history = (await intake.get(f"/v1/complaints/{complaint_id}/history", headers=me)).json()
    added = [entry for entry in history["items"] if entry["action"] == "attachment_added"]
    expected = {"id": created["id"], "name": "回访记录.docx", "sha256": created["sha256"]}
    assert [entry["changes"]["attachment"] for entry in added] == [expected]
    assert created["uploaded_at"].endswith("+08:00")
    async with service_db(stack, "intake") as conn:
        row = await conn.fetchrow(
            "SELECT uploaded_by, owner_id FROM intake.attachments WHERE id = $1", uuid.UUID(created["id"])
        )
    assert (row["uploaded_by"], row["owner_id"]) == (me_sub, complaint_id)


async def test_att4_a_replacement_keeps_the_old_attachment_in_history(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    old = (await upload(intake, complaint_id, me, "回复 v1.pdf", files.pdf())).json()
    new = await upload(intake, complaint_id, me, "回复 v2.xlsx", files.xlsx(), replaces=old["id"])
    assert new.status_code == 201, new.text
    assert [a["id"] for a in await listed(intake, complaint_id)] == [new.json()["id"]]
    everything = {a["id"]: a for a in await listed(intake, complaint_id, include_replaced="true")}
    assert everything[old["id"]]["replaced_by"] == new.json()["id"]
    assert everything[new.json()["id"]]["replaces"] == old["id"]
    assert (await intake.get(f"/v1/attachments/{old['id']}", headers=me)).status_code == 200


async def test_att4_an_attachment_already_replaced_is_not_replaced_twice(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    old = (await upload(intake, complaint_id, me, "a.pdf", files.pdf())).json()
    assert (await upload(intake, complaint_id, me, "b.pdf", files.pdf(), replaces=old["id"])).status_code == 201
    again = await upload(intake, complaint_id, me, "c.pdf", files.pdf(), replaces=old["id"])
    assert again.status_code == 409
    assert again.json()["code"] == "attachment_already_replaced"


async def test_att4_an_unknown_form_field_is_refused(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    refused = await upload(intake, complaint_id, me, "a.pdf", files.pdf(), comment="x")
    assert refused.status_code == 422
    assert refused.json()["code"] == "unknown_field"


async def test_att3_a_reader_without_the_complaint_role_is_refused(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    created = (await upload(intake, complaint_id, me, "样品.png", files.png())).json()
    for path in (
        f"/v1/attachments/{created['id']}",
        f"/v1/attachments/{created['id']}/thumbnail",
        f"/v1/complaints/{complaint_id}/attachments",
    ):
        assert (await intake.get(path, headers=OUTSIDER)).status_code == 403, path


async def test_att3_another_clerk_cannot_file_evidence_on_a_complaint_they_do_not_own(
    intake: httpx.AsyncClient,
) -> None:
    _, owner = clerk()
    _, other = clerk()
    complaint_id = await complaint(intake, owner)
    refused = await upload(intake, complaint_id, other, "a.pdf", files.pdf())
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_owner"


async def test_att4_an_upload_without_a_token_is_refused(intake: httpx.AsyncClient) -> None:
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    assert (await upload(intake, complaint_id, {}, "a.pdf", files.pdf())).status_code == 401


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def test_att2_memory_of_intake_stays_flat_while_a_20_mb_file_uploads(
    intake: httpx.AsyncClient, stack: Stack
) -> None:
    process = stack.services["intake"].process
    assert process is not None
    _, me = clerk()
    complaint_id = await complaint(intake, me)
    # A first upload loads everything an upload needs, so the figures below are of the upload alone.
    assert (await upload(intake, complaint_id, me, "warm-up.pdf", files.pdf())).status_code == 201
    big = files.pdf() + b"\n%" + b"0" * (20 * MB - len(files.pdf()) - 3)
    assert len(big) <= 20 * MB
    before = _rss_kib(process.pid)
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_kib(process.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        created = await upload(intake, complaint_id, me, "20MB.pdf", big)
    finally:
        done.set()
        sampler.join()
    after = _rss_kib(process.pid)
    assert created.status_code == 201, created.text
    print(f"intake VmRSS before {before} KiB, peak during {peak} KiB, after {after} KiB (file {len(big)} bytes)")
    assert peak - before < 8 * 1024, "the upload grew the service by more than 8 MiB"


def stored_objects(stack: Stack) -> int:
    return sum(1 for path in (stack.data_dir / "attachments" / "intake").rglob("*") if path.is_file())


async def test_att4_replacing_an_attachment_of_another_complaint_is_refused_before_anything_is_stored(
    intake: httpx.AsyncClient, stack: Stack
) -> None:
    _, me = clerk()
    first, second = await complaint(intake, me), await complaint(intake, me)
    elsewhere = (await upload(intake, first, me, "a.jpg", files.jpeg_with_gps())).json()
    before = stored_objects(stack)
    refused = await upload(intake, second, me, "b.jpg", files.jpeg_with_gps(), replaces=elsewhere["id"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "invalid_replaces"
    assert stored_objects(stack) == before
    assert await listed(intake, second) == []
