"""All SQL of the CRM-4 scoring tables."""

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.classes.models import ScoringTableVersion

# One writer of the scoring table at a time: versions stay gapless and reclassification sees one table.
SCORING_LOCK = 4_200_001


async def latest(session: AsyncSession) -> ScoringTableVersion | None:
    return await session.scalar(select(ScoringTableVersion).order_by(ScoringTableVersion.version.desc()).limit(1))


async def lock_for_change(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCORING_LOCK})


async def next_version(session: AsyncSession) -> int:
    current = await session.scalar(select(func.max(ScoringTableVersion.version)))
    return int(current or 0) + 1


async def add(session: AsyncSession, version: ScoringTableVersion) -> None:
    session.add(version)
    await session.flush()
