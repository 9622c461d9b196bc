"""CLS-6 shapes: supplier material disposition and concession deductions."""

import uuid
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, Field, PlainSerializer, model_validator

from services.classification.suppliers.rules import ConcessionKind, Disposition, disposition_is_consistent
from shared.schemas import ChinaTime, Strict

MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json")]
Note = Annotated[str, Field(min_length=1, max_length=4000)]


class DispositionIn(Strict):
    disposition: Disposition
    concession_kind: ConcessionKind | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _kind_with_concession_only(self) -> Self:
        if not disposition_is_consistent(self.disposition, self.concession_kind):
            raise ValueError("a concession names its concession_kind; a return names none")
        return self


class DeductionIn(Strict):
    """Hours of extra work the concession caused (sorting, added parts, process, machining …)."""

    hours: Annotated[Decimal, Field(gt=0, le=100_000, max_digits=8, decimal_places=2)]
    occurred_at: ChinaTime
    note: Note | None = None


class DeductionOut(BaseModel):
    id: uuid.UUID
    incident_id: uuid.UUID
    supplier: str
    concession_kind: str
    hours: MoneyOut
    rate_per_hour: MoneyOut
    amount: MoneyOut
    note: str | None
    recorded_by: str
    occurred_at: ChinaTime


class SupplierIssueOut(BaseModel):
    incident_id: uuid.UUID
    supplier: str
    defect_class: str | None
    defect_type: str | None
    disposition: str | None
    concession_kind: str | None
    decided_by: str | None
    decided_at: ChinaTime | None
    note: str | None
    deductions: list[DeductionOut]
    deducted_total: MoneyOut
