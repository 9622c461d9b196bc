"""ATT-1 on a real S3-compatible HTTP server started here (moto's server mode): the store, and the
intake service itself configured for S3 as it is in production."""

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from aiobotocore.session import get_session
from moto.server import ThreadedMotoServer

from shared.attachments import S3Store
from shared.stack import ServiceProcess, Stack, free_port
from tests import attachment_files as files
from tests.integration.factories import product_complaint
from tests.support import auth

pytestmark = pytest.mark.integration

BUCKET = "qms-intake"
KEYS = {"access_key": "qms-test", "secret_key": "qms-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


async def make_bucket(endpoint: str, bucket: str) -> None:
    async with get_session().create_client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    ) as client:
        await client.create_bucket(Bucket=bucket)


@pytest.fixture(scope="module")
async def s3_bucket(s3_endpoint: str) -> AsyncIterator[str]:
    await make_bucket(s3_endpoint, BUCKET)
    yield BUCKET


async def test_att1_s3_store_keeps_an_object_and_streams_it_back(
    s3_endpoint: str, s3_bucket: str, tmp_path: Path
) -> None:
    store = S3Store(s3_endpoint, s3_bucket, "us-east-1", KEYS["access_key"], KEYS["secret_key"])
    sent = files.pdf() + b"%" + bytes(range(256)) * 1024
    source = tmp_path / "object"
    source.write_bytes(sent)
    key = f"complaint/{uuid.uuid4()}/original"
    await store.put(key, source, "application/pdf")
    assert b"".join([chunk async for chunk in store.chunks(key)]) == sent


@pytest.fixture(scope="module")
def intake_on_s3(stack: Stack, s3_endpoint: str, s3_bucket: str) -> Iterator[ServiceProcess]:
    env = {
        **stack.service_env("intake"),
        "QMS_ATTACHMENTS_S3_ENDPOINT": s3_endpoint,
        "QMS_ATTACHMENTS_S3_BUCKET": s3_bucket,
        "QMS_ATTACHMENTS_S3_ACCESS_KEY": KEYS["access_key"],
        "QMS_ATTACHMENTS_S3_SECRET_KEY": KEYS["secret_key"],
        "QMS_RUN_CONSUMERS": "false",
        "QMS_RUN_RELAY": "false",
    }
    service = ServiceProcess("intake", free_port(), env, stack.data_dir / "logs" / "intake-s3.log")
    service.start()
    try:
        service.wait_healthy()
        yield service
    finally:
        service.stop()


async def test_att1_intake_on_s3_stores_a_photo_and_its_thumbnail_in_the_bucket(
    intake_on_s3: ServiceProcess, s3_endpoint: str, s3_bucket: str
) -> None:
    owner = auth("customer_service", sub=f"CS-{uuid.uuid4().hex[:8]}")
    async with httpx.AsyncClient(base_url=intake_on_s3.url, timeout=30) as intake:
        complaint = await intake.post("/v1/complaints", json=product_complaint(), headers=owner)
        assert complaint.status_code == 201, complaint.text
        created = await intake.post(
            f"/v1/complaints/{complaint.json()['id']}/attachments",
            files={"file": ("样品.jpg", files.jpeg_with_gps(), "image/jpeg")},
            headers=owner,
        )
        assert created.status_code == 201, created.text
        attachment_id = created.json()["id"]
        got = await intake.get(f"/v1/attachments/{attachment_id}", headers=owner)
        thumbnail = await intake.get(f"/v1/attachments/{attachment_id}/thumbnail", headers=owner)
    assert got.status_code == thumbnail.status_code == 200
    assert files.gps_of(got.content) == {}
    async with get_session().create_client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    ) as client:
        listing = await client.list_objects_v2(Bucket=s3_bucket, Prefix=f"complaint/{attachment_id}/")
    assert sorted(item["Key"] for item in listing["Contents"]) == [
        f"complaint/{attachment_id}/original",
        f"complaint/{attachment_id}/thumbnail.jpg",
    ]
