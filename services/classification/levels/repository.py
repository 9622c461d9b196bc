"""All SQL of rule sets, production rates and cause routing."""

from decimal import Decimal

from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.levels.models import CauseRoute, ProductionRate, RuleSetVersion
from shared.http.pagination import Keyset

ANY_LINE = ""


async def active_rule_set(session: AsyncSession) -> RuleSetVersion:
    found = await session.scalar(select(RuleSetVersion).order_by(RuleSetVersion.version.desc()).limit(1))
    assert found is not None, "migration 0002 seeds version 1"
    return found


async def rule_set(session: AsyncSession, version: int) -> RuleSetVersion | None:
    return await session.get(RuleSetVersion, version)


def _version_number(value: object) -> int:
    """A version in a cursor: a whole number as this API writes it, never a fraction or a flag."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(value)
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(value)
    return int(value)


VERSIONS_KEYSET = Keyset((RuleSetVersion.version,), (_version_number,))


def rule_sets() -> Select[RuleSetVersion]:
    return select(RuleSetVersion)


async def add_rule_set(session: AsyncSession, version: RuleSetVersion) -> RuleSetVersion:
    """Serialised by a transaction-scoped lock so that two PUTs get two consecutive versions."""
    await session.execute(select(func.pg_advisory_xact_lock(0x434C5333)))  # "CLS3"
    session.add(version)
    await session.flush()
    return version


async def upsert_rate(
    session: AsyncSession, model: str, line: str | None, units_per_hour: Decimal, by: str
) -> ProductionRate:
    statement = insert(ProductionRate).values(
        model=model, production_line=line or ANY_LINE, units_per_hour=units_per_hour, updated_by=by
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[ProductionRate.model, ProductionRate.production_line],
        set_={"units_per_hour": units_per_hour, "updated_by": by, "updated_at": func.now()},
    ).returning(ProductionRate)
    rate = (await session.scalars(upsert, execution_options={"populate_existing": True})).one()
    return rate


async def rates_of(session: AsyncSession, model: str) -> list[ProductionRate]:
    query = select(ProductionRate).where(ProductionRate.model == model).order_by(ProductionRate.production_line)
    return list((await session.scalars(query)).all())


async def rate_for(session: AsyncSession, model: str, line: str | None) -> Decimal | None:
    """The line's own rate when there is one, else the model's rate on any line."""
    lines = [ANY_LINE] if not line else [line, ANY_LINE]
    rows = await session.execute(
        select(ProductionRate.production_line, ProductionRate.units_per_hour).where(
            ProductionRate.model == model, ProductionRate.production_line.in_(lines)
        )
    )
    found = {production_line: rate for production_line, rate in rows}
    return found.get(line or ANY_LINE, found.get(ANY_LINE))


async def routes(session: AsyncSession) -> list[CauseRoute]:
    return list((await session.scalars(select(CauseRoute).order_by(CauseRoute.cause_category))).all())


async def route(session: AsyncSession, category: str) -> CauseRoute | None:
    return await session.get(CauseRoute, category)


async def replace_routes(session: AsyncSession, new_routes: list[CauseRoute]) -> None:
    await session.execute(delete(CauseRoute))
    session.add_all(new_routes)
    await session.flush()
