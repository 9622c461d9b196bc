"""Shop-floor report shapes of SPEC §8 (REP-1, CLS-5, CLS-6)."""

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StrictBool, model_validator

from services.intake.reports.rules import ReportFacts, report_problems
from shared.http.problems import refuse_impossible_time
from shared.schemas import (
    WHOLE,
    ChinaTime,
    ListQuery,
    MoneyIn,
    MoneyOut,
    Out,
    Page,
    Short,
    Strict,
    TextFilter,
)


class ReportKind(StrEnum):
    SCRAP = "scrap"
    REWORK = "rework"
    NONCONFORMITY = "nonconformity"
    SUPPLIER_MATERIAL = "supplier_material"
    CUSTOMER_INJURY = "customer_injury"
    REPUTATION = "reputation"


class CauseCategory(StrEnum):
    """CLS-5 人机料法环."""

    MAN = "man"
    MACHINE = "machine"
    MATERIAL = "material"
    METHOD = "method"
    ENVIRONMENT = "environment"
    OTHER = "other"


class DefectClass(StrEnum):
    """CLS-6: A critical, B important, C general characteristic."""

    A = "A"
    B = "B"
    C = "C"


class DefectType(StrEnum):
    APPEARANCE = "appearance"
    PERFORMANCE = "performance"


class ReportIn(Strict):
    kind: ReportKind
    model: Short
    quantity: Annotated[int, Field(strict=True, ge=0, le=10_000_000), WHOLE]
    production_line: Short | None = None
    shift: Short | None = None
    loss_amount: MoneyIn = Decimal("0.00")
    personal_injury: StrictBool | None = None
    reputation_impact: StrictBool | None = None
    cause_category: CauseCategory | None = None
    description: Annotated[str, Field(min_length=1, max_length=4000)]
    reported_by: Short | None = None
    department: Short | None = None
    occurred_at: ChinaTime
    supplier: Short | None = None
    defect_class: DefectClass | None = None
    defect_type: DefectType | None = None

    @model_validator(mode="after")
    def kind_fields_agree(self) -> Self:
        problems = report_problems(
            ReportFacts(
                kind=self.kind.value,
                quantity=self.quantity,
                personal_injury=self.personal_injury,
                reputation_impact=self.reputation_impact,
                supplier=self.supplier,
                defect_class=self.defect_class.value if self.defect_class else None,
                defect_type=self.defect_type.value if self.defect_type else None,
            )
        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def occurred_in_the_past(self) -> Self:
        refuse_impossible_time("occurred_at", self.occurred_at)
        return self


class ReportOut(Out):
    id: uuid.UUID
    kind: ReportKind
    model: str
    quantity: int
    production_line: str | None
    shift: str | None
    loss_amount: MoneyOut
    personal_injury: bool
    reputation_impact: bool
    cause_category: CauseCategory | None
    description: str
    reported_by: str
    department: str | None
    occurred_at: ChinaTime
    supplier: str | None
    defect_class: DefectClass | None
    defect_type: DefectType | None
    filed_by: str
    created_at: ChinaTime


ReportPage = Page[ReportOut]


class ReportQuery(ListQuery):
    """The filters of ``GET /v1/incident-reports``; occurred within ``[occurred_from, occurred_to)``."""

    kind: ReportKind | None = None
    model: TextFilter = None
    supplier: TextFilter = None
    department: TextFilter = None
    occurred_from: ChinaTime | None = None
    occurred_to: ChinaTime | None = None
