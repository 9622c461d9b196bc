"""Helpers the tests share: tokens, polling, direct broker access."""

import asyncio
import contextlib
import json
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from sqlalchemy import make_url

from shared.auth import mint_token
from shared.bootstrap import asyncpg_kwargs, ensure_service_schema
from shared.db import admin_url, service_url
from shared.stack import Stack

warnings.filterwarnings("ignore", message="The HMAC key is")

DEV_SECRET = "dev-secret"
T = TypeVar("T")


def unique(prefix: str) -> str:
    """``prefix`` with ten hex digits, so a test meets none of another's data in the shared stack."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def unique_chinese() -> str:
    """Four CJK ideographs no other record of the run is likely to hold."""
    value = uuid.uuid4().int
    return "".join(chr(0x4E00 + (value >> (16 * place)) % 0x5000) for place in range(4))


def unique_digits() -> str:
    return f"{uuid.uuid4().int % 10**8:08d}"


def token(role: str, sub: str = "E-17", name: str = "李娜", department: str = "quality") -> str:
    return mint_token(DEV_SECRET, sub, [role], name, department)


def auth(role: str, sub: str = "E-17", department: str = "quality") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, sub=sub, department=department)}"}


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 30.0, interval: float = 0.1) -> T:
    """Polls ``probe`` until it returns something truthy; fails with the last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


@contextlib.asynccontextmanager
async def service_db(stack: Stack, service: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the stack's database as the service's own login role (its schema only)."""
    async with service_connection(stack.database_url or "", service, stack.db_password) as conn:
        yield conn


@contextlib.asynccontextmanager
async def service_connection(database_url: str, service: str, password: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the service's own login role to any database, closed on the way out."""
    conn = await asyncpg.connect(**asyncpg_kwargs(service_url(database_url, service, password)))
    try:
        yield conn
    finally:
        await conn.close()


async def produce(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, key=key, value=value)
    finally:
        await producer.stop()


async def produce_one_batch(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    """``messages`` as one record batch on partition 0, as the outbox relay sends them."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await producer.start()
    try:
        batch = producer.create_batch()
        for key, value in messages:
            if batch.append(key=key, value=value, timestamp=None) is None:
                raise ValueError("the messages do not fit in one record batch")
        await (await producer.send_batch(batch, topic, partition=0))
    finally:
        await producer.stop()


async def read_topic(bootstrap: str, topic: str, timeout: float = 5.0) -> list[ConsumerRecord[bytes, bytes]]:
    """Everything on ``topic`` right now, read without a group."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            if not batch and records:
                break
            for items in batch.values():
                records.extend(items)
    finally:
        await consumer.stop()
    return records


async def metric(client: httpx.AsyncClient, series: str) -> float:
    """The value of one series on the service's ``/metrics`` (``name{labels}``), 0 while absent."""
    text = (await client.get("/metrics")).text
    prefix = f"{series} "
    return sum(float(line.removeprefix(prefix)) for line in text.splitlines() if line.startswith(prefix))


def events_in(records: list[ConsumerRecord[bytes, bytes]]) -> list[dict[str, Any]]:
    """The JSON objects among the records' values, in order: a test that poisons a topic leaves values
    that are none, and tests that run after it read the same topic."""
    events = []
    for record in records:
        try:
            value = json.loads(record.value or b"")
        except ValueError:
            continue
        if isinstance(value, dict):
            events.append(value)
    return events


@contextlib.asynccontextmanager
async def scratch_database(stack: Stack, service: str) -> AsyncIterator[str]:
    """The URL of a database of its own on the stack's server with ``service``'s role and schema in it,
    dropped on the way out: for what a migration does to rows already there."""
    name = f"qms_scratch_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    await admin.execute(f"CREATE DATABASE {name}")
    url = make_url(stack.database_url or "").set(database=name).render_as_string(hide_password=False)
    try:
        scratch = await asyncpg.connect(**asyncpg_kwargs(admin_url(url)))
        try:
            await ensure_service_schema(scratch, service, stack.db_password)
        finally:
            await scratch.close()
        yield url
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()
