"""Incident shapes (SPEC §8) and the inputs of the quality department's decisions."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainSerializer

from services.classification.levels.rules import CauseCategory, Level, ProblemLevel
from shared.schemas import ChinaTime, Day, Strict

Reason = Annotated[str, Field(min_length=1, max_length=4000)]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json")]


class ReasonOut(BaseModel):
    rule: str
    fact: str
    observed: Any
    threshold: Any


class IncidentOut(BaseModel):
    id: uuid.UUID
    level: str
    status: str
    origin: str
    reasons: list[ReasonOut]
    source_ids: list[str] = Field(description="the first 100 sources by id; an aggregate's return lines are paged")
    source_count: int = Field(description="every source, return lines included")
    rule_version: int
    rate_missing: bool
    level_set_manually: bool
    problem_level: str | None
    cause_category: str | None
    responsible_department: str | None
    responsible_head: str | None
    model: str | None
    production_date: Day | None
    shipped_batch_no: str | None
    report_kind: str | None
    production_line: str | None
    quantity: int | None
    loss_amount: MoneyOut | None
    personal_injury: bool
    reputation_damage: bool
    customer_id: str | None
    description: str | None
    emergency: bool
    emergency_triggers: list[ReasonOut]
    zeroing_required: bool
    closed_by: str | None
    closed_at: ChinaTime | None
    closing_summary: str | None
    created_at: ChinaTime
    updated_at: ChinaTime


class IncidentReturnLineOut(BaseModel):
    line_id: str
    model: str
    production_date: date
    batch_no: str
    shipped_batch_no: str
    quantity: int
    customer_id: str | None
    returned_at: ChinaTime | None


class IncidentReturnLinePage(BaseModel):
    items: list[IncidentReturnLineOut]
    next_cursor: str | None = None


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    next_cursor: str | None = None


class HistoryEntryOut(BaseModel):
    action: str
    actor: str
    at: ChinaTime
    detail: dict[str, Any]


class HistoryOut(BaseModel):
    items: list[HistoryEntryOut]


class ReclassifyIn(Strict):
    """CLS-3: a manual reclassification always says why."""

    level: Level
    reason: Reason


class ProblemLevelIn(Strict):
    """CLS-4."""

    problem_level: ProblemLevel
    reason: Reason | None = None


class CauseIn(Strict):
    """CLS-5: the cause once found; the incident is routed to its department."""

    cause_category: CauseCategory
    reason: Reason | None = None
