"""Complaints of a customer (CRM-7; HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.crm.complaints import repository
from services.crm.complaints.models import CustomerComplaint
from services.crm.complaints.schemas import CustomerComplaintPage
from services.crm.schemas import IdentifierPath
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession
from shared.schemas import ListQuery

router = APIRouter(prefix="/v1/customers", tags=["complaints"])

READERS = (Role.SALES, Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.CUSTOMER_SERVICE, Role.FINANCE)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.get("/{customer_id}/complaints", response_model=CustomerComplaintPage)
async def list_customer_complaints(
    session: ReadSession,
    _: Reader,
    customer_id: IdentifierPath,
    query: Annotated[ListQuery, Query()],
) -> Paged[CustomerComplaint]:
    """The customer's complaints as intake reported them, newest first."""
    return await page_of(session, repository.of_customer(customer_id), repository.KEYSET, query)
