"""Deliveries for operations (HTTP only; NTF-4: ops): what failed, and sending it again."""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from services.notify.deliveries import repository
from services.notify.deliveries.models import Delivery
from services.notify.deliveries.schemas import DeliveryOut, DeliveryPage
from services.notify.roles import Operations
from shared.errors import conflict, found
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession
from shared.schemas import Limit

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])

DeliveryCursor = Annotated[str | None, Query(max_length=100, pattern=r"^[A-Za-z0-9_-]*$")]


@router.get("", response_model=DeliveryPage, responses={400: {"description": "invalid cursor"}})
async def list_deliveries(
    session: ReadSession,
    _: Operations,
    status: Literal["pending", "sent", "failed"] | None = Query(None),
    cursor: DeliveryCursor = None,
    limit: Limit = 50,
) -> Paged[Delivery]:
    """Deliveries in the order they were made; ``status=failed`` lists those that gave up."""
    return await page_of(session, repository.search(status), repository.KEYSET, cursor, limit)


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
