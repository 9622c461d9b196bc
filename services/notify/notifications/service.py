"""Telling people (NTF-1): a rule's occasion becomes one notification per recipient and one delivery per
further channel of theirs, in the caller's transaction (never committed here)."""

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.deliveries import repository as deliveries
from services.notify.metrics import DELIVERIES, NOTIFICATIONS, UNADDRESSED
from services.notify.notifications import repository, rules
from services.notify.notifications.rules import Channel, Rule
from services.notify.people import repository as people
from services.notify.people.models import Person
from services.notify.people.service import robot_department
from shared.observability import count_when_committed

log = logging.getLogger("qms.notify")


async def recipients_of(session: AsyncSession, rule: Rule, params: Mapping[str, Any]) -> dict[str, Person | None]:
    """Every person the rule names for this occasion, each once, with their directory entry if they have
    one (a person named by the occasion but not in the directory still gets the inbox message); the
    rule's fallback recipients when it names nobody."""
    found = await named_by(session, rule, params)
    fallback = rules.fallback_of(rule)
    if not found and fallback is not None:
        return await named_by(session, fallback, params)
    return found


async def named_by(session: AsyncSession, rule: Rule, params: Mapping[str, Any]) -> dict[str, Person | None]:
    found: dict[str, Person | None] = {}
    for person in await people.with_roles(session, rules.roles_of(rule, params)):
        found[person.id] = person
    for person in await people.heads_of(session, rules.heads_of(rule, params)):
        found[person.id] = person
    for person in await managers_of(session, rules.managed_people(rule, params)):
        found[person.id] = person
    named = rules.named_people(rule, params)
    known = await people.by_ids(session, named)
    for person_id in named:
        found.setdefault(person_id, known.get(person_id))
    return found


async def managers_of(session: AsyncSession, person_ids: list[str]) -> list[Person]:
    """The heads of the departments these people belong to, none of them their own manager."""
    members = (await people.by_ids(session, person_ids)).values()
    departments = sorted({department for person in members for department in person.departments})
    return [head for head in await people.heads_of(session, departments) if head.id not in person_ids]


def delivery_rows(notification_id: uuid.UUID, person: Person | None) -> list[dict[str, Any]]:
    if person is None:
        return []
    rows = []
    for channel in rules.deliveries_for(person.channels):
        target = person.email if channel == Channel.EMAIL else robot_department(person)
        rows.append({"notification_id": notification_id, "channel": channel.value, "target": target})
    return rows


async def tell(session: AsyncSession, rule: Rule, subject: str, occasion: str, params: Mapping[str, Any]) -> int:
    """Notifies the rule's recipients once for (rule, subject, occasion); returns how many were new."""
    recipients = await recipients_of(session, rule, params)
    if not recipients:
        log.warning("%s for %s: the directory names nobody", rule.id, subject)
        count_when_committed(UNADDRESSED.labels(rule.id))
        return 0
    title, body = rule.render(params)
    rows = [
        {
            "id": uuid.uuid4(),
            "rule": rule.id,
            "subject": subject,
            "recipient": person_id,
            "occasion": occasion,
            "title": title[:300],
            "body": body,
        }
        for person_id in sorted(recipients)
    ]
    created = await repository.insert_new(session, rows)
    sends = [row for new_id, person_id in created for row in delivery_rows(new_id, recipients[person_id])]
    await deliveries.add(session, sends)
    count_when_committed(NOTIFICATIONS.labels(rule.id), len(created))
    count_when_committed(DELIVERIES.labels(Channel.INBOX.value, "sent"), len(created))
    return len(created)
