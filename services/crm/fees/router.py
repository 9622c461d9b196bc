"""Relationship-maintenance fee endpoints (CRM-6; HTTP only)."""

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.access import own_only
from services.crm.fees import repository, service
from services.crm.fees.schemas import (
    AdvanceIn,
    AdvanceOut,
    AdvancePage,
    AdvanceStatus,
    BudgetIn,
    BudgetList,
    BudgetOut,
    CollectionIn,
    CollectionOut,
    DeadlinesOut,
    PayoutOut,
    SignOffIn,
    SpecialFeeIn,
    SpecialFeeOut,
    SpecialFeePage,
    StatementIn,
    StatementOut,
    StatementPage,
)
from services.crm.schemas import IDENTIFIER, NO_NUL
from services.crm.settings import CrmSettings, crm_settings
from shared import clock
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.http.idempotency import IdempotencyKey, respond_once
from shared.http.pagination import decode_cursor, encode_cursor, invalid_cursor
from shared.schemas import Month, parse_month

router = APIRouter(tags=["fees"])

BUDGET_WRITERS = (Role.FINANCE, Role.ADMIN_DEPT)
FEE_READERS = (Role.SALES, Role.SALES_CLERK, Role.SALES_MANAGER, Role.FINANCE, Role.ADMIN_DEPT, Role.QUALITY_MANAGER)
FILERS = (Role.SALES,)
# CRM-6: each step needs its own role (STEP_ROLES); the service says which one a step needs.
SIGNERS = (Role.SALES_CLERK, Role.SALES_MANAGER, Role.FINANCE)
Product = Path(min_length=1, max_length=200, pattern=IDENTIFIER)
Year = Path(ge=2000, le=2100)


def _after_date(cursor: str | None) -> tuple[date, uuid.UUID] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return date.fromisoformat(values[0]), uuid.UUID(values[1])
    except (IndexError, TypeError, ValueError):
        raise invalid_cursor() from None


