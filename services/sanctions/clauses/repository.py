"""All SQL of the clause catalog."""

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses.models import CatalogVersion, ClauseRow


async def lock_catalog(session: AsyncSession) -> None:
    """Edits of the catalog take turns, so two PUTs never both become version N+1."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('sanctions:catalog', 0))"))


async def latest_version(session: AsyncSession) -> CatalogVersion:
    newest = select(func.max(CatalogVersion.version)).scalar_subquery()
    return (await session.scalars(select(CatalogVersion).where(CatalogVersion.version == newest))).one()


async def get_version(session: AsyncSession, version: int) -> CatalogVersion | None:
    return await session.get(CatalogVersion, version)


async def clauses_of(session: AsyncSession, version: int) -> list[ClauseRow]:
    return list((await session.scalars(select(ClauseRow).where(ClauseRow.version == version))).all())


async def add_version(session: AsyncSession, version: CatalogVersion, rows: list[ClauseRow]) -> None:
    session.add(version)
    await session.flush()
    session.add_all(rows)
    await session.flush()
