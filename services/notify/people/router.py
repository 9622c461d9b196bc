"""The people directory and the department robots (HTTP only; NTF-4: admin_dept)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.notifications.rules import ROBOTS, Channel
from services.notify.people import repository, service
from services.notify.people.schemas import IDENTIFIER, PersonIn, PersonOut, RobotIn, RobotOut
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.errors import not_found

router = APIRouter(prefix="/v1", tags=["people"])

PersonId = Annotated[str, Path(min_length=1, max_length=100, pattern=IDENTIFIER)]
Department = Annotated[str, Path(min_length=1, max_length=100, pattern=IDENTIFIER)]
ROBOT_PLATFORMS = "^(" + "|".join(robot.value for robot in ROBOTS) + ")$"
PROBLEMS: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}, 422: {"description": "invalid input"}}


def _person_out(person: object) -> PersonOut:
    return PersonOut.model_validate(person, from_attributes=True)


@router.get("/people/{person_id}", response_model=PersonOut, responses=PROBLEMS)
async def read_person(
    person_id: PersonId,
    _: Principal = Depends(require_roles(Role.ADMIN_DEPT)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> PersonOut:
    async with sessions() as session:
        person = await repository.get(session, person_id)
    if person is None:
        raise not_found("person", person_id)
    return _person_out(person)


@router.put("/people/{person_id}", response_model=PersonOut, responses=PROBLEMS)
async def put_person(
    person_id: PersonId,
    body: PersonIn,
    principal: Principal = Depends(require_roles(Role.ADMIN_DEPT)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> PersonOut:
    """Creates or replaces a person's entry: name, address, departments, roles, the department they head,
    and the channels they are reached on (the inbox always)."""
    async with sessions() as session, session.begin():
        person = await service.put_person(session, person_id, body, principal)
    return _person_out(person)


@router.get("/robots", response_model=list[RobotOut])
async def list_robots(
    _: Principal = Depends(require_roles(Role.ADMIN_DEPT, Role.OPS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> list[RobotOut]:
    """Every department's group robots (secrets are never shown)."""
    async with sessions() as session:
        return [RobotOut.of(robot) for robot in await repository.robots(session)]


@router.put("/robots/{department}/{platform}", response_model=RobotOut, responses=PROBLEMS)
async def put_robot(
    department: Department,
    platform: Annotated[str, Path(pattern=ROBOT_PLATFORMS)],
    body: RobotIn,
    principal: Principal = Depends(require_roles(Role.ADMIN_DEPT)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> RobotOut:
    """A department's group robot: its webhook URL (WeCom: the key is in it) and, for DingTalk and Feishu,
    the signing secret."""
    async with sessions() as session, session.begin():
        robot = await service.put_robot(session, department, Channel(platform), body, principal)
    return RobotOut.of(robot)
