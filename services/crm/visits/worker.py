"""The monthly visit planning pass (CRM-5): plans this month's visits (and the next month's in its last
week) of every customer CRM-5 plans, so each month's plans and their reminders exist without anyone
asking. Idempotent: a month already planned adds and announces only what is new."""

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.visits import service
from services.crm.visits.rules import planning_months
from shared.clock import now
from shared.workcalendar import CHINA
from shared.worker import PollingWorker

PLANNER = "crm-visit-planning"


async def plan_running_months(sessions: async_sessionmaker[AsyncSession], today: date) -> int:
    """One pass for ``today`` (China date), one transaction per month; returns how many plans are new."""
    created = 0
    for month in planning_months(today):
        async with sessions() as session, session.begin():
            new, _ = await service.plan_month(session, month, PLANNER)
        created += len(new)
    return created


def visit_planning_worker(sessions: async_sessionmaker[AsyncSession], every_s: float) -> PollingWorker:
    async def step() -> bool:
        await plan_running_months(sessions, now().astimezone(CHINA).date())
        return False

    return PollingWorker(PLANNER, step, every_s)
