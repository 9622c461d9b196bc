"""The platform's own tables, present in every service's schema: outbox, inbox, idempotency keys; and
the columns of an ERP return line, which intake and classification each keep in their own schema."""

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import service_metadata


@dataclass(frozen=True)
class PlatformTables:
    metadata: MetaData
    outbox: Table
    unpublished: Table
    inbox: Table
    idempotency: Table
    watermarks: Table


@cache
def platform_tables(schema: str) -> PlatformTables:
    metadata = service_metadata(schema)
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(500), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_outbox_created_at", "created_at"),  # replay-outbox: the events since a time
    )
    # The outbox rows still to publish, one id each (written by the outbox's insert trigger). A
    # publish deletes the id instead of updating the outbox row: an update writes the whole row and
    # every index again, which doubled Postgres's work per event of an ERP push.
    unpublished = Table("outbox_unpublished", metadata, Column("id", BigInteger, primary_key=True, autoincrement=False))
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(100), nullable=False),
        Column("event_id", UUID(as_uuid=True), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("outcome", String(20), nullable=False, server_default="applied"),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    idempotency = Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer),
        Column("response", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("scope", "key"),
    )
    # Per topic partition, how far the broker had acknowledged the relay's batches (the first offset of
    # the latest batch plus one): a log that now ends below it was lost, and the relay re-publishes.
    watermarks = Table(
        "outbox_watermarks",
        metadata,
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("acknowledged", BigInteger, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("topic", "partition"),
    )
    return PlatformTables(metadata, outbox, unpublished, inbox, idempotency, watermarks)


def tables_of(session: AsyncSession) -> PlatformTables:
    """The platform tables of the service this session belongs to (set on its sessionmaker)."""
    return platform_tables(session.info["schema"])


def outbox_channel(schema: str) -> str:
    return f"{schema}_outbox"


class ReturnLineColumns:
    """A declarative mixin: an ERP return line as the ERP sent it (RET-1), keyed by the ERP's own
    ``line_id`` (RET-2). Each service's ``ReturnLine`` adds what it keeps beside it."""

    line_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    production_date: Mapped[date] = mapped_column(Date)
    batch_no: Mapped[str] = mapped_column(String(200))
    shipped_batch_no: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str | None] = mapped_column(String(200))
