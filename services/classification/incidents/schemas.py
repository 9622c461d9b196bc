"""Incident shapes (SPEC §8) and the inputs of the quality department's decisions."""

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.classification.levels.rules import CauseCategory, Level, ProblemLevel
from shared.schemas import ChinaTime, Day, ListQuery, MoneyOut, Out, Page, Strict, Text, TextFilter


class ReasonOut(BaseModel):
    rule: str
    fact: str
    observed: Any
    threshold: Any


class IncidentOut(Out):
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


class IncidentReturnLineOut(Out):
    line_id: str
    model: str
    production_date: date
    batch_no: str
    shipped_batch_no: str
    quantity: int
    customer_id: str | None
    returned_at: ChinaTime | None


IncidentReturnLinePage = Page[IncidentReturnLineOut]
IncidentPage = Page[IncidentOut]


class IncidentQuery(ListQuery):
    """The filters of ``GET /v1/incidents``; ``q`` finds a substring of the model, description or
    shipped batch, ``source_id`` the incidents a complaint, report or return line opened or counts."""

    level: Level | None = None
    status: Literal["open", "closed"] | None = None
    model: TextFilter = None
    production_date: Day | None = None
    shipped_batch_no: TextFilter = None
    source_id: TextFilter = None
    emergency: bool | None = None
    q: TextFilter = None


class ReturnLinesQuery(ListQuery):
    """A page of the return lines an aggregate incident counts: 100 by default."""

    limit: int = Field(100, ge=1, le=500)


class HistoryEntryOut(Out):
    action: str
    actor: str
    at: ChinaTime
    detail: dict[str, Any]


class HistoryOut(Out):
    items: list[HistoryEntryOut]


class ReclassifyIn(Strict):
    """CLS-3: a manual reclassification always says why."""

    level: Level
    reason: Text


class ProblemLevelIn(Strict):
    """CLS-4."""

    problem_level: ProblemLevel
    reason: Text | None = None


class CauseIn(Strict):
    """CLS-5: the cause once found; the incident is routed to its department."""

    cause_category: CauseCategory
    reason: Text | None = None
