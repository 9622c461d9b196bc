"""Violation and notice shapes of SPEC §8 (SAN-2, SAN-3, SAN-4)."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StrictBool, field_validator, model_validator

from services.sanctions.clauses.schemas import ClauseCode, ClauseMoneyIn, VariantName
from services.sanctions.notices.models import Notice, NoticeStep
from services.sanctions.notices.rules import DisputeStatus, Status
from services.sanctions.summaries.rules import MONTH_PATTERN
from shared.http.problems import refuse_impossible_time
from shared.schemas import ChinaTime, ListQuery, MoneyOut, Out, Page, Short, Strict, TextFilter, attributes_of

Note = Annotated[str, Field(max_length=4000)]


EmployeeId = Annotated[str, Field(min_length=1, max_length=100)]


class Employee(Strict):
    id: EmployeeId
    name: Short | None = None
    department: Short | None = None


class Charged(Strict):
    """Who a notice charges: ``id`` is null on an incident draft that names only the department (SAN-6)."""

    id: EmployeeId | None
    name: Short | None = None
    department: Short | None = None


class ViolationFacts(Strict):
    """What was recorded about a violation, apart from the person."""

    clause: ClauseCode
    variant: VariantName | None = None
    pieces: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    shift: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    occurred_at: ChinaTime
    act_id: Short | None = None
    incident_id: Short | None = None
    amount: ClauseMoneyIn | None = None
    compensation: ClauseMoneyIn | None = None
    aggravating: StrictBool = False
    note: Note | None = None

    @field_validator("occurred_at")
    @classmethod
    def occurred_in_this_era(cls, value: datetime) -> datetime:
        """Keeps month and 12-month arithmetic far from the calendar's ends."""
        if not 2000 <= value.year <= 2100:
            raise ValueError("occurred_at must lie between the years 2000 and 2100")
        return value


class ViolationIn(ViolationFacts):
    """POST /v1/violations; ``variant`` picks a case of clauses that have several (e.g. 5.3.2.1 reviewer)."""

    employee: Employee

    @model_validator(mode="after")
    def occurred_already(self) -> Self:
        """SAN-5: a reported violation has happened; dated ahead of now it would fall into a month that
        has not come (an incident's draft carries the incident's own time and is not judged here)."""
        refuse_impossible_time("occurred_at", self.occurred_at)
        return self


class NameEmployeeIn(Strict):
    """SAN-6: the quality department names the person an incident draft charges, before issuing it."""

    employee: Employee
    note: Note | None = None


class NoticeBrief(Out):
    id: uuid.UUID
    clause: str
    kind: str
    amount: MoneyOut
    dismissal: bool
    status: Status
    superseded_by: uuid.UUID | None = None


class ActOut(Out):
    """SAN-3: the notices of one act, which one is charged and which are superseded."""

    key: str
    charged: uuid.UUID | None
    notices: list[NoticeBrief]


class NoticeOut(NoticeBrief):
    violation_id: uuid.UUID
    variant: str
    catalog_version: int
    employee: Charged
    pieces: int | None
    shift: str | None
    occurred_at: ChinaTime
    act_key: str | None
    incident_id: str | None
    compensation: MoneyOut
    amount_chosen: bool
    aggravated: bool
    basis: str
    month: str
    dispute_status: DisputeStatus | None
    issued_by: str | None
    issued_at: ChinaTime | None
    created_at: ChinaTime
    updated_at: ChinaTime

    @model_validator(mode="before")
    @classmethod
    def _charged(cls, source: Any) -> Any:
        """The person a notice charges is three of its columns, answered as one ``employee``."""
        if not isinstance(source, Notice):
            return source
        employee = {"id": source.employee_id, "name": source.employee_name, "department": source.department}
        return {**attributes_of(source, cls), "employee": employee}


class StepOut(Out):
    action: str
    from_status: str | None
    to_status: str
    actor: str
    at: ChinaTime
    detail: dict[str, Any]


class NoticeDetail(NoticeOut):
    history: list[StepOut]

    @model_validator(mode="before")
    @classmethod
    def _with_history(cls, source: Any) -> Any:
        """Read from a notice and its steps, oldest first."""
        if not isinstance(source, tuple):
            return source
        notice, steps = source
        assert isinstance(notice, Notice) and all(isinstance(step, NoticeStep) for step in steps)
        return {**NoticeOut.model_validate(notice).model_dump(), "history": steps}


NoticePage = Page[NoticeOut]


class NoticeQuery(ListQuery):
    """The filters of ``GET /v1/notices``; ``employee_id`` is the reader's own unless they see all (§7)."""

    employee_id: TextFilter = None
    incident_id: TextFilter = None
    month: str | None = Field(None, pattern=MONTH_PATTERN)
    status: Status | None = None
    clause: ClauseCode | None = None


class ViolationCreated(Out):
    id: uuid.UUID
    notice: NoticeOut
    act: ActOut | None = None


class IssueIn(Strict):
    """Issuing a range clause needs a chosen amount inside the range (SAN-2)."""

    amount: ClauseMoneyIn | None = None
    note: Note | None = None


class StepIn(Strict):
    note: Note | None = None


class DisputeIn(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=4000)]


class DecisionIn(Strict):
    """§6.5: administration's decision on a dispute is final."""

    outcome: Literal["upheld", "amended", "withdrawn"]
    amount: ClauseMoneyIn | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def amount_only_when_amended(self) -> Self:
        if (self.outcome == "amended") != (self.amount is not None):
            raise ValueError("an amended decision carries the new amount; the others carry none")
        return self
