"""The monthly visit planning pass (CRM-5): plans this month's visits (and the next month's in its last
week) of every customer CRM-5 plans, so each month's plans and their reminders exist without anyone
asking. Idempotent: a month already planned adds and announces only what is new."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.visits import service
from services.crm.visits.rules import planning_months
from shared.clock import now
from shared.workcalendar import CHINA
from shared.worker import PollingWorker

PLANNER = "crm-visit-planning"


def visit_planning_worker(sessions: async_sessionmaker[AsyncSession], every_s: float) -> PollingWorker:
    async def step() -> bool:
        for month in planning_months(now().astimezone(CHINA).date()):
            async with sessions() as session, session.begin():
                await service.plan_month(session, month, PLANNER)
        return False

    return PollingWorker(PLANNER, step, every_s)
