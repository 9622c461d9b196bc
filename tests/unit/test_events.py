"""Events: one envelope, one class per (type, version), parsed through one registry (SPEC §1)."""

from datetime import date

import pytest
from aiokafka.partitioner import DefaultPartitioner

from shared import context
from shared.events import Envelope, UnknownEventType, parse_data
from shared.events.intake import ReturnRecordedV1
from shared.kafka import partition_of
from shared.messaging.incoming import Incoming, runs_of_one_type
from shared.messaging.outbox import envelope_for, outbox_row


def return_line() -> ReturnRecordedV1:
    return ReturnRecordedV1(
        line_id="ERP-000001",
        model="VX-200",
        production_date=date(2026, 11, 1),
        batch_no="B1",
        shipped_batch_no="S-7781",
        quantity=10,
    )


def test_return_events_are_keyed_by_model_and_production_date() -> None:
    assert outbox_row(return_line())["key"] == "VX-200|2026-11-01"


def test_envelope_carries_cloudevents_attributes_and_correlation() -> None:
    token = context.correlation_id.set("corr-1")
    try:
        envelope = envelope_for(return_line())
    finally:
        context.correlation_id.reset(token)
    assert envelope.specversion == "1.0"
    assert envelope.type == "qms.intake.return.recorded.v1"
    assert envelope.source == "intake"
    assert envelope.subject == "ERP-000001"
    assert envelope.correlationid == "corr-1"
    assert envelope.time.tzinfo is not None


def test_registry_parses_data_back_into_its_class() -> None:
    envelope = Envelope.model_validate_json(envelope_for(return_line()).model_dump_json())
    assert parse_data(envelope) == return_line()


def test_unknown_type_is_refused_by_the_registry() -> None:
    envelope = Envelope(source="x", type="qms.x.unknown.v9", subject="1", data={})
    with pytest.raises(UnknownEventType):
        parse_data(envelope)


def incoming(event_type: str) -> Incoming:
    return Incoming(record=None, envelope=Envelope(source="t", type=event_type, subject="1", data={}))


def test_consumer_keeps_partition_order_across_batch_and_single_handlers() -> None:
    items = [incoming("a"), incoming("a"), incoming("b"), incoming("a")]
    assert [(event_type, len(run)) for event_type, run in runs_of_one_type(items)] == [("a", 2), ("b", 1), ("a", 1)]


@pytest.mark.parametrize("partitions", [[0], [0, 1, 2], list(range(12))])
def test_relay_routes_a_key_where_kafkas_default_partitioner_does(partitions: list[int]) -> None:
    """SPEC §1 keys: the relay fills its record batches itself, and must still put a key on the
    partition every other Kafka client (murmur2) would, or one model's returns would be split."""
    keys = [f"VX-{n}|2026-11-{n % 28 + 1:02d}".encode() for n in range(200)] + [b"", "漏水".encode()]
    assert [partition_of(key, partitions) for key in keys] == [
        DefaultPartitioner()(key, partitions, partitions) for key in keys
    ]
