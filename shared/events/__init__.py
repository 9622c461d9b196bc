"""Events: the envelope, one class per (type, version), and the registry that parses them."""

from shared.events import calendar, classification, crm, intake, sanctions, topics
from shared.events.envelope import Envelope
from shared.events.registry import REGISTRY, EventData, UnknownEventType, parse_data, register

__all__ = [
    "REGISTRY",
    "Envelope",
    "EventData",
    "UnknownEventType",
    "calendar",
    "classification",
    "crm",
    "intake",
    "parse_data",
    "register",
    "sanctions",
    "topics",
]
