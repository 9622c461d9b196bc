"""One pydantic class per ``(type, version)``; one registry that maps ``type`` to its class.

A breaking change is a new class with a new version, produced beside the old one.
"""

from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import Envelope


class UnknownEventType(LookupError):
    pass


class EventData(BaseModel):
    """The ``data`` of one event type at one version."""

    model_config = ConfigDict(extra="ignore")

    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    SOURCE: ClassVar[str]

    def subject(self) -> str:
        raise NotImplementedError

    def key(self) -> str:
        """The Kafka key: the aggregate id unless the SPEC names another."""
        return self.subject()


REGISTRY: dict[str, type[EventData]] = {}

E = TypeVar("E", bound=type[EventData])


def register(cls: E) -> E:
    if cls.TYPE in REGISTRY:
        raise ValueError(f"event type registered twice: {cls.TYPE}")
    REGISTRY[cls.TYPE] = cls
    return cls


def parse_data(envelope: Envelope) -> EventData:
    try:
        cls = REGISTRY[envelope.type]
    except KeyError:
        raise UnknownEventType(envelope.type) from None
    return cls.model_validate(envelope.data)
