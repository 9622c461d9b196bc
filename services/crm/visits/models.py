import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.crm.models import Base


class Project(Base):
    """A project delivered to a customer: what CRM-5 plans visits from."""

    __tablename__ = "projects"

    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    delivered_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VisitPlan(Base):
    """One planned visit of one customer in one month (月份巡回访问计划)."""

    __tablename__ = "visit_plans"
    __table_args__ = (UniqueConstraint("customer_id", "period"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    period: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    interval_months: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), index=True)
    visit_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Visit(Base):
    """A visit report: the 巡访日报表 fields of 公司客户服务管理办法 第九条."""

    __tablename__ = "visits"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    visitor_id: Mapped[str] = mapped_column(String(200), index=True)
    visitor_name: Mapped[str | None] = mapped_column(String(200))
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    opinions: Mapped[str] = mapped_column(Text)
    market_information: Mapped[str | None] = mapped_column(Text)
    competitor_moves: Mapped[str | None] = mapped_column(Text)
    results: Mapped[str] = mapped_column(Text)
    handled_matters: Mapped[str | None] = mapped_column(Text)
    other_matters: Mapped[str | None] = mapped_column(Text)
    urgent: Mapped[bool]
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
