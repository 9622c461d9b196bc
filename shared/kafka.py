"""Kafka client settings, in one place for every service (works with Apache Kafka and with Tansu).

Tansu has no idempotent producer and no transactions: correctness comes from the outbox, the
inbox and the keys, never from broker features.
"""

import asyncio
import contextlib
from functools import lru_cache
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context
from aiokafka.partitioner import murmur2

from shared.events import topics
from shared.settings import KafkaSettings


def connection_options(settings: KafkaSettings) -> dict[str, Any]:
    """Where the brokers are and how to reach them (TLS, SASL), the same for every client."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "security_protocol": settings.kafka_security_protocol,
    }
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = create_ssl_context(cafile=settings.kafka_ssl_cafile)
    if settings.kafka_security_protocol.startswith("SASL"):
        password = settings.kafka_sasl_password
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = password.get_secret_value() if password is not None else None
    return options


def make_producer(settings: KafkaSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **connection_options(settings),
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=2,
        max_batch_size=1024 * 1024,
        request_timeout_ms=10_000,
    )


def make_consumer(settings: KafkaSettings, group_id: str, client_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        **connection_options(settings),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
        max_poll_records=settings.kafka_max_poll_records,
        rebalance_timeout_ms=settings.kafka_session_timeout_ms,
        metadata_max_age_ms=5_000,
    )


START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0


async def started(client: AIOKafkaConsumer | AIOKafkaProducer) -> None:
    """Starts a Kafka client within START_TIMEOUT_S; one that does not start is stopped again."""
    try:
        await asyncio.wait_for(client.start(), timeout=START_TIMEOUT_S)
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.stop(), timeout=STOP_TIMEOUT_S)
        raise


async def stopped(*clients: AIOKafkaConsumer | AIOKafkaProducer | None) -> None:
    """Stops the clients given, each within STOP_TIMEOUT_S; a broker that is away cannot hold them up."""
    for client in clients:
        if client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.stop(), timeout=STOP_TIMEOUT_S)


@lru_cache(maxsize=65_536)
def _key_hash(key: bytes) -> int:
    # murmur2 in pure Python costs microseconds; the keys of an ERP push repeat (model|production date).
    return murmur2(key) & 0x7FFFFFFF


def partition_of(key: bytes, partitions: list[int]) -> int:
    """Kafka's default partitioner (murmur2 of the key, as the Java client and aiokafka's ``send``)."""
    return partitions[_key_hash(key) % len(partitions)]


def make_probe(settings: KafkaSettings, client_id: str) -> AIOKafkaConsumer:
    """A consumer outside any group, for reading metadata and where partitions end."""
    return AIOKafkaConsumer(
        **connection_options(settings),
        client_id=client_id,
        enable_auto_commit=False,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
    )


async def log_ends(settings: KafkaSettings, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    """Where each partition's log ends: the high watermark of a fetch response. Not ListOffsets'
    latest, which Tansu answers with the first offset of the last record batch plus one, short of the
    end after a batch of several records."""
    probe = make_probe(settings, "qms-log-ends")
    await probe.start()
    try:
        probe.assign(partitions)
        # From a point at or before the end, so a fetch returns little.
        await probe.seek_to_end(*partitions)
        while any(probe.highwater(tp) is None for tp in partitions):
            await probe.getmany(timeout_ms=100)
        return {tp: probe.highwater(tp) for tp in partitions}
    finally:
        await probe.stop()


async def ensure_topics(settings: KafkaSettings, names: list[str] | None = None) -> list[str]:
    """Creates the SPEC §1 topics and their dead-letter twins; existing ones are left as they are."""
    wanted = names or topics.all_with_dlq()
    admin = AIOKafkaAdminClient(**connection_options(settings), client_id="qms-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(name, settings.kafka_partitions, settings.kafka_replication_factor) for name in missing]
                )
            except TopicAlreadyExistsError:
                pass
        return missing
    finally:
        await admin.close()
