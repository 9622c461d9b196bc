"""The people directory and the department robots (HTTP only; NTF-4: admin_dept)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from services.notify.notifications.rules import ROBOTS, Channel
from services.notify.people import repository, service
from services.notify.people.models import Person, Robot
from services.notify.people.schemas import IDENTIFIER, PersonIn, PersonOut, RobotIn, RobotOut
from services.notify.roles import Administration
from shared.auth import Principal, Role, require_roles
from shared.errors import found
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1", tags=["people"])

PersonId = Annotated[str, Path(min_length=1, max_length=100, pattern=IDENTIFIER)]
Department = Annotated[str, Path(min_length=1, max_length=100, pattern=IDENTIFIER)]
RobotReader = Annotated[Principal, Depends(require_roles(Role.ADMIN_DEPT, Role.OPS))]
ROBOT_PLATFORMS = "^(" + "|".join(robot.value for robot in ROBOTS) + ")$"
PROBLEMS: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}, 422: {"description": "invalid input"}}


@router.get("/people/{person_id}", response_model=PersonOut, responses=PROBLEMS)
async def read_person(person_id: PersonId, session: ReadSession, _: Administration) -> Person:
    return found(await repository.get(session, person_id), "person", person_id)


@router.put("/people/{person_id}", response_model=PersonOut, responses=PROBLEMS)
async def put_person(
    person_id: PersonId,
    body: PersonIn,
    session: WriteSession,
    principal: Administration,
) -> Person:
    """Creates or replaces a person's entry: name, address, departments, roles, the department they head,
    and the channels they are reached on (the inbox always)."""
    return await service.put_person(session, person_id, body, principal)


@router.get("/robots", response_model=list[RobotOut])
async def list_robots(session: ReadSession, _: RobotReader) -> list[Robot]:
    """Every department's group robots (secrets are never shown)."""
    return await repository.robots(session)


@router.put("/robots/{department}/{platform}", response_model=RobotOut, responses=PROBLEMS)
async def put_robot(
    department: Department,
    platform: Annotated[str, Path(pattern=ROBOT_PLATFORMS)],
    body: RobotIn,
    session: WriteSession,
    principal: Administration,
) -> Robot:
    """A department's group robot: its webhook URL (WeCom: the key is in it) and, for DingTalk and Feishu,
    the signing secret."""
    return await service.put_robot(session, department, Channel(platform), body, principal)
