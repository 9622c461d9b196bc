"""CLS-6 shapes: supplier material disposition and concession deductions."""

import uuid
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, model_validator

from services.classification.suppliers.rules import ConcessionKind, Disposition, disposition_is_consistent
from shared.http.problems import refuse_impossible_time
from shared.schemas import ChinaTime, MoneyOut, Out, Strict, Text


class DispositionIn(Strict):
    disposition: Disposition
    concession_kind: ConcessionKind | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _kind_with_concession_only(self) -> Self:
        if not disposition_is_consistent(self.disposition, self.concession_kind):
            raise ValueError("a concession names its concession_kind; a return names none")
        return self


class DeductionIn(Strict):
    """Hours of extra work the concession caused (sorting, added parts, process, machining …)."""

    hours: Annotated[Decimal, Field(gt=0, le=100_000, max_digits=8, decimal_places=2)]
    occurred_at: ChinaTime
    note: Text | None = None

    @model_validator(mode="after")
    def occurred_already(self) -> Self:
        """CLS-6: the hours are charged once worked; a time ahead of now would count them in a month
        that has not come (SAN-7 totals deductions by the month they occurred in)."""
        refuse_impossible_time("occurred_at", self.occurred_at)
        return self


class DeductionOut(Out):
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


class SupplierIssueOut(Out):
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
