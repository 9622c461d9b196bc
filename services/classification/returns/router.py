"""CLS-2 returns totals (HTTP only): what the thresholds are compared with."""

from fastapi import APIRouter, Depends, Path
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.returns import repository
from services.classification.returns.schemas import ModelDateTotal, ShippedBatchTotal
from services.classification.roles import READERS
from shared.app import sessions_of
from shared.auth import Principal, require_roles
from shared.schemas import Day

router = APIRouter(prefix="/v1/returns", tags=["returns aggregates"])


@router.get("/model-dates/{model}/{production_date}", response_model=ModelDateTotal)
async def model_date_total(
    production_date: Day,
    model: str = Path(min_length=1, max_length=200),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ModelDateTotal:
    async with sessions() as session:
        quantity, lines = await repository.model_date_total(session, model, production_date)
    return ModelDateTotal(model=model, production_date=production_date, quantity=quantity, lines=lines)


@router.get("/shipped-batches/{shipped_batch_no}", response_model=ShippedBatchTotal)
async def shipped_batch_total(
    shipped_batch_no: str = Path(min_length=1, max_length=200),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ShippedBatchTotal:
    async with sessions() as session:
        quantity, lines = await repository.shipped_batch_total(session, shipped_batch_no)
    return ShippedBatchTotal(shipped_batch_no=shipped_batch_no, quantity=quantity, lines=lines)
