"""Relationship-maintenance fee endpoints (CRM-6; HTTP only)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.access import own_only
from services.crm.fees import repository, service
from services.crm.fees.models import FeeAdvance, FeeCollection, FeePayout, FeeStatement, SpecialFeeRequest
from services.crm.fees.schemas import (
    AdvanceIn,
    AdvanceOut,
    AdvancePage,
    AdvanceQuery,
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
    SpecialFeeQuery,
    StatementIn,
    StatementOut,
    StatementPage,
    StatementQuery,
)
from services.crm.schemas import IdentifierPath
from services.crm.settings import CrmSettings, crm_settings
from shared import clock
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession, creates_once
from shared.schemas import Month, parse_month

router = APIRouter(tags=["fees"])

BUDGET_WRITERS = (Role.FINANCE, Role.ADMIN_DEPT)
FEE_READERS = (Role.SALES, Role.SALES_CLERK, Role.SALES_MANAGER, Role.FINANCE, Role.ADMIN_DEPT, Role.QUALITY_MANAGER)
FILERS = (Role.SALES,)
# CRM-6: each step needs its own role (STEP_ROLES); the service says which one a step needs.
SIGNERS = (Role.SALES_CLERK, Role.SALES_MANAGER, Role.FINANCE)
Year = Path(ge=2000, le=2100)
BudgetWriter = Annotated[Principal, Depends(require_roles(*BUDGET_WRITERS))]
FeeReader = Annotated[Principal, Depends(require_roles(*FEE_READERS))]
Filer = Annotated[Principal, Depends(require_roles(*FILERS))]
Signer = Annotated[Principal, Depends(require_roles(*SIGNERS))]
Finance = Annotated[Principal, Depends(require_roles(Role.FINANCE))]


def scope_to_self(principal: Principal, sales_rep: str | None) -> str | None:
    """A sales rep's lists show only their own documents, whatever filter they ask for."""
    restricted_to = own_only(principal)
    return restricted_to if restricted_to is not None else sales_rep


async def _statement_out(session: AsyncSession, statement: FeeStatement, now: datetime) -> StatementOut:
    (out,) = await service.statements_out(session, [statement], now)
    return out


async def _special_fee_out(session: AsyncSession, request: SpecialFeeRequest) -> SpecialFeeOut:
    (out,) = await service.special_fees_out(session, [request])
    return out


# --- budgets -------------------------------------------------------------------------------------------


@router.put("/v1/fee-budgets/{product}/{year}", response_model=BudgetOut)
async def put_budget(
    payload: BudgetIn,
    session: WriteSession,
    principal: BudgetWriter,
    product: IdentifierPath,
    year: int = Year,
) -> BudgetOut:
    """CRM-6: the year's relationship-fee budget of one product."""
    return await service.put_budget(session, product, year, payload.amount, principal, clock.now())


@router.get("/v1/fee-budgets", response_model=BudgetList)
async def list_budgets(
    session: ReadSession,
    _: FeeReader,
    year: int | None = Query(None, ge=2000, le=2100),
) -> BudgetList:
    return BudgetList(items=await service.budget_overview(session, year, clock.now()))


# --- statements ----------------------------------------------------------------------------------------


@router.get("/v1/fee-statements/deadlines/{month}", response_model=DeadlinesOut)
async def get_deadlines(
    month: Month,
    session: ReadSession,
    _: FeeReader,
) -> DeadlinesOut:
    """CRM-6: the month's statement is due by the 3rd working day of the next month, signed off by the
    8th, paid from the 9th — on the working-day calendar (holidays and 调休 included)."""
    return await service.deadlines_of(session, month)


@router.post("/v1/fee-statements", status_code=201, response_model=StatementOut)
@creates_once("fee-statements")
async def post_statement(
    payload: StatementIn,
    session: WriteSession,
    principal: Filer,
) -> StatementOut:
    """《月客户采购及客情费统计表》 of a past month, by the sales rep."""
    now = clock.now()
    statement = await service.submit_statement(session, payload, principal, now)
    return await _statement_out(session, statement, now)


@router.get("/v1/fee-statements", response_model=StatementPage)
async def list_statements(
    session: ReadSession,
    principal: FeeReader,
    query: Annotated[StatementQuery, Query()],
) -> Paged[StatementOut]:
    """Statements, newest month first; a sales rep sees only their own."""
    month = parse_month(query.month) if query.month else None
    statements = repository.search_statements(scope_to_self(principal, query.sales_rep), month)
    page = await page_of(session, statements, repository.STATEMENT_KEYSET, query)
    return Paged(await service.statements_out(session, page.items, clock.now()), page.next_cursor)


@router.get("/v1/fee-statements/{statement_id}", response_model=StatementOut)
async def get_statement(
    statement_id: uuid.UUID,
    session: ReadSession,
    principal: FeeReader,
) -> StatementOut:
    statement = await service.readable_statement(session, statement_id, principal)
    return await _statement_out(session, statement, clock.now())


