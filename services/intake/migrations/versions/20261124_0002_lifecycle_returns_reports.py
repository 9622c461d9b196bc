"""complaint lifecycle (CMP-4..CMP-8), calendar years, customer tiers, ERP returns, shop-floor reports"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.calendar_store import create_calendar_table

revision = "20261124_0002"
down_revision = "20261124_0001"

SCHEMA = "intake"


def upgrade() -> None:
    create_calendar_table(SCHEMA)
    _extend_complaints()
    op.create_table(
        "customer_tiers",
        sa.Column("customer_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(500)),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "return_lines",
        sa.Column("line_id", sa.String(200), primary_key=True),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("production_date", sa.Date, nullable=False),
        sa.Column("batch_no", sa.String(200), nullable=False),
        sa.Column("shipped_batch_no", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("customer_id", sa.String(200)),
        sa.Column("reason", sa.Text),
        sa.Column("returned_at", sa.DateTime(timezone=True)),
        sa.Column("pushed_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        schema=SCHEMA,
    )
    op.create_index("ix_return_lines_model_date", "return_lines", ["model", "production_date"], schema=SCHEMA)
    op.create_index("ix_return_lines_shipped_batch_no", "return_lines", ["shipped_batch_no"], schema=SCHEMA)
    op.create_index("ix_return_lines_recorded", "return_lines", ["recorded_at", "line_id"], schema=SCHEMA)
    op.create_table(
        "incident_reports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False, index=True),
        sa.Column("model", sa.String(200), nullable=False, index=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("production_line", sa.String(200)),
        sa.Column("shift", sa.String(200)),
        sa.Column("loss_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("personal_injury", sa.Boolean, nullable=False),
        sa.Column("reputation_impact", sa.Boolean, nullable=False),
        sa.Column("cause_category", sa.String(20)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("department", sa.String(200)),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supplier", sa.String(200), index=True),
        sa.Column("defect_class", sa.String(1)),
        sa.Column("defect_type", sa.String(20)),
        sa.Column("filed_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_incident_reports_created", "incident_reports", ["created_at", "id"], schema=SCHEMA)


def _extend_complaints() -> None:
    columns: list[sa.Column[Any]] = [
        sa.Column("escalated_to_decision_level", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("severity_reason", sa.String(100)),
        sa.Column("reply", JSONB),
        sa.Column("return_visit", JSONB),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("investigation_started_at", sa.DateTime(timezone=True)),
        sa.Column("replied_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    ]
    for column in columns:
        op.add_column("complaints", column, schema=SCHEMA)
    op.add_column("complaint_history", sa.Column("actor_name", sa.String(200)), schema=SCHEMA)
    op.create_index("ix_complaints_received", "complaints", ["received_at", "id"], schema=SCHEMA)
    op.create_index("ix_complaints_model_batch", "complaints", ["product_model", "batch_no"], schema=SCHEMA)
    op.create_index("ix_complaints_owner", "complaints", ["owner"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("incident_reports", schema=SCHEMA)
    op.drop_table("return_lines", schema=SCHEMA)
    op.drop_table("customer_tiers", schema=SCHEMA)
    for index in ("ix_complaints_owner", "ix_complaints_model_batch", "ix_complaints_received"):
        op.drop_index(index, table_name="complaints", schema=SCHEMA)
    op.drop_column("complaint_history", "actor_name", schema=SCHEMA)
    for column in (
        "closed_at",
        "replied_at",
        "investigation_started_at",
        "rejection_reason",
        "return_visit",
        "reply",
        "severity_reason",
        "escalated_to_decision_level",
    ):
        op.drop_column("complaints", column, schema=SCHEMA)
    op.drop_table("calendar_years", schema=SCHEMA)
