"""clause catalog, violations, notices, monthly summaries, supplier deductions (SAN-1…SAN-7)

Revision ID: 20261124_0002
Revises: 20261124_0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.sanctions.clauses.rules import DEFAULT_AGGRAVATION_FACTOR, DEFAULT_CATALOG

revision = "20261124_0002"
down_revision = "20261124_0001"
branch_labels = None
depends_on = None

SCHEMA = "sanctions"


def _money(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(14, 2), nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    versions = op.create_table(
        "catalog_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("aggravation_factor", sa.Numeric(6, 2), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    clauses = op.create_table(
        "clauses",
        sa.Column("version", sa.Integer, sa.ForeignKey(f"{SCHEMA}.catalog_versions.version"), primary_key=True),
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("variants", JSONB, nullable=False),
        schema=SCHEMA,
    )
    # SAN-1: version 1 is the SPEC table; later versions are made through PUT /v1/clauses only.
    op.bulk_insert(
        versions,
        [
            {
                "version": 1,
                "aggravation_factor": DEFAULT_AGGRAVATION_FACTOR,
                "note": "质量奖惩制度 §5",
                "created_by": "system",
            }
        ],
    )
    op.bulk_insert(
        clauses,
        [
            {
                "version": 1,
                "code": clause.code,
                "kind": clause.kind.value,
                "target": clause.target,
                "summary": clause.summary,
                "text": clause.text,
                "variants": {name: rule.to_json() for name, rule in clause.variants.items()},
            }
            for clause in DEFAULT_CATALOG
        ],
    )
    op.create_table(
        "violations",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("clause", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(50), nullable=False),
        sa.Column("employee_id", sa.String(100), nullable=False),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("department", sa.String(200)),
        sa.Column("pieces", sa.Integer),
        sa.Column("shift", sa.String(100)),
        _at("occurred_at"),
        sa.Column("act_id", sa.String(200)),
        sa.Column("incident_id", sa.String(200)),
        _money("requested_amount", nullable=True),
        _money("compensation", nullable=True),
        sa.Column("aggravating", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "notices",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("violation_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("clause", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(50), nullable=False),
        sa.Column("catalog_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("employee_id", sa.String(100), nullable=False),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("department", sa.String(200)),
        sa.Column("pieces", sa.Integer),
        sa.Column("shift", sa.String(100)),
        _at("occurred_at"),
        sa.Column("act_key", sa.String(250)),
        sa.Column("incident_id", sa.String(200)),
        _money("amount"),
        _money("compensation"),
        sa.Column("dismissal", sa.Boolean, nullable=False),
        sa.Column("amount_chosen", sa.Boolean, nullable=False),
        sa.Column("aggravated", sa.Boolean, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("superseded_by", UUID(as_uuid=True)),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("dispute_status", sa.String(20)),
        sa.Column("issued_by", sa.String(200)),
        _at("issued_at", nullable=True),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_notices_employee_clause", "notices", ["employee_id", "clause", "occurred_at"], schema=SCHEMA)
    op.create_index("ix_notices_employee_act", "notices", ["employee_id", "act_key"], schema=SCHEMA)
    op.create_index("ix_notices_month_status", "notices", ["month", "status"], schema=SCHEMA)
    op.create_index("ix_notices_created", "notices", ["created_at", "id"], schema=SCHEMA)
    op.create_table(
        "notice_steps",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("notice_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        _at("at"),
        sa.Column("detail", JSONB, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "incident_drafts",
        sa.Column("incident_id", sa.String(200), primary_key=True),
        sa.Column("clause", sa.String(20), primary_key=True),
        sa.Column("notice_id", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "closed_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("closed_by", sa.String(200), nullable=False),
        _at("closed_at"),
        _money("total_rewards"),
        _money("total_penalties"),
        _money("total_compensation"),
        sa.Column("notice_count", sa.Integer, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "summary_lines",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("employee_id", sa.String(100), primary_key=True),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("department", sa.String(200)),
        _money("rewards"),
        _money("penalties"),
        _money("compensation"),
        _money("net"),
        sa.Column("dismissals", sa.Integer, nullable=False),
        sa.Column("notice_count", sa.Integer, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "supplier_deductions",
        sa.Column("deduction_id", sa.String(200), primary_key=True),
        sa.Column("incident_id", sa.String(200), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("concession_kind", sa.String(50), nullable=False),
        sa.Column("hours", sa.Numeric(10, 2), nullable=False),
        _money("rate_per_hour"),
        _money("amount"),
        _at("occurred_at"),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_supplier_deductions_month", "supplier_deductions", ["month", "supplier"], schema=SCHEMA)


def downgrade() -> None:
    for table in (
        "supplier_deductions",
        "summary_lines",
        "closed_months",
        "incident_drafts",
        "notice_steps",
        "notices",
        "violations",
        "clauses",
        "catalog_versions",
    ):
        op.drop_table(table, schema=SCHEMA)
