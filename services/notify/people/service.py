"""The people directory's decisions: who a rule's recipients are, and how each is reached (NTF-1, NTF-2)."""

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications.rules import Channel
from services.notify.people import repository
from services.notify.people.models import Person, Robot
from services.notify.people.schemas import PersonIn, RobotIn
from shared.auth import Principal


async def put_person(session: AsyncSession, person_id: str, body: PersonIn, by: Principal) -> Person:
    values: dict[str, object] = {
        "id": person_id,
        **body.model_dump(),
        "channels": [channel.value for channel in body.channels],
        "updated_by": by.sub,
        "updated_at": func.now(),
    }
    return await repository.upsert(session, values)


async def put_robot(session: AsyncSession, department: str, platform: Channel, body: RobotIn, by: Principal) -> Robot:
    values: dict[str, object] = {
        "department": department,
        "platform": platform.value,
        "url": str(body.url),
        "secret": body.secret,
        "updated_by": by.sub,
        "updated_at": func.now(),
    }
    return await repository.upsert_robot(session, values)


def robot_department(person: Person) -> str | None:
    """The group a person's robot messages go to: the department they head, else their first."""
    return person.head_of or (person.departments[0] if person.departments else None)
