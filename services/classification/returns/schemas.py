from pydantic import BaseModel

from shared.schemas import Day


class ModelDateTotal(BaseModel):
    model: str
    production_date: Day
    quantity: int
    lines: int


class ShippedBatchTotal(BaseModel):
    shipped_batch_no: str
    quantity: int
    lines: int
