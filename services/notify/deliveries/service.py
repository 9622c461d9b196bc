"""Delivering (NTF-2, NTF-3): claim what is due, send each over its channel, record the outcome —
sent, tried again after a backoff, or failed for ops to see and retry."""

import asyncio
import logging

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.deliveries import repository, rules
from services.notify.deliveries.channels import DeliveryError, send_email, send_robot
from services.notify.deliveries.repository import Claimed
from services.notify.metrics import DELIVERIES
from services.notify.notifications.rules import Channel
from services.notify.people import repository as people
from services.notify.settings import NotifySettings

log = logging.getLogger("qms.notify")

Robots = dict[tuple[str, str], tuple[str, str | None]]


async def robots_for(session: AsyncSession, claimed: list[Claimed]) -> Robots:
    found: Robots = {}
    for delivery in claimed:
        key = (delivery.target or "", delivery.channel)
        if delivery.channel != Channel.EMAIL and key not in found and delivery.target:
            robot = await people.robot(session, delivery.target, delivery.channel)
            if robot is not None:
                found[key] = (robot.url, robot.secret)
    return found


async def send(settings: NotifySettings, client: httpx.AsyncClient, delivery: Claimed, robots: Robots) -> None:
    channel = Channel(delivery.channel)
    if channel == Channel.EMAIL:
        await send_email(settings, delivery.target, delivery.title, delivery.body, str(delivery.notification_id))
        return
    url, secret = robots.get((delivery.target or "", delivery.channel), (None, None))
    await send_robot(client, channel, url, secret, delivery.title, delivery.body)


async def record(
    session: AsyncSession, settings: NotifySettings, delivery: Claimed, error: DeliveryError | None
) -> str:
    """Writes the outcome of one attempt; returns it (sent, retry, failed)."""
    if error is None:
        await repository.sent(session, delivery.id)
        return "sent"
    if error.permanent or rules.gives_up(delivery.attempts, settings.notify_delivery_max_attempts):
        await repository.failed(session, delivery.id, str(error))
        return "failed"
    delay = rules.backoff_s(
        delivery.attempts, settings.notify_delivery_backoff_s, settings.notify_delivery_backoff_cap_s
    )
    await repository.retry_later(session, delivery.id, str(error), delay)
    return "retry"


async def deliver_due(
    sessions: async_sessionmaker[AsyncSession], settings: NotifySettings, client: httpx.AsyncClient
) -> int:
    """One round: claims up to a batch, sends it side by side, records each outcome. Returns how many."""
    async with sessions() as session, session.begin():
        claimed = await repository.claim(session, settings.notify_delivery_batch, settings.notify_delivery_lease_s)
        robots = await robots_for(session, claimed)
    if not claimed:
        return 0

    async def attempt(delivery: Claimed) -> DeliveryError | None:
        try:
            await send(settings, client, delivery, robots)
        except DeliveryError as exc:
            log.warning(
                "delivery %s over %s failed (attempt %s): %s", delivery.id, delivery.channel, delivery.attempts, exc
            )
            return exc
        return None

    errors = await asyncio.gather(*(attempt(delivery) for delivery in claimed))
    async with sessions() as session, session.begin():
        outcomes = [await record(session, settings, d, e) for d, e in zip(claimed, errors, strict=True)]
    for delivery, outcome in zip(claimed, outcomes, strict=True):
        DELIVERIES.labels(delivery.channel, outcome).inc()
    return len(claimed)
