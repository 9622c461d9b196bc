"""The broker profile (QMS_KAFKA_PROFILE): the embedded Tansu's workarounds in one place, and plain
aiokafka for Apache Kafka in production."""

import pytest
from aiokafka import AIOKafkaConsumer

from shared.kafka import IDLE_AFTER_S, PROFILES, fetch_wait_ms, make_consumer, make_producer, profile_of
from shared.settings import KafkaSettings


def settings(**values: str) -> KafkaSettings:
    return KafkaSettings.model_validate({"kafka_bootstrap_servers": "kafka-1:9092", **values})


@pytest.fixture(autouse=True)
def no_profile_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PROFILE", "FETCH_MAX_WAIT_MS", "SESSION_TIMEOUT_MS", "HEARTBEAT_INTERVAL_MS"):
        monkeypatch.delenv(f"QMS_KAFKA_{name}", raising=False)


async def test_the_embedded_profile_produces_without_idempotence_which_tansu_lacks() -> None:
    producer = make_producer(settings(kafka_profile="embedded"), "probe")
    idempotent = producer._txn_manager is not None
    await producer.stop()
    assert not idempotent


async def test_the_kafka_profile_produces_idempotently() -> None:
    producer = make_producer(settings(kafka_profile="kafka"), "probe")
    idempotent = producer._txn_manager is not None
    await producer.stop()
    assert idempotent


async def test_the_kafka_profile_consumes_with_aiokafkas_defaults() -> None:
    tuned = make_consumer(settings(kafka_profile="kafka"), "qms.probe", "probe")
    default = AIOKafkaConsumer(bootstrap_servers="kafka-1:9092", group_id="qms.probe")
    fields = ("_fetch_max_wait_ms", "_session_timeout_ms", "_heartbeat_interval_ms", "_rebalance_timeout_ms")
    figures = [tuple(getattr(consumer, name) for name in fields) for consumer in (tuned, default)]
    for consumer in (tuned, default):
        await consumer.stop()
    assert figures[0] == figures[1]


def test_the_embedded_profile_keeps_tansus_short_fetch_wait_and_rebalance() -> None:
    embedded = profile_of(settings(kafka_profile="embedded"))
    assert (embedded.fetch_max_wait_ms, embedded.session_timeout_ms, embedded.rebalance_timeout_ms) == (15, 6000, 6000)


def test_a_timing_set_explicitly_wins_over_the_profiles() -> None:
    assert profile_of(settings(kafka_profile="kafka", kafka_fetch_max_wait_ms="50")).fetch_max_wait_ms == 50


def test_only_the_embedded_broker_has_its_lost_topics_created_again_by_the_relay() -> None:
    assert {name: profile.recreates_lost_topics for name, profile in PROFILES.items()} == {
        "embedded": True,
        "kafka": False,
    }


def test_the_development_default_is_the_embedded_broker() -> None:
    assert settings().kafka_profile == "embedded"


def test_an_unknown_profile_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="kafka_profile"):
        settings(kafka_profile="redpanda")


def test_a_consumer_fetching_records_keeps_the_short_wait() -> None:
    embedded = PROFILES["embedded"]
    assert fetch_wait_ms(embedded, idle_for_s=IDLE_AFTER_S / 2) == embedded.fetch_max_wait_ms


def test_a_consumer_idle_for_a_while_on_the_embedded_broker_fetches_with_the_long_wait() -> None:
    embedded = PROFILES["embedded"]
    assert (
        fetch_wait_ms(embedded, idle_for_s=IDLE_AFTER_S) == embedded.idle_fetch_max_wait_ms > embedded.fetch_max_wait_ms
    )


def test_on_apache_kafka_an_idle_consumer_keeps_its_wait_the_broker_answers_when_records_come() -> None:
    kafka = PROFILES["kafka"]
    assert fetch_wait_ms(kafka, idle_for_s=3600) == kafka.fetch_max_wait_ms
