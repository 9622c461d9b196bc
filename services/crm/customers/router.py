"""Customer endpoints (HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.crm.complaints import service as complaints
from services.crm.customers import repository, service
from services.crm.customers.schemas import CustomerIn, CustomerOut, CustomerPage, CustomerQuery, TierHistory
from services.crm.schemas import IdentifierPath
from services.crm.settings import CrmSettings, crm_settings
from shared import clock
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession
from shared.workcalendar import CHINA

router = APIRouter(prefix="/v1/customers", tags=["customers"])

# SPEC §7: which fields each of them may set is decided per field (customers/rules.py).
WRITERS = (Role.SALES, Role.SALES_MANAGER, Role.ADMIN_DEPT, Role.ERP)
READERS = (*WRITERS, Role.SALES_CLERK, Role.QUALITY_MANAGER, Role.CUSTOMER_SERVICE, Role.FINANCE)
Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.put("/{customer_id}", response_model=CustomerOut)
async def put_customer(
    payload: CustomerIn,
    session: WriteSession,
    principal: Writer,
    customer_id: IdentifierPath,
    settings: CrmSettings = Depends(crm_settings),
) -> CustomerOut:
    """CRM-1…CRM-4: creates the customer or sets the fields the body gives (a field left out keeps
    its value); tier, ownership and class are computed. SPEC §7: a field the caller may not set must
    repeat its stored value, else 403 `field_not_permitted` naming every such field."""
    today = clock.now().astimezone(CHINA).date()
    customer, revenues = await service.upsert_customer(
        session, customer_id, payload, principal, settings.vip_coefficients(), today
    )
    return CustomerOut.of(customer, revenues)


@router.get("/{customer_id}", response_model=CustomerOut)
async def get_customer(
    session: ReadSession,
    _: Reader,
    customer_id: IdentifierPath,
) -> CustomerOut:
    """The customer view, with its complaints (CRM-7)."""
    customer = await service.customer_of(session, customer_id)
    revenues = await repository.revenues_of(session, [customer_id])
    return CustomerOut.of(customer, revenues[customer_id], await complaints.summary_of(session, customer_id))


@router.get("/{customer_id}/tier-history", response_model=TierHistory)
async def get_tier_history(
    session: ReadSession,
    _: Reader,
    customer_id: IdentifierPath,
) -> TierHistory:
    """CRM-3: every tier the customer had, oldest first."""
    await service.customer_of(session, customer_id)
    changes = await repository.tier_history(session, customer_id)
    return TierHistory.model_validate({"customer_id": customer_id, "items": changes})


@router.get("", response_model=CustomerPage)
async def list_customers(
    session: ReadSession,
    _: Reader,
    query: Annotated[CustomerQuery, Query()],
) -> Paged[CustomerOut]:
    page = await page_of(session, repository.search(query), repository.KEYSET, query)
    revenues = await repository.revenues_of(session, [customer.id for customer in page.items])
    return page.map(lambda customer: CustomerOut.of(customer, revenues[customer.id]))
