"""Visit plans, visit reports and their roll-ups (CRM-5; 公司客户服务管理办法 第九条、第十条)."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StrictBool

from services.crm.schemas import Note
from services.crm.visits.models import VisitPlan
from services.crm.visits.rules import is_overdue
from shared.schemas import (
    ChinaTime,
    Day,
    ListQuery,
    Month,
    Out,
    Page,
    PlainText,
    Short,
    Strict,
    TextFilter,
    attributes_of,
)

Report = Annotated[str, Field(min_length=1, max_length=4000)]


class ProjectIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=500)]
    delivered_on: Day


class ProjectOut(Out):
    customer_id: str
    project_id: str
    name: str
    delivered_on: Day
    recorded_by: str
    recorded_at: ChinaTime


class ProjectList(Out):
    items: list[ProjectOut]


class GeneratePlansIn(Strict):
    month: Month


class PlanStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"


class PlanFilter(StrEnum):
    """due: the month has come and the month's end has not passed; overdue: it has passed undone."""

    PLANNED = "planned"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


class VisitPlanOut(Out):
    id: uuid.UUID
    customer_id: str
    month: str
    due_on: Day
    interval_months: int
    basis: str
    status: PlanStatus
    overdue: bool
    visit_id: uuid.UUID | None

    @classmethod
    def of(cls, plan: VisitPlan, today: date) -> Self:
        """CRM-5: a plan is overdue on ``today`` when it is still open past its due day."""
        overdue = plan.status == PlanStatus.PLANNED.value and is_overdue(plan.due_on, today)
        return cls.model_validate({**attributes_of(plan, cls), "month": f"{plan.period:%Y-%m}", "overdue": overdue})


class GeneratedPlans(Out):
    month: str
    created: int
    already_planned: int
    items: list[VisitPlanOut]


VisitPlanPage = Page[VisitPlanOut]


class VisitPlanQuery(ListQuery):
    """The filters of ``GET /v1/visit-plans`` (CRM-5), by due date."""

    status: PlanFilter | None = None
    customer_id: TextFilter = None
    month: Month | None = None
    as_of: Day | None = Field(None, description="the day 'due' and 'overdue' are judged on; today by default")


class VisitorIn(Strict):
    id: Short
    name: Short | None = None


class VisitIn(Strict):
    customer_id: Short
    plan_id: uuid.UUID | None = Field(None, description="the plan this visit fulfils; else the oldest open one")
    visitor: VisitorIn | None = Field(None, description="the named person who visited; defaults to the caller")
    visited_at: ChinaTime
    opinions: Report = Field(description="(2) 客户意见、建议、希望")
    market_information: Note | None = Field(None, description="(3) 市场行情")
    competitor_moves: Note | None = Field(None, description="(3) 竞争对手动向及其他公司的销售政策")
    results: Report = Field(description="(4) 巡访活动的效果")
    handled_matters: Note | None = Field(None, description="(5) 主要处理事项的处理经过及结果")
    other_matters: Note | None = Field(None, description="(6) 其他必要报告事项")
    urgent: StrictBool = Field(False, description="第十一条 巡访紧急报告: a competitor's new product or policy change")


class VisitOut(Out):
    id: uuid.UUID
    customer_id: str
    plan_id: uuid.UUID | None
    visitor_id: str
    visitor_name: str | None
    visited_at: ChinaTime
    visited_on: Day
    opinions: str
    market_information: str | None
    competitor_moves: str | None
    results: str
    handled_matters: str | None
    other_matters: str | None
    urgent: bool
    recorded_by: str
    created_at: ChinaTime


VisitPage = Page[VisitOut]


class DailyReportQuery(PlainText):
    """The day of ``GET /v1/visits/daily`` (巡访日报表), and whose visits, if one visitor's."""

    day: Day = Field(alias="date")
    visitor: TextFilter = None


class VisitQuery(ListQuery):
    """The filters of ``GET /v1/visits``."""

    customer_id: TextFilter = None
    visitor: TextFilter = None


class VisitorDay(Out):
    visitor_id: str
    visitor_name: str | None
    visits: list[VisitOut]


class DailyReport(Out):
    """巡访日报表: each visitor's visits of one day."""

    date: Day
    total: int
    visitors: list[VisitorDay]


class VisitorCount(Out):
    visitor_id: str
    visits: int


class Remark(Out):
    customer_id: str
    visited_on: Day
    text: str


class MonthlyReport(Out):
    """每月巡访情况报告书: plans against visits, by visitor, and what the visits brought back."""

    month: str
    planned: int
    done: int
    open: int
    overdue: int
    visits: int
    by_visitor: list[VisitorCount]
    urgent: list[VisitOut]
    competitor_moves: list[Remark]
    market_information: list[Remark]
