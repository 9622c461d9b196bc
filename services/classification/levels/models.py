from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.classification.models import Base


class RuleSetVersion(Base):
    """CLS-3: one immutable version of the thresholds; the highest version is the one in force."""

    __tablename__ = "rule_sets"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(50))
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSONB)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProductionRate(Base):
    """CLS-1: output per hour of a model; ``production_line`` "" is the model's rate on any line."""

    __tablename__ = "production_rates"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    production_line: Mapped[str] = mapped_column(String(100), primary_key=True)
    units_per_hour: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CauseRoute(Base):
    """CLS-5: the department (and its head) a cause category routes to."""

    __tablename__ = "cause_routes"

    cause_category: Mapped[str] = mapped_column(String(20), primary_key=True)
    department: Mapped[str] = mapped_column(String(200))
    head_id: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
