from datetime import datetime

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from services.notify.models import Base


class Person(Base):
    """The people directory (NTF-2): who heads which department, who holds which role, how to reach them."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    departments: Mapped[list[str]] = mapped_column(ARRAY(String(100)))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(50)))
    head_of: Mapped[str | None] = mapped_column(String(100), index=True)
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Robot(Base):
    """A department's group robot on one platform (WeCom, DingTalk, Feishu): its webhook and signing secret."""

    __tablename__ = "robots"

    department: Mapped[str] = mapped_column(String(100), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