@router.post("/v1/fee-statements/{statement_id}/sign-offs", response_model=StatementOut)
async def sign_statement(
    payload: SignOffIn,
    statement_id: uuid.UUID,
    session: WriteSession,
    principal: Signer,
) -> StatementOut:
    """CRM-6: sales clerk, sales manager, finance — in that order, by the 8th working day."""
    now = clock.now()
    statement = await service.sign_statement(session, statement_id, payload.step, principal, now)
    return await _statement_out(session, statement, now)


@router.post("/v1/fee-statements/{statement_id}/payouts", status_code=201, response_model=PayoutOut)
async def pay_statement(
    statement_id: uuid.UUID,
    session: WriteSession,
    principal: Finance,
) -> FeePayout:
    """CRM-6: pays what collected payments cover and is not paid yet; from the 9th working day."""
    return await service.pay_out(session, statement_id, principal, clock.now())


@router.post("/v1/fee-collections", status_code=201, response_model=CollectionOut)
@creates_once("fee-collections")
async def post_collection(
    payload: CollectionIn,
    session: WriteSession,
    principal: Finance,
) -> FeeCollection:
    """回款: a customer's payment for a month's purchases; fees are paid out only against these."""
    return await service.record_collection(session, payload, principal, clock.now())


# --- advances ------------------------------------------------------------------------------------------


@router.post("/v1/fee-advances", status_code=201, response_model=AdvanceOut)
@creates_once("fee-advances")
async def post_advance(
    payload: AdvanceIn,
    session: WriteSession,
    principal: Filer,
    settings: CrmSettings = Depends(crm_settings),
) -> AdvanceOut:
    """CRM-6: 借支, at most 3,000 CNY outstanding per sales rep."""
    advance, outstanding = await service.request_advance(
        session, payload, principal, settings.advance_limit, clock.now()
    )
    return AdvanceOut.of(advance, outstanding)


@router.post("/v1/fee-advances/{advance_id}/settle", response_model=AdvanceOut)
async def settle_advance(
    advance_id: uuid.UUID,
    session: WriteSession,
    principal: Finance,
) -> AdvanceOut:
    """核销: finance clears an advance."""
    return AdvanceOut.of(*await service.settle_advance(session, advance_id, principal, clock.now()))


@router.get("/v1/fee-advances", response_model=AdvancePage)
async def list_advances(
    session: ReadSession,
    principal: FeeReader,
    query: Annotated[AdvanceQuery, Query()],
) -> AdvancePage:
    rep = scope_to_self(principal, query.sales_rep)
    advances = repository.search_advances(rep, query.status)
    page: Paged[FeeAdvance] = await page_of(session, advances, repository.ADVANCE_KEYSET, query)
    outstanding = await repository.outstanding_of(session, rep) if rep is not None else None
    return AdvancePage(items=page.items, next_cursor=page.next_cursor, outstanding=outstanding)


# --- special fees for new customers --------------------------------------------------------------------


@router.post("/v1/special-fee-requests", status_code=201, response_model=SpecialFeeOut)
@creates_once("special-fees")
async def post_special_fee(
    payload: SpecialFeeIn,
    session: WriteSession,
    principal: Filer,
) -> SpecialFeeOut:
    """CRM-6: 《新客户特殊费用申请表》, refused once the customer's contract is signed."""
    created = await service.request_special_fee(session, payload, principal, clock.now())
    return await _special_fee_out(session, created)


@router.get("/v1/special-fee-requests", response_model=SpecialFeePage)
async def list_special_fees(
    session: ReadSession,
    principal: FeeReader,
    query: Annotated[SpecialFeeQuery, Query()],
) -> Paged[SpecialFeeOut]:
    requests = repository.search_special_fees(scope_to_self(principal, query.sales_rep), query.customer_id)
    page = await page_of(session, requests, repository.SPECIAL_FEE_KEYSET, query)
    return Paged(await service.special_fees_out(session, page.items), page.next_cursor)


@router.get("/v1/special-fee-requests/{request_id}", response_model=SpecialFeeOut)
async def get_special_fee(
    request_id: uuid.UUID,
    session: ReadSession,
    principal: FeeReader,
) -> SpecialFeeOut:
    return await _special_fee_out(session, await service.readable_special_fee(session, request_id, principal))


@router.post("/v1/special-fee-requests/{request_id}/sign-offs", response_model=SpecialFeeOut)
async def sign_special_fee(
    payload: SignOffIn,
    request_id: uuid.UUID,
    session: WriteSession,
    principal: Signer,
) -> SpecialFeeOut:
    signed = await service.sign_special_fee(session, request_id, payload.step, principal, clock.now())
    return await _special_fee_out(session, signed)
