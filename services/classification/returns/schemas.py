from datetime import date

from pydantic import BaseModel


class ModelDateTotal(BaseModel):
    model: str
    production_date: date
    quantity: int
    lines: int


class ShippedBatchTotal(BaseModel):
    shipped_batch_no: str
    quantity: int
    lines: int
