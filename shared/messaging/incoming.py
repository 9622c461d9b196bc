"""A fetched record decoded into an event, or into the reason it goes to the dead letters."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiokafka import ConsumerRecord
from pydantic import ValidationError

from shared import context
from shared.events import REGISTRY, Envelope, EventData, parse_data
from shared.messaging.dead_letters import UNDECODABLE, unknown_event


@dataclass
class Incoming:
    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope | None = None
    data: EventData | None = None
    error: str | None = None
    reason: str | None = None

    def pair(self) -> tuple[Envelope, Any]:
        """What a batch handler receives of a decoded event."""
        assert self.envelope is not None
        return self.envelope, self.data


def decode(record: ConsumerRecord[bytes, bytes]) -> Incoming:
    incoming = Incoming(record)
    try:
        incoming.envelope = Envelope.model_validate_json(record.value or b"")
    except ValidationError as exc:
        incoming.error = f"not a CloudEvents envelope: {exc.errors(include_url=False)[:3]}"
        incoming.reason = UNDECODABLE
        return incoming
    if incoming.envelope.type not in REGISTRY:
        incoming.reason, incoming.error = unknown_event(incoming.envelope.type)
        return incoming
    try:
        incoming.data = parse_data(incoming.envelope)
    except ValidationError as exc:
        incoming.error = f"invalid data for {incoming.envelope.type}: {exc.errors(include_url=False)[:3]}"
        incoming.reason = UNDECODABLE
    return incoming


def runs_of_one_type(items: list[Incoming]) -> list[tuple[str, list[Incoming]]]:
    """Splits items, in order, into maximal runs of consecutive events of the same type."""
    runs: list[tuple[str, list[Incoming]]] = []
    for item in items:
        assert item.envelope is not None
        if runs and runs[-1][0] == item.envelope.type:
            runs[-1][1].append(item)
        else:
            runs.append((item.envelope.type, [item]))
    return runs


@contextlib.contextmanager
def caused_by(envelope: Envelope) -> Iterator[None]:
    """What a handler publishes carries the consumed event's correlation id and names it as the cause."""
    tokens = (context.correlation_id.set(envelope.correlationid), context.causation_id.set(str(envelope.id)))
    try:
        yield
    finally:
        context.correlation_id.reset(tokens[0])
        context.causation_id.reset(tokens[1])