def _after_time(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return datetime.fromisoformat(values[0]), uuid.UUID(values[1])
    except (IndexError, TypeError, ValueError):
        raise invalid_cursor() from None


def scope_to_self(principal: Principal, sales_rep: str | None) -> str | None:
    """A sales rep's lists show only their own documents, whatever filter they ask for."""
    restricted_to = own_only(principal)
    return restricted_to if restricted_to is not None else sales_rep


# --- budgets -------------------------------------------------------------------------------------------


@router.put("/v1/fee-budgets/{product}/{year}", response_model=BudgetOut)
async def put_budget(
    payload: BudgetIn,
    product: str = Product,
    year: int = Year,
    principal: Principal = Depends(require_roles(*BUDGET_WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> BudgetOut:
    """CRM-6: the year's relationship-fee budget of one product."""
    async with sessions() as session, session.begin():
        return await service.put_budget(session, product, year, payload.amount, principal, clock.now())


@router.get("/v1/fee-budgets", response_model=BudgetList)
async def list_budgets(
    year: int | None = Query(None, ge=2000, le=2100),
    _: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> BudgetList:
    async with sessions() as session:
        return BudgetList(items=await service.budget_overview(session, year, clock.now()))


# --- statements ----------------------------------------------------------------------------------------


@router.get("/v1/fee-statements/deadlines/{month}", response_model=DeadlinesOut)
async def get_deadlines(
    month: Month,
    _: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> DeadlinesOut:
    """CRM-6: the month's statement is due by the 3rd working day of the next month, signed off by the
    8th, paid from the 9th — on the working-day calendar (holidays and 调休 included)."""
    async with sessions() as session:
        return await service.deadlines_of(session, month)


@router.post("/v1/fee-statements", status_code=201, response_model=StatementOut)
async def post_statement(
    payload: StatementIn,
    request: Request,
    principal: Principal = Depends(require_roles(*FILERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """《月客户采购及客情费统计表》 of a past month, by the sales rep."""
    now = clock.now()

    async def create(session: AsyncSession) -> tuple[int, object]:
        statement = await service.submit_statement(session, payload, principal, now)
        (out,) = await service.statements_out(session, [statement], now)
        return 201, out.model_dump(mode="json")

    return await respond_once(
        sessions, f"fee-statements:{principal.sub}", idempotency_key, await request.body(), create
    )


@router.get("/v1/fee-statements", response_model=StatementPage)
async def list_statements(
    sales_rep: str | None = Query(None, max_length=200, pattern=NO_NUL),
    month: Month | None = None,
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=200),
    principal: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> StatementPage:
    """Statements, newest month first; a sales rep sees only their own."""
    now = clock.now()
    async with sessions() as session:
        statements = await repository.search_statements(
            session,
            sales_rep=scope_to_self(principal, sales_rep),
            month=parse_month(month) if month else None,
            after=_after_date(cursor),
            limit=limit + 1,
        )
        page, more = statements[:limit], len(statements) > limit
        items = await service.statements_out(session, page, now)
    next_cursor = encode_cursor([page[-1].month.isoformat(), str(page[-1].id)]) if more else None
    return StatementPage(items=items, next_cursor=next_cursor)


@router.get("/v1/fee-statements/{statement_id}", response_model=StatementOut)
async def get_statement(
    statement_id: uuid.UUID,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> StatementOut:
    async with sessions() as session:
        statement = await service.readable_statement(session, statement_id, principal)
        (out,) = await service.statements_out(session, [statement], clock.now())
    return out


@router.post("/v1/fee-statements/{statement_id}/sign-offs", response_model=StatementOut)
async def sign_statement(
    payload: SignOffIn,
    statement_id: uuid.UUID,
    principal: Principal = Depends(require_roles(*SIGNERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> StatementOut:
    """CRM-6: sales clerk, sales manager, finance — in that order, by the 8th working day."""
    now = clock.now()
    async with sessions() as session, session.begin():
        statement = await service.sign_statement(session, statement_id, payload.step, principal, now)
        (out,) = await service.statements_out(session, [statement], now)
    return out


@router.post("/v1/fee-statements/{statement_id}/payouts", status_code=201, response_model=PayoutOut)
async def pay_statement(
    statement_id: uuid.UUID,
    principal: Principal = Depends(require_roles(Role.FINANCE)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> PayoutOut:
    """CRM-6: pays what collected payments cover and is not paid yet; from the 9th working day."""
    async with sessions() as session, session.begin():
        return service.payout_out(await service.pay_out(session, statement_id, principal, clock.now()))


@router.post("/v1/fee-collections", status_code=201, response_model=CollectionOut)
async def post_collection(
    payload: CollectionIn,
    request: Request,
    principal: Principal = Depends(require_roles(Role.FINANCE)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """回款: a customer's payment for a month's purchases; fees are paid out only against these."""

    async def create(session: AsyncSession) -> tuple[int, object]:
        collection = await service.record_collection(session, payload, principal, clock.now())
        return 201, service.collection_out(collection).model_dump(mode="json")

    return await respond_once(
        sessions, f"fee-collections:{principal.sub}", idempotency_key, await request.body(), create
    )


# --- advances ------------------------------------------------------------------------------------------


@router.post("/v1/fee-advances", status_code=201, response_model=AdvanceOut)
async def post_advance(
    payload: AdvanceIn,
    request: Request,
    principal: Principal = Depends(require_roles(*FILERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    settings: CrmSettings = Depends(crm_settings),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """CRM-6: 借支, at most 3,000 CNY outstanding per sales rep."""

    async def create(session: AsyncSession) -> tuple[int, object]:
        advance, outstanding = await service.request_advance(
            session, payload, principal, settings.advance_limit, clock.now()
        )
        return 201, service.advance_out(advance, outstanding).model_dump(mode="json")

    return await respond_once(sessions, f"fee-advances:{principal.sub}", idempotency_key, await request.body(), create)


@router.post("/v1/fee-advances/{advance_id}/settle", response_model=AdvanceOut)
async def settle_advance(
    advance_id: uuid.UUID,
    principal: Principal = Depends(require_roles(Role.FINANCE)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> AdvanceOut:
    """核销: finance clears an advance."""
    async with sessions() as session, session.begin():
        advance, outstanding = await service.settle_advance(session, advance_id, principal, clock.now())
    return service.advance_out(advance, outstanding)


@router.get("/v1/fee-advances", response_model=AdvancePage)
async def list_advances(
    sales_rep: str | None = Query(None, max_length=200, pattern=NO_NUL),
    status: AdvanceStatus | None = None,
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    principal: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> AdvancePage:
    rep = scope_to_self(principal, sales_rep)
    async with sessions() as session:
        advances = await repository.search_advances(
            session, sales_rep=rep, status=status.value if status else None, after=_after_time(cursor), limit=limit + 1
        )
        outstanding = await repository.outstanding_of(session, rep) if rep is not None else None
    page, more = advances[:limit], len(advances) > limit
    next_cursor = encode_cursor([page[-1].requested_at.isoformat(), str(page[-1].id)]) if more else None
    return AdvancePage(items=[service.advance_out(a) for a in page], outstanding=outstanding, next_cursor=next_cursor)


# --- special fees for new customers --------------------------------------------------------------------


@router.post("/v1/special-fee-requests", status_code=201, response_model=SpecialFeeOut)
async def post_special_fee(
    payload: SpecialFeeIn,
    request: Request,
    principal: Principal = Depends(require_roles(*FILERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """CRM-6: 《新客户特殊费用申请表》, refused once the customer's contract is signed."""

    async def create(session: AsyncSession) -> tuple[int, object]:
        created = await service.request_special_fee(session, payload, principal, clock.now())
        (out,) = await service.special_fees_out(session, [created])
        return 201, out.model_dump(mode="json")

    return await respond_once(sessions, f"special-fees:{principal.sub}", idempotency_key, await request.body(), create)


@router.get("/v1/special-fee-requests", response_model=SpecialFeePage)
async def list_special_fees(
    sales_rep: str | None = Query(None, max_length=200, pattern=NO_NUL),
    customer_id: str | None = Query(None, max_length=200, pattern=NO_NUL),
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    principal: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SpecialFeePage:
    async with sessions() as session:
        found = await repository.search_special_fees(
            session,
            sales_rep=scope_to_self(principal, sales_rep),
            customer_id=customer_id,
            after=_after_time(cursor),
            limit=limit + 1,
        )
        page, more = found[:limit], len(found) > limit
        items = await service.special_fees_out(session, page)
    next_cursor = encode_cursor([page[-1].requested_at.isoformat(), str(page[-1].id)]) if more else None
    return SpecialFeePage(items=items, next_cursor=next_cursor)


@router.get("/v1/special-fee-requests/{request_id}", response_model=SpecialFeeOut)
async def get_special_fee(
    request_id: uuid.UUID,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SpecialFeeOut:
    async with sessions() as session:
        found = await service.readable_special_fee(session, request_id, principal)
        (out,) = await service.special_fees_out(session, [found])
    return out


@router.post("/v1/special-fee-requests/{request_id}/sign-offs", response_model=SpecialFeeOut)
async def sign_special_fee(
    payload: SignOffIn,
    request_id: uuid.UUID,
    principal: Principal = Depends(require_roles(*SIGNERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SpecialFeeOut:
    async with sessions() as session, session.begin():
        signed = await service.sign_special_fee(session, request_id, payload.step, principal, clock.now())
        (out,) = await service.special_fees_out(session, [signed])
    return out
