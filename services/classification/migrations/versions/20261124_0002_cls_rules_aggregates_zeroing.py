"""CLS-1…CLS-8: rule set versions, production rates, cause routing, returns aggregates, incident keys and
history, supplier material, emergency steps, 归零 items
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "20261124_0002"
down_revision = "20261124_0001"

SCHEMA = "classification"

# CLS-3: version 1 is the company's own rule set (质量问题处理管理规定 §3); incidents already carry it.
MANUFACTURING_V1 = {
    "major_returns_shipped_batch": 500,
    "major_loss_amount": "20000.00",
    "major_personal_injury": True,
    "major_reputation_damage": True,
    "batch_returns_same_model_date": 50,
    "batch_scrap_hours": "0.5",
    "batch_rework_hours": "1",
    "general_loss_amount": None,
}

# CLS-5 defaults (生产质量问题处理流程 §4.1–4.2); the quality department changes them through the API.
DEFAULT_ROUTES = {
    "man": "production",
    "machine": "production_engineering",
    "material": "purchasing",
    "method": "technical",
    "environment": "production",
    "other": "quality",
}


def _incident_fk() -> sa.ForeignKey:
    return sa.ForeignKey(f"{SCHEMA}.incidents.id")


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=sa.func.now())


def upgrade() -> None:
    rule_sets = op.create_table(
        "rule_sets",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("thresholds", JSONB, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.String(200), nullable=False),
        _at("created_at"),
        schema=SCHEMA,
    )
    op.bulk_insert(
        rule_sets,
        [{"version": 1, "name": "manufacturing", "thresholds": MANUFACTURING_V1, "created_by": "system"}],
    )
    op.execute(f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.rule_sets', 'version'), 1)")
    op.create_table(
        "production_rates",
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("production_line", sa.String(100), primary_key=True),
        sa.Column("units_per_hour", sa.Numeric(12, 2), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        _at("updated_at"),
        schema=SCHEMA,
    )
    routes = op.create_table(
        "cause_routes",
        sa.Column("cause_category", sa.String(20), primary_key=True),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("head_id", sa.String(200)),
        sa.Column("head_name", sa.String(200)),
        sa.Column("updated_by", sa.String(200), nullable=False),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.bulk_insert(
        routes,
        [{"cause_category": c, "department": d, "updated_by": "system"} for c, d in DEFAULT_ROUTES.items()],
    )

    for column in (
        sa.Column("problem_level", sa.String(20)),
        sa.Column("cause_category", sa.String(20)),
        sa.Column("responsible_department", sa.String(200)),
        sa.Column("responsible_head", sa.String(200)),
        sa.Column("rate_missing", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("level_set_manually", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("report_kind", sa.String(30)),
        sa.Column("production_line", sa.String(200)),
        sa.Column("quantity", sa.Integer),
        sa.Column("loss_amount", sa.Numeric(14, 2)),
        sa.Column("personal_injury", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("reputation_damage", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("customer_id", sa.String(200)),
        sa.Column("emergency", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("emergency_triggers", JSONB, nullable=False, server_default="[]"),
        sa.Column("closed_by", sa.String(200)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closing_summary", sa.Text),
    ):
        op.add_column("incidents", column, schema=SCHEMA)
    op.create_index("ix_incidents_production_date", "incidents", ["production_date"], schema=SCHEMA)
    op.create_index("ix_incidents_created_at_id", "incidents", ["created_at", "id"], schema=SCHEMA)

    # CLS-2: one incident per aggregate key, whoever gets there first; ('batch', 'VX-200|2026-11-01'),
    # ('major', 'S-7781'). An upgraded incident holds both. The key's return lines are its sources.
    op.create_table(
        "incident_keys",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(500), primary_key=True),
        sa.Column("incident_id", UUID(as_uuid=True), _incident_fk(), nullable=False, index=True),
        sa.Column("model", sa.String(200)),
        sa.Column("production_date", sa.Date),
        sa.Column("shipped_batch_no", sa.String(200)),
        schema=SCHEMA,
    )
    op.create_index("ix_incident_keys_model_date", "incident_keys", ["model", "production_date"], schema=SCHEMA)
    op.create_index("ix_incident_keys_shipped_batch_no", "incident_keys", ["shipped_batch_no"], schema=SCHEMA)
    op.create_table(
        "incident_history",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("incident_id", UUID(as_uuid=True), _incident_fk(), nullable=False, index=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("detail", JSONB, nullable=False),
        _at("at"),
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
        sa.Column("returned_at", sa.DateTime(timezone=True)),
        _at("recorded_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_return_lines_model_date", "return_lines", ["model", "production_date"], schema=SCHEMA)
    op.create_index("ix_return_lines_shipped_batch_no", "return_lines", ["shipped_batch_no"], schema=SCHEMA)
    op.create_table(
        "returns_by_model_date",
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("production_date", sa.Date, primary_key=True),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("lines", sa.BigInteger, nullable=False),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "returns_by_shipped_batch",
        sa.Column("shipped_batch_no", sa.String(200), primary_key=True),
        sa.Column("quantity", sa.BigInteger, nullable=False),
        sa.Column("lines", sa.BigInteger, nullable=False),
        _at("updated_at"),
        schema=SCHEMA,
    )

    op.create_table(
        "supplier_issues",
        sa.Column("incident_id", UUID(as_uuid=True), _incident_fk(), primary_key=True),
        sa.Column("supplier", sa.String(200), nullable=False, index=True),
        sa.Column("defect_class", sa.String(1)),
        sa.Column("defect_type", sa.String(20)),
        sa.Column("disposition", sa.String(20)),
        sa.Column("concession_kind", sa.String(30)),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text),
        schema=SCHEMA,
    )
    op.create_table(
        "supplier_deductions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("incident_id", UUID(as_uuid=True), _incident_fk(), nullable=False, index=True),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("concession_kind", sa.String(30), nullable=False),
        sa.Column("hours", sa.Numeric(10, 2), nullable=False),
        sa.Column("rate_per_hour", sa.Numeric(14, 2), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        _at("created_at"),
        schema=SCHEMA,
    )

    op.create_table(
        "emergency_steps",
        sa.Column("incident_id", UUID(as_uuid=True), _incident_fk(), primary_key=True),
        sa.Column("step", sa.String(40), primary_key=True),
        sa.Column("done_by", sa.String(200), nullable=False),
        sa.Column("done_by_name", sa.String(200)),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "zeroing_items",
        sa.Column("incident_id", UUID(as_uuid=True), _incident_fk(), primary_key=True),
        sa.Column("item", sa.String(40), primary_key=True),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("documents", JSONB, nullable=False, server_default="[]"),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        _at("recorded_at"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in (
        "zeroing_items",
        "emergency_steps",
        "supplier_deductions",
        "supplier_issues",
        "returns_by_shipped_batch",
        "returns_by_model_date",
        "return_lines",
        "incident_history",
        "incident_keys",
        "cause_routes",
        "production_rates",
        "rule_sets",
    ):
        op.drop_table(table, schema=SCHEMA)
    op.drop_index("ix_incidents_created_at_id", "incidents", schema=SCHEMA)
    op.drop_index("ix_incidents_production_date", "incidents", schema=SCHEMA)
    for column in (
        "problem_level",
        "cause_category",
        "responsible_department",
        "responsible_head",
        "rate_missing",
        "level_set_manually",
        "report_kind",
        "production_line",
        "quantity",
        "loss_amount",
        "personal_injury",
        "reputation_damage",
        "customer_id",
        "emergency",
        "emergency_triggers",
        "closed_by",
        "closed_at",
        "closing_summary",
    ):
        op.drop_column("incidents", column, schema=SCHEMA)
