"""Monthly summary shapes (SAN-5)."""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, StrictBool, model_validator

from shared.schemas import ChinaTime, MoneyOut, Strict


class CloseIn(Strict):
    """SAN-5: a month is closed once it has ended; closing the running month needs force and a reason."""

    force: StrictBool = False
    reason: Annotated[str, Field(min_length=1, max_length=2000)] | None = None

    @model_validator(mode="after")
    def forced_with_a_reason(self) -> Self:
        if self.force != (self.reason is not None):
            raise ValueError("a forced close needs its reason, and only a forced close carries one")
        return self


class PersonLineOut(BaseModel):
    employee_id: str
    employee_name: str | None
    department: str | None
    rewards: MoneyOut
    penalties: MoneyOut
    compensation: MoneyOut
    net: MoneyOut
    dismissals: int
    notice_count: int


class DepartmentTotalOut(BaseModel):
    department: str
    department_name: str
    rewards: MoneyOut
    penalties: MoneyOut
    compensation: MoneyOut
    net: MoneyOut
    people: int


class TotalsOut(BaseModel):
    rewards: MoneyOut
    penalties: MoneyOut
    compensation: MoneyOut
    net: MoneyOut
    people: int
    notice_count: int


class SummaryOut(BaseModel):
    """An open month is a live preview of its stamped notices; a closed month is fixed."""

    month: str
    status: Literal["open", "closed"]
    closed_by: str | None = None
    closed_at: ChinaTime | None = None
    # Why the month was closed before it ended (a forced close), kept with the summary.
    force_reason: str | None = None
    people: list[PersonLineOut]
    departments: list[DepartmentTotalOut]
    totals: TotalsOut
