"""platform tables and incidents"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.migrations import create_platform_tables, drop_platform_tables

revision = "20261124_0001"
down_revision = None

SCHEMA = "classification"


def upgrade() -> None:
    create_platform_tables(SCHEMA)
    op.create_table(
        "incidents",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("level", sa.String(20), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("origin", sa.String(30), nullable=False),
        sa.Column("reasons", JSONB, nullable=False),
        sa.Column("rule_version", sa.Integer, nullable=False),
        sa.Column("model", sa.String(200), index=True),
        sa.Column("production_date", sa.Date),
        sa.Column("shipped_batch_no", sa.String(200), index=True),
        sa.Column("description", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "incident_sources",
        sa.Column("incident_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.incidents.id"), primary_key=True),
        sa.Column("source_id", sa.String(200), primary_key=True, index=True),
        sa.Column("source_kind", sa.String(30), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in ("incident_sources", "incidents"):
        op.drop_table(table, schema=SCHEMA)
    drop_platform_tables(SCHEMA)
