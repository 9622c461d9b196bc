"""What one consumer applies: a handler per event type, or a set-based handler for a whole batch. A
service's domains declare theirs in ``handlers.py``; ``main.py`` gathers them into one."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import REGISTRY, Envelope, EventData

Handler = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[tuple[Envelope, Any]]], Awaitable[None]]


@dataclass
class Subscriptions:
    handlers: dict[str, Handler] = field(default_factory=dict)
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)

    def on(self, event: type[EventData]) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.handlers[event.TYPE] = handler
            return handler

        return decorator

    def on_batch(self, event: type[EventData]) -> Callable[[BatchHandler], BatchHandler]:
        def decorator(handler: BatchHandler) -> BatchHandler:
            self.batch_handlers[event.TYPE] = handler
            return handler

        return decorator

    def include(self, other: "Subscriptions") -> None:
        self.handlers.update(other.handlers)
        self.batch_handlers.update(other.batch_handlers)

    def types(self) -> set[str]:
        return set(self.handlers) | set(self.batch_handlers)

    def topics(self) -> list[str]:
        return sorted({REGISTRY[event_type].TOPIC for event_type in self.types()})
