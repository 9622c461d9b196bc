"""Customer endpoints (HTTP only)."""

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.complaints import service as complaints
from services.crm.customers import repository, service
from services.crm.customers.rules import OwnerLevel, Tier
from services.crm.customers.schemas import CustomerIn, CustomerOut, CustomerPage, TierHistory
from services.crm.schemas import IDENTIFIER, NO_NUL
from services.crm.settings import CrmSettings, crm_settings
from shared import clock
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem, not_found
from shared.http.pagination import decode_cursor, encode_cursor
from shared.workcalendar import CHINA

router = APIRouter(prefix="/v1/customers", tags=["customers"])

# SPEC §7: which fields each of them may set is decided per field (customers/rules.py).
WRITERS = (Role.SALES, Role.SALES_MANAGER, Role.ADMIN_DEPT, Role.ERP)
READERS = (*WRITERS, Role.SALES_CLERK, Role.QUALITY_MANAGER, Role.CUSTOMER_SERVICE, Role.FINANCE)
CustomerIdPath = Path(min_length=1, max_length=200, pattern=IDENTIFIER)


@router.put("/{customer_id}", response_model=CustomerOut)
async def put_customer(
    payload: CustomerIn,
    customer_id: str = CustomerIdPath,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    settings: CrmSettings = Depends(crm_settings),
) -> CustomerOut:
    """CRM-1…CRM-4: creates the customer or sets the fields the body gives (a field left out keeps
    its value); tier, ownership and class are computed. SPEC §7: a field the caller may not set must
    repeat its stored value, else 403 `field_not_permitted` naming every such field."""
    today = clock.now().astimezone(CHINA).date()
    async with sessions() as session, session.begin():
        customer, revenues = await service.upsert_customer(
            session, customer_id, payload, principal, settings.vip_coefficients(), today
        )
        return service.to_out(customer, revenues)


@router.get("/{customer_id}", response_model=CustomerOut)
async def get_customer(
    customer_id: str = CustomerIdPath,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CustomerOut:
    """The customer view, with its complaints (CRM-7)."""
    async with sessions() as session:
        customer = await repository.get(session, customer_id)
        if customer is None:
            raise not_found("customer", customer_id)
        revenues = await repository.revenues_of(session, [customer_id])
        summary = await complaints.summary_of(session, customer_id)
    return service.to_out(customer, revenues[customer_id], summary)


@router.get("/{customer_id}/tier-history", response_model=TierHistory)
async def get_tier_history(
    customer_id: str = CustomerIdPath,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> TierHistory:
    """CRM-3: every tier the customer had, oldest first."""
    async with sessions() as session:
        if await repository.get(session, customer_id) is None:
            raise not_found("customer", customer_id)
        changes = await repository.tier_history(session, customer_id)
    return TierHistory(customer_id=customer_id, items=[service.history_out(change) for change in changes])


def _after(cursor: str | None) -> str | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    if len(values) != 1 or not isinstance(values[0], str):
        raise Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned")
    return values[0]


@router.get("", response_model=CustomerPage)
async def list_customers(
    tier: Tier | None = None,
    customer_class: str | None = Query(None, alias="class", pattern="^[ABCD]$"),
    province: str | None = Query(None, max_length=100, pattern=NO_NUL),
    city: str | None = Query(None, max_length=100, pattern=NO_NUL),
    county: str | None = Query(None, max_length=100, pattern=NO_NUL),
    owner: str | None = Query(None, max_length=200, pattern=NO_NUL, description="the sales owner (rep id)"),
    owner_level: OwnerLevel | None = None,
    q: str | None = Query(None, min_length=1, max_length=200, pattern=NO_NUL, description="part of the name"),
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CustomerPage:
    async with sessions() as session:
        customers = await repository.search(
            session,
            tier=tier.value if tier else None,
            customer_class=customer_class,
            province=province,
            city=city,
            county=county,
            owner=owner,
            owner_level=owner_level.value if owner_level else None,
            name=q,
            after=_after(cursor),
            limit=limit + 1,
        )
        page, more = customers[:limit], len(customers) > limit
        revenues = await repository.revenues_of(session, [customer.id for customer in page])
    return CustomerPage(
        items=[service.to_out(customer, revenues[customer.id]) for customer in page],
        next_cursor=encode_cursor([page[-1].id]) if more else None,
    )
