"""Monthly summary shapes (SAN-5)."""

from typing import Literal

from pydantic import BaseModel

from services.sanctions.clauses.schemas import MoneyOut
from shared.http.times import ChinaTime


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
    people: list[PersonLineOut]
    departments: list[DepartmentTotalOut]
    totals: TotalsOut
