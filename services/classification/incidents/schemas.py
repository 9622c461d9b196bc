import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel


class Reason(BaseModel):
    rule: str
    fact: str
    observed: Any
    threshold: Any


class IncidentOut(BaseModel):
    id: uuid.UUID
    level: str
    status: str
    origin: str
    reasons: list[Reason]
    source_ids: list[str]
    rule_version: int
    model: str | None
    production_date: date | None
    shipped_batch_no: str | None
    description: str | None
    created_at: datetime
    updated_at: datetime


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    next_cursor: str | None = None
