"""Deliveries for operations (HTTP only; NTF-4: ops): what failed, and sending it again."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from services.notify.deliveries import repository
from services.notify.deliveries.models import Delivery
from services.notify.deliveries.schemas import DeliveryOut, DeliveryPage, DeliveryQuery
from services.notify.roles import Operations
from shared.errors import conflict, found
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


@router.get("", response_model=DeliveryPage, responses={400: {"description": "invalid cursor"}})
async def list_deliveries(
    session: ReadSession,
    _: Operations,
    query: Annotated[DeliveryQuery, Query()],
) -> Paged[Delivery]:
    """Deliveries in the order they were made; ``status=failed`` lists those that gave up."""
    return await page_of(session, repository.search(query.status), repository.KEYSET, query)


@router.post(
    "/{delivery_id}/retry",
    response_model=DeliveryOut,
    responses={404: {"description": "no such delivery"}, 409: {"description": "not failed"}},
)
async def retry_delivery(
    session: WriteSession,
    _: Operations,
    delivery_id: int = Path(ge=1, le=2**63 - 1),
) -> Delivery:
    """Puts a failed delivery back in the queue, with its attempts counted afresh."""
    delivery = await repository.retry_now(session, delivery_id)
    if delivery is not None:
        return delivery
    existing = found(await repository.get(session, delivery_id), "delivery", delivery_id)
    raise conflict("delivery_not_failed", f"delivery {delivery_id} is {existing.status}, not failed")
