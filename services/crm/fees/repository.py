"""All SQL of relationship-maintenance fees (CRM-6)."""

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, extract, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.fees.models import (
    FeeAdvance,
    FeeBudget,
    FeeCollection,
    FeePayout,
    FeeStatement,
    FeeStatementLine,
    SalesRepAccount,
    SignOff,
    SpecialFeeRequest,
)
from services.crm.fees.rules import SIGN_OFF_ORDER
from shared.http.pagination import Keyset
from shared.queries import where_given

Row = TypeVar("Row")


async def put_budget(session: AsyncSession, product: str, year: int, amount: Decimal, by: str, at: datetime) -> None:
    values = {"product": product, "year": year, "amount": amount, "set_by": by, "set_at": at}
    statement = insert(FeeBudget).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[FeeBudget.product, FeeBudget.year], set_={"amount": amount, "set_by": by, "set_at": at}
        )
    )


async def budgets(session: AsyncSession, year: int | None, products: set[str] | None = None) -> list[FeeBudget]:
    query = select(FeeBudget).execution_options(populate_existing=True)
    if year is not None:
        query = query.where(FeeBudget.year == year)
    if products is not None:
        query = query.where(FeeBudget.product.in_(products))
    return list((await session.scalars(query.order_by(FeeBudget.year, FeeBudget.product))).all())


async def lock_budgets(session: AsyncSession, year: int, products: set[str]) -> dict[str, FeeBudget]:
    """Locks the budgets a statement draws on, in a fixed order, so concurrent statements cannot overspend."""
    rows = await session.scalars(
        select(FeeBudget)
        .where(FeeBudget.year == year, FeeBudget.product.in_(products))
        .order_by(FeeBudget.product)
        .with_for_update()
    )
    return {budget.product: budget for budget in rows}


async def committed(session: AsyncSession, year: int, products: set[str], now: datetime) -> dict[str, Decimal]:
    """Fees of the year's statements that are not void: all three signed, or still inside the window."""
    signatures = select(func.count()).where(SignOff.document_id == FeeStatement.id).scalar_subquery()
    rows = await session.execute(
        select(FeeStatementLine.product, func.sum(FeeStatementLine.fee_amount))
        .join(FeeStatement, FeeStatement.id == FeeStatementLine.statement_id)
        .where(
            extract("year", FeeStatement.month) == year,
            FeeStatementLine.product.in_(products),
            or_(signatures == len(SIGN_OFF_ORDER), FeeStatement.sign_off_by >= now),
        )
        .group_by(FeeStatementLine.product)
    )
    return {product: total for product, total in rows}


async def lock_rep(session: AsyncSession, rep_id: str) -> SalesRepAccount:
    """The rep's account row, created on first use and locked (SELECT … FOR UPDATE) until commit."""
    await session.execute(
        insert(SalesRepAccount).values(rep_id=rep_id, outstanding_advance=Decimal("0.00")).on_conflict_do_nothing()
    )
    account = await session.scalar(
        select(SalesRepAccount)
        .where(SalesRepAccount.rep_id == rep_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert account is not None
    return account


async def statement_of(session: AsyncSession, sales_rep: str, month: date) -> FeeStatement | None:
    return await session.scalar(
        select(FeeStatement).where(FeeStatement.sales_rep == sales_rep, FeeStatement.month == month)
    )


async def add(session: AsyncSession, *rows: object) -> None:
    session.add_all(rows)
    await session.flush()


async def get_statement(session: AsyncSession, statement_id: uuid.UUID, lock: bool = False) -> FeeStatement | None:
    return await session.get(FeeStatement, statement_id, with_for_update=lock)


def _grouped(
    ids: list[uuid.UUID], rows: Iterable[Row], owner: Callable[[Row], uuid.UUID]
) -> dict[uuid.UUID, list[Row]]:
    """The rows of each id, in the order read; an id without rows has an empty list."""
    found: dict[uuid.UUID, list[Row]] = {owned: [] for owned in ids}
    for row in rows:
        found[owner(row)].append(row)
    return found


async def lines_of(session: AsyncSession, statement_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[FeeStatementLine]]:
    rows = await session.scalars(
        select(FeeStatementLine).where(FeeStatementLine.statement_id.in_(statement_ids)).order_by(FeeStatementLine.id)
    )
    return _grouped(statement_ids, rows, lambda line: line.statement_id)


async def sign_offs_of(session: AsyncSession, document_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[SignOff]]:
    rows = await session.scalars(
        select(SignOff).where(SignOff.document_id.in_(document_ids)).order_by(SignOff.signed_at)
    )
    return _grouped(document_ids, rows, lambda sign_off: sign_off.document_id)


async def paid_on(session: AsyncSession, statement_ids: list[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
    found = {statement_id: Decimal("0.00") for statement_id in statement_ids}
    rows = await session.execute(
        select(FeePayout.statement_id, func.sum(FeePayout.amount))
        .where(FeePayout.statement_id.in_(statement_ids))
        .group_by(FeePayout.statement_id)
    )
    for statement_id, total in rows:
        found[statement_id] = total
    return found


async def collected(session: AsyncSession, pairs: set[tuple[str, date]]) -> dict[tuple[str, date], Decimal]:
    """回款 per (customer, month of purchases)."""
    if not pairs:
        return {}
    rows = await session.execute(
        select(FeeCollection.customer_id, FeeCollection.month, func.sum(FeeCollection.amount))
        .where(tuple_(FeeCollection.customer_id, FeeCollection.month).in_(list(pairs)))
        .group_by(FeeCollection.customer_id, FeeCollection.month)
    )
    return {(customer_id, month): total for customer_id, month, total in rows}


# Newest month first.
STATEMENT_KEYSET = Keyset((FeeStatement.month, FeeStatement.id), (date.fromisoformat, uuid.UUID))


def search_statements(sales_rep: str | None, month: date | None) -> Select[FeeStatement]:
    return where_given(select(FeeStatement), (FeeStatement.sales_rep, sales_rep), (FeeStatement.month, month))


async def get_advance(session: AsyncSession, advance_id: uuid.UUID, lock: bool = False) -> FeeAdvance | None:
    return await session.get(FeeAdvance, advance_id, with_for_update=lock)


# Newest request first.
ADVANCE_KEYSET = Keyset((FeeAdvance.requested_at, FeeAdvance.id), (datetime.fromisoformat, uuid.UUID))


def search_advances(sales_rep: str | None, status: str | None) -> Select[FeeAdvance]:
    return where_given(select(FeeAdvance), (FeeAdvance.sales_rep, sales_rep), (FeeAdvance.status, status))


async def outstanding_of(session: AsyncSession, rep_id: str) -> Decimal:
    amount = await session.scalar(select(SalesRepAccount.outstanding_advance).where(SalesRepAccount.rep_id == rep_id))
    return amount if amount is not None else Decimal("0.00")


async def get_special_fee(session: AsyncSession, request_id: uuid.UUID, lock: bool = False) -> SpecialFeeRequest | None:
    return await session.get(SpecialFeeRequest, request_id, with_for_update=lock)


# Newest request first.
SPECIAL_FEE_KEYSET = Keyset((SpecialFeeRequest.requested_at, SpecialFeeRequest.id), (datetime.fromisoformat, uuid.UUID))


def search_special_fees(sales_rep: str | None, customer_id: str | None) -> Select[SpecialFeeRequest]:
    return where_given(
        select(SpecialFeeRequest),
        (SpecialFeeRequest.sales_rep, sales_rep),
        (SpecialFeeRequest.customer_id, customer_id),
    )
