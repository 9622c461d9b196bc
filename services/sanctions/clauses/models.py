from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.sanctions.models import Base


class CatalogVersion(Base):
    """SAN-1: every edit of the catalog is a new version; notices keep the version they were priced under."""

    __tablename__ = "catalog_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    aggravation_factor: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ClauseRow(Base):
    __tablename__ = "clauses"

    version: Mapped[int] = mapped_column(ForeignKey("catalog_versions.version"), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    # {variant name: AmountRule.to_json()}, in order; the first is the default case.
    variants: Mapped[dict[str, Any]] = mapped_column(JSONB)
