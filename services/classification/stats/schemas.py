"""Shapes of the incident statistics (CON management review)."""

from pydantic import BaseModel

from shared.schemas import MoneyOut


class IncidentMonth(BaseModel):
    month: str
    by_level: dict[str, int]
    losses: MoneyOut


class ModelQuantity(BaseModel):
    model: str
    quantity: int
    incidents: int


class DefectClassCount(BaseModel):
    defect_class: str | None
    count: int


class IncidentStats(BaseModel):
    months: list[IncidentMonth]
    worst_models: list[ModelQuantity]
    supplier_defects: list[DefectClassCount]
