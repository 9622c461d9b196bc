"""Kafka for production: TLS and SASL are settings every client of QMS uses alike."""

import ssl

import pytest

from shared.kafka import connection_options
from shared.replay import dead_letter_reader
from shared.settings import KafkaSettings


def settings(**values: str) -> KafkaSettings:
    return KafkaSettings.model_validate({"kafka_bootstrap_servers": "kafka-1:9093", **values})


def test_plaintext_by_default_for_the_embedded_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QMS_KAFKA_SECURITY_PROTOCOL", raising=False)
    assert connection_options(settings()) == {"bootstrap_servers": "kafka-1:9093", "security_protocol": "PLAINTEXT"}


def test_sasl_over_tls_passes_the_mechanism_credentials_and_a_tls_context() -> None:
    options = connection_options(
        settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username="qms-intake",
            kafka_sasl_password="s3cret",
        )
    )
    assert (options["security_protocol"], options["sasl_mechanism"]) == ("SASL_SSL", "SCRAM-SHA-512")
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("qms-intake", "s3cret")
    assert isinstance(options["ssl_context"], ssl.SSLContext)


def test_tls_alone_carries_no_sasl_options() -> None:
    options = connection_options(settings(kafka_security_protocol="SSL"))
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert "sasl_mechanism" not in options


def test_an_unknown_security_protocol_is_refused_at_start() -> None:
    with pytest.raises(ValueError):
        settings(kafka_security_protocol="TLS")


async def test_the_dead_letter_reader_connects_with_the_clusters_security_settings() -> None:
    reader = dead_letter_reader(
        settings(
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="PLAIN",
            kafka_sasl_username="qms-ops",
            kafka_sasl_password="s3cret",
        )
    )
    connects_with = (reader._client._security_protocol, reader._client._sasl_plain_username)
    await reader.stop()
    assert connects_with == ("SASL_PLAINTEXT", "qms-ops")
