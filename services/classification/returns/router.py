"""CLS-2 returns totals (HTTP only): what the thresholds are compared with."""

from fastapi import APIRouter

from services.classification.returns import repository
from services.classification.returns.schemas import ModelDateTotal, ShippedBatchTotal
from services.classification.roles import Reader
from shared.http.session import ReadSession
from shared.schemas import Day, ShortPath

router = APIRouter(prefix="/v1/returns", tags=["returns aggregates"])


@router.get("/model-dates/{model}/{production_date}", response_model=ModelDateTotal)
async def model_date_total(
    production_date: Day,
    session: ReadSession,
    _: Reader,
    model: ShortPath,
) -> ModelDateTotal:
    quantity, lines = await repository.model_date_total(session, model, production_date)
    return ModelDateTotal(model=model, production_date=production_date, quantity=quantity, lines=lines)


@router.get("/shipped-batches/{shipped_batch_no}", response_model=ShippedBatchTotal)
async def shipped_batch_total(
    session: ReadSession,
    _: Reader,
    shipped_batch_no: ShortPath,
) -> ShippedBatchTotal:
    quantity, lines = await repository.shipped_batch_total(session, shipped_batch_no)
    return ShippedBatchTotal(shipped_batch_no=shipped_batch_no, quantity=quantity, lines=lines)
