"""All SQL of notify's copy of the fee statements' sign-off state."""

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.statements.models import StatementSteps


async def get_for_update(session: AsyncSession, statement_id: str) -> StatementSteps | None:
    query = select(StatementSteps).where(StatementSteps.statement_id == statement_id).with_for_update()
    return await session.scalar(query)


async def put(session: AsyncSession, values: dict[str, object]) -> None:
    statement = insert(StatementSteps).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[StatementSteps.statement_id],
            set_={key: statement.excluded[key] for key in values if key != "statement_id"},
        )
    )


async def pending_steps_of(session: AsyncSession, month: str) -> list[str]:
    """Every step that still waits on at least one statement of ``month`` (YYYY-MM)."""
    step = func.unnest(StatementSteps.pending_steps).label("step")
    rows = await session.scalars(select(step).where(StatementSteps.month == month).distinct())
    return sorted(rows.all())
