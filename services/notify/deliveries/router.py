"""Deliveries for operations (HTTP only; NTF-4: ops): what failed, and sending it again."""

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.deliveries import repository
from services.notify.deliveries.models import Delivery
from services.notify.deliveries.schemas import DeliveryOut, DeliveryPage
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.errors import conflict, not_found
from shared.http.pagination import decode_keyset, encode_cursor

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


def _out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut.model_validate(delivery, from_attributes=True)


@router.get("", response_model=DeliveryPage, responses={400: {"description": "invalid cursor"}})
async def list_deliveries(
    status: Literal["pending", "sent", "failed"] | None = Query(None),
    cursor: str | None = Query(None, max_length=100, pattern=r"^[A-Za-z0-9_-]*$"),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(Role.OPS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> DeliveryPage:
    """Deliveries in the order they were made; ``status=failed`` lists those that gave up."""
    after = decode_keyset(cursor, int)
    async with sessions() as session:
        found = await repository.page(session, status, after[0] if after else None, limit + 1)
    page, more = found[:limit], len(found) > limit
    next_cursor = encode_cursor([page[-1].id]) if more and page else None
    return DeliveryPage(items=[_out(d) for d in page], next_cursor=next_cursor)


@router.post(
    "/{delivery_id}/retry",
    response_model=DeliveryOut,
    responses={404: {"description": "no such delivery"}, 409: {"description": "not failed"}},
)
async def retry_delivery(
    delivery_id: int = Path(ge=1, le=2**63 - 1),
    _: Principal = Depends(require_roles(Role.OPS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> DeliveryOut:
    """Puts a failed delivery back in the queue, with its attempts counted afresh."""
    async with sessions() as session, session.begin():
        delivery = await repository.retry_now(session, delivery_id)
        if delivery is None:
            existing = await repository.get(session, delivery_id)
            if existing is None:
                raise not_found("delivery", str(delivery_id))
            raise conflict("delivery_not_failed", f"delivery {delivery_id} is {existing.status}, not failed")
    return _out(delivery)
