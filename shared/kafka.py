"""Kafka client settings, in one place for every service, tuned by the broker profile
(``QMS_KAFKA_PROFILE``): ``embedded`` for the development stack's Tansu, ``kafka`` for Apache Kafka.

Correctness never comes from broker features (Tansu has no idempotent producer and no transactions):
it comes from the outbox, the inbox and the keys. The profile only decides what each broker handles
well.
"""

import asyncio
import contextlib
import dataclasses
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


@dataclasses.dataclass(frozen=True)
class BrokerProfile:
    """How the clients are tuned for one kind of broker."""

    idempotent_producer: bool
    fetch_max_wait_ms: int
    # A consumer that fetched nothing for IDLE_AFTER_S polls with this wait instead, until records
    # come again: fewer empty fetches, at the cost of the first record's latency after a quiet spell.
    idle_fetch_max_wait_ms: int
    session_timeout_ms: int
    heartbeat_interval_ms: int
    # None: aiokafka's own (the max poll interval).
    rebalance_timeout_ms: int | None
    metadata_max_age_ms: int
    # A relay that finds a topic gone creates it again before re-publishing its lost log.
    recreates_lost_topics: bool


PROFILES = {
    "embedded": BrokerProfile(
        # Tansu has no idempotent producer.
        idempotent_producer=False,
        # Tansu answers an empty fetch only when this wait runs out, so each hop costs about half of it.
        fetch_max_wait_ms=15,
        # Five consumers fetching every 15 ms kept the idle stack at 40 % of a core, most of it the
        # broker answering empty fetches; its CPU follows the fetch rate (five idle consumers: 2.8 %
        # of a core at 250 ms, 1.4 % at 500 ms, 1.0 % at 1 s). The cost: the first event after a
        # quiet spell waits for the long fetch in flight (complaint → incident after 8 s of quiet:
        # median 740 ms instead of 190–330 ms).
        idle_fetch_max_wait_ms=1000,
        # A join on Tansu takes about half the session timeout, and a group must rejoin quickly after
        # the memory broker restarted: short timeouts, the rebalance bounded by the session's.
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        rebalance_timeout_ms=6000,
        # A restarted memory broker comes back without its topics: consumers notice within seconds.
        metadata_max_age_ms=5_000,
        recreates_lost_topics=True,
    ),
    # Apache Kafka: aiokafka's defaults. The broker answers a fetch as soon as records arrive, so the
    # wait only bounds idle polling; topics are the operator's (created by migrate).
    "kafka": BrokerProfile(
        idempotent_producer=True,
        fetch_max_wait_ms=500,
        idle_fetch_max_wait_ms=500,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        rebalance_timeout_ms=None,
        metadata_max_age_ms=300_000,
        recreates_lost_topics=False,
    ),
}


def profile_of(settings: KafkaSettings) -> BrokerProfile:
    """The profile the settings name, with the timings they set themselves instead of its own."""
    profile = PROFILES[settings.kafka_profile]
    return dataclasses.replace(
        profile,
        fetch_max_wait_ms=_set_or(settings.kafka_fetch_max_wait_ms, profile.fetch_max_wait_ms),
        session_timeout_ms=_set_or(settings.kafka_session_timeout_ms, profile.session_timeout_ms),
        heartbeat_interval_ms=_set_or(settings.kafka_heartbeat_interval_ms, profile.heartbeat_interval_ms),
        idle_fetch_max_wait_ms=_set_or(settings.kafka_idle_fetch_max_wait_ms, profile.idle_fetch_max_wait_ms),
    )


def _set_or(value: int | None, default: int) -> int:
    return default if value is None else value


# Longer than the pauses of a working pipeline (a second between an ERP push and the next), so a
# stream of events keeps the short wait.
IDLE_AFTER_S = 5.0


def fetch_wait_ms(profile: BrokerProfile, idle_for_s: float) -> int:
    """The wait of a consumer's next fetch: short while records arrive, long once none came for a while."""
    return profile.idle_fetch_max_wait_ms if idle_for_s >= IDLE_AFTER_S else profile.fetch_max_wait_ms


def set_fetch_wait(consumer: AIOKafkaConsumer, wait_ms: int) -> None:
    """Changes the wait of a started consumer's next fetch requests. aiokafka takes it only at
    construction; its fetcher reads this attribute for every request it builds."""
    fetcher = consumer._fetcher
    if fetcher is not None:
        fetcher._fetch_max_wait_ms = wait_ms


def fetch_wait_of(consumer: AIOKafkaConsumer) -> int | None:
    """The wait of a started consumer's next fetch requests."""
    fetcher = consumer._fetcher
    return None if fetcher is None else int(fetcher._fetch_max_wait_ms)


def make_producer(settings: KafkaSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **connection_options(settings),
        client_id=client_id,
        acks="all",
        enable_idempotence=profile_of(settings).idempotent_producer,
        linger_ms=2,
        max_batch_size=1024 * 1024,
        request_timeout_ms=10_000,
    )


def make_consumer(settings: KafkaSettings, group_id: str, client_id: str) -> AIOKafkaConsumer:
    profile = profile_of(settings)
    return AIOKafkaConsumer(
        **connection_options(settings),
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=profile.fetch_max_wait_ms,
        session_timeout_ms=profile.session_timeout_ms,
        heartbeat_interval_ms=profile.heartbeat_interval_ms,
        max_poll_records=settings.kafka_max_poll_records,
        rebalance_timeout_ms=profile.rebalance_timeout_ms,
        metadata_max_age_ms=profile.metadata_max_age_ms,
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
        fetch_max_wait_ms=profile_of(settings).fetch_max_wait_ms,
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
