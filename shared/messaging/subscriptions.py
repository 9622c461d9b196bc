"""What one consumer applies: a handler per event type, or a set-based handler for a whole batch. A
service's domains declare theirs in ``handlers.py``; ``main.py`` gathers them into one."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import REGISTRY, Envelope, EventData

Handler = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[tuple[Envelope, Any]]], Awaitable[None]]
# A service function that needs the event's data and nothing of its envelope.
Apply = Callable[[AsyncSession, Any], Awaitable[object]]
ApplyBatch = Callable[[AsyncSession, list[Any]], Awaitable[object]]


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

    def apply(self, apply: Apply, *events: type[EventData]) -> None:
        """Each of ``events`` is handed to ``apply`` with its data alone."""

        async def handler(session: AsyncSession, _: Envelope, data: Any) -> None:
            await apply(session, data)

        for event in events:
            self.on(event)(handler)

    def apply_batch(self, apply: ApplyBatch, event: type[EventData]) -> None:
        """A fetched batch of ``event`` is handed to ``apply`` as the list of its data, in order."""

        async def handler(session: AsyncSession, batch: list[tuple[Envelope, Any]]) -> None:
            await apply(session, [data for _, data in batch])

        self.on_batch(event)(handler)

    @classmethod
    def of(cls, *parts: "Subscriptions") -> "Subscriptions":
        """One consumer's subscriptions, gathered from its domains' ``handlers.py``."""
        gathered = cls()
        for part in parts:
            gathered.include(part)
        return gathered

    def include(self, other: "Subscriptions") -> None:
        self.handlers.update(other.handlers)
        self.batch_handlers.update(other.batch_handlers)

    def types(self) -> set[str]:
        return set(self.handlers) | set(self.batch_handlers)

    def topics(self) -> list[str]:
        return sorted({REGISTRY[event_type].TOPIC for event_type in self.types()})
