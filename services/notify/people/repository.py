"""All SQL of the people directory and the department robots."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.people.models import Person, Robot


async def get(session: AsyncSession, person_id: str) -> Person | None:
    return await session.get(Person, person_id)


async def upsert(session: AsyncSession, values: dict[str, object]) -> Person:
    statement = insert(Person).values(**values)
    returning = statement.on_conflict_do_update(
        index_elements=[Person.id],
        set_={key: statement.excluded[key] for key in values if key != "id"},
    ).returning(Person)
    person: Person = (await session.scalars(returning, execution_options={"populate_existing": True})).one()
    return person


async def with_roles(session: AsyncSession, roles: list[str]) -> list[Person]:
    if not roles:
        return []
    query = select(Person).where(Person.roles.overlap(roles)).order_by(Person.id)
    return list((await session.scalars(query)).all())


async def heads_of(session: AsyncSession, departments: list[str]) -> list[Person]:
    if not departments:
        return []
    query = select(Person).where(Person.head_of.in_(departments)).order_by(Person.id)
    return list((await session.scalars(query)).all())


async def by_ids(session: AsyncSession, ids: list[str]) -> dict[str, Person]:
    if not ids:
        return {}
    return {person.id: person for person in (await session.scalars(select(Person).where(Person.id.in_(ids)))).all()}


async def upsert_robot(session: AsyncSession, values: dict[str, object]) -> Robot:
    statement = insert(Robot).values(**values)
    returning = statement.on_conflict_do_update(
        index_elements=[Robot.department, Robot.platform],
        set_={key: statement.excluded[key] for key in values if key not in ("department", "platform")},
    ).returning(Robot)
    found: Robot = (await session.scalars(returning, execution_options={"populate_existing": True})).one()
    return found


async def robot(session: AsyncSession, department: str, platform: str) -> Robot | None:
    return await session.get(Robot, (department, platform))


async def robots(session: AsyncSession) -> list[Robot]:
    return list((await session.scalars(select(Robot).order_by(Robot.department, Robot.platform))).all())
