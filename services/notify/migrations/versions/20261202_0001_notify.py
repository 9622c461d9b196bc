"""notify: platform tables, calendar years, people directory, robots, notifications, timers, deliveries (NTF-1…4)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.calendar_store import create_calendar_table
from shared.migrations import create_platform_tables, list_unpublished_outbox_rows_apart

revision = "20261202_0001_notify"
down_revision = None

SCHEMA = "notify"


def _at(name: str, nullable: bool = False, now: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=sa.func.now() if now else None)


def upgrade() -> None:
    create_platform_tables(SCHEMA)
    list_unpublished_outbox_rows_apart(SCHEMA)
    create_calendar_table(SCHEMA)
    op.create_table(
        "people",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("departments", sa.ARRAY(sa.String(100)), nullable=False),
        sa.Column("roles", sa.ARRAY(sa.String(50)), nullable=False),
        sa.Column("head_of", sa.String(100)),
        sa.Column("channels", sa.ARRAY(sa.String(20)), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        _at("updated_at", now=True),
        schema=SCHEMA,
    )
    op.create_index("ix_people_head_of", "people", ["head_of"], schema=SCHEMA)
    op.execute(f"CREATE INDEX ix_people_roles ON {SCHEMA}.people USING gin (roles)")
    op.create_table(
        "robots",
        sa.Column("department", sa.String(100), primary_key=True),
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text),
        sa.Column("updated_by", sa.String(200), nullable=False),
        _at("updated_at", now=True),
        schema=SCHEMA,
    )
    op.create_table(
        "notifications",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("rule", sa.String(50), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(100), nullable=False),
        sa.Column("occasion", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.clock_timestamp()),
        _at("read_at", nullable=True),
        sa.UniqueConstraint("rule", "subject", "recipient", "occasion", name="uq_notifications_occasion"),
        schema=SCHEMA,
    )
    op.create_index("ix_notifications_inbox", "notifications", ["recipient", "read_at", "created_at"], schema=SCHEMA)
    op.create_table(
        "timers",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("rule", sa.String(50), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("occasion", sa.String(100), nullable=False),
        _at("due_at"),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        _at("done_at", nullable=True),
        sa.UniqueConstraint("rule", "subject", "occasion", name="uq_timers_occasion"),
        schema=SCHEMA,
    )
    op.execute(f"CREATE INDEX ix_timers_due ON {SCHEMA}.timers (due_at) WHERE status = 'pending'")
    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("notification_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.notifications.id"), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.String(320)),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        _at("next_attempt_at", now=True),
        _at("claimed_until", nullable=True),
        sa.Column("last_error", sa.Text),
        _at("created_at", now=True),
        _at("sent_at", nullable=True),
        sa.UniqueConstraint("notification_id", "channel", name="uq_deliveries_notification_channel"),
        schema=SCHEMA,
    )
    op.execute(f"CREATE INDEX ix_deliveries_due ON {SCHEMA}.deliveries (next_attempt_at) WHERE status = 'pending'")
    op.create_index("ix_deliveries_status", "deliveries", ["status", "id"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("deliveries", "timers", "notifications", "robots", "people", "calendar_years"):
        op.drop_table(table, schema=SCHEMA)
    for table in ("idempotency_keys", "inbox", "outbox_unpublished", "outbox"):
        op.drop_table(table, schema=SCHEMA)
    op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.outbox_inserted()")
