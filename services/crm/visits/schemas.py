"""Visit plans, visit reports and their roll-ups (CRM-5; 公司客户服务管理办法 第九条、第十条)."""

import uuid
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool

from services.crm.schemas import Note
from shared.schemas import ChinaTime, Day, Month, Short, Strict

Report = Annotated[str, Field(min_length=1, max_length=4000)]


class ProjectIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=500)]
    delivered_on: Day


class ProjectOut(BaseModel):
    customer_id: str
    project_id: str
    name: str
    delivered_on: Day
    recorded_by: str
    recorded_at: ChinaTime


class ProjectList(BaseModel):
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


class VisitPlanOut(BaseModel):
    id: uuid.UUID
    customer_id: str
    month: str
    due_on: Day
    interval_months: int
    basis: str
    status: PlanStatus
    overdue: bool
    visit_id: uuid.UUID | None


class GeneratedPlans(BaseModel):
    month: str
    created: int
    already_planned: int
    items: list[VisitPlanOut]


class VisitPlanPage(BaseModel):
    items: list[VisitPlanOut]
    next_cursor: str | None = None


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


class VisitOut(BaseModel):
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


class VisitPage(BaseModel):
    items: list[VisitOut]
    next_cursor: str | None = None


class VisitorDay(BaseModel):
    visitor_id: str
    visitor_name: str | None
    visits: list[VisitOut]


class DailyReport(BaseModel):
    """巡访日报表: each visitor's visits of one day."""

    date: Day
    total: int
    visitors: list[VisitorDay]


class VisitorCount(BaseModel):
    visitor_id: str
    visits: int


class Remark(BaseModel):
    customer_id: str
    visited_on: Day
    text: str


class MonthlyReport(BaseModel):
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
