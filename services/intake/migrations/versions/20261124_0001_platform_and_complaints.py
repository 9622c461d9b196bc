"""platform tables and complaints"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.migrations import create_platform_tables, drop_platform_tables

revision = "20261124_0001"
down_revision = None

SCHEMA = "intake"


def upgrade() -> None:
    create_platform_tables(SCHEMA)
    op.create_table(
        "complaints",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("complaint_no", sa.String(32), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("service_aspect", sa.String(20)),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("customer_id", sa.String(200), index=True),
        sa.Column("complainant", JSONB, nullable=False),
        sa.Column("product_model", sa.String(200)),
        sa.Column("product_name", sa.String(200)),
        sa.Column("product_quantity", sa.Integer),
        sa.Column("batch_no", sa.String(200), index=True),
        sa.Column("production_date", sa.Date),
        sa.Column("purchase_place", sa.String(200)),
        sa.Column("circumstances", sa.Text),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("investigate_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply_by", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("calendar_estimated", sa.Boolean, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "complaint_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "complaint_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.complaints.id"), nullable=False, index=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "complaint_numbers",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in ("complaint_numbers", "complaint_history", "complaints"):
        op.drop_table(table, schema=SCHEMA)
    drop_platform_tables(SCHEMA)
