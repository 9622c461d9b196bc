"""customers and tiers (CRM-1…CRM-4), complaints per customer (CRM-7), visits (CRM-5), fees (CRM-6)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.calendar_store import create_calendar_table

revision = "20261124_0002"
down_revision = "20261124_0001"

SCHEMA = "crm"


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(14, 2), nullable=False)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns), schema=SCHEMA)


def upgrade() -> None:
    create_calendar_table(SCHEMA)
    _customers()
    _visits()
    _fees()


def _customers() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("province", sa.String(100), nullable=False),
        sa.Column("city", sa.String(100)),
        sa.Column("county", sa.String(100)),
        sa.Column("revenue_group", sa.Integer, nullable=False),
        _money("annual_revenue"),
        sa.Column("revenue_year", sa.Integer, nullable=False),
        sa.Column("provincial_designated", sa.Boolean, nullable=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("tier_reason", sa.String(300), nullable=False),
        sa.Column("owner_level", sa.String(20), nullable=False),
        sa.Column("sales_owner", sa.String(200)),
        sa.Column("regional_sales_rep", sa.String(200)),
        sa.Column("nature", sa.String(50)),
        sa.Column("scale", sa.String(50)),
        sa.Column("trend", sa.String(50)),
        sa.Column("customer_class", sa.String(1)),
        sa.Column("class_score", sa.Integer),
        sa.Column("contract_signed_on", sa.Date),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("revenue_group BETWEEN 1 AND 3", name="revenue_group_known"),
        sa.CheckConstraint("annual_revenue >= 0", name="revenue_not_negative"),
        schema=SCHEMA,
    )
    for column in ("province", "city", "tier", "sales_owner", "customer_class"):
        _index("customers", column)
    op.create_table(
        "customer_revenues",
        sa.Column("customer_id", sa.String(200), sa.ForeignKey(f"{SCHEMA}.customers.id"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        _money("amount"),
        schema=SCHEMA,
    )
    op.create_table(
        "tier_changes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(200), sa.ForeignKey(f"{SCHEMA}.customers.id"), nullable=False),
        sa.Column("previous_tier", sa.String(20)),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("owner_level", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        _money("annual_revenue"),
        sa.Column("revenue_group", sa.Integer, nullable=False),
        sa.Column("provincial_designated", sa.Boolean, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        _at("changed_at"),
        schema=SCHEMA,
    )
    _index("tier_changes", "customer_id")
    op.create_table(
        "class_scoring_tables",
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("table", JSONB, nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        _at("set_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "customer_complaints",
        sa.Column("complaint_id", sa.String(200), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("complaint_no", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(30)),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("description", sa.Text),
        _at("received_at", nullable=True),
        _at("status_changed_at", nullable=True),
        _at("updated_at"),
        schema=SCHEMA,
    )
    _index("customer_complaints", "customer_id")


def _visits() -> None:
    op.create_table(
        "projects",
        sa.Column("customer_id", sa.String(200), primary_key=True),
        sa.Column("project_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("delivered_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        _at("recorded_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "visit_plans",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("interval_months", sa.Integer, nullable=False),
        sa.Column("basis", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("visit_id", UUID(as_uuid=True)),
        sa.Column("created_by", sa.String(200), nullable=False),
        _at("created_at"),
        sa.UniqueConstraint("customer_id", "period", name="uq_visit_plans_customer_id"),
        schema=SCHEMA,
    )
    for column in ("due_on", "status"):
        _index("visit_plans", column)
    op.create_table(
        "visits",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("plan_id", UUID(as_uuid=True)),
        sa.Column("visitor_id", sa.String(200), nullable=False),
        sa.Column("visitor_name", sa.String(200)),
        _at("visited_at"),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("opinions", sa.Text, nullable=False),
        sa.Column("market_information", sa.Text),
        sa.Column("competitor_moves", sa.Text),
        sa.Column("results", sa.Text, nullable=False),
        sa.Column("handled_matters", sa.Text),
        sa.Column("other_matters", sa.Text),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        _at("created_at"),
        schema=SCHEMA,
    )
    for column in ("customer_id", "visitor_id", "visited_at", "visited_on"):
        _index("visits", column)


def _fees() -> None:
    op.create_table(
        "fee_budgets",
        sa.Column("product", sa.String(200), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        _money("amount"),
        sa.Column("set_by", sa.String(200), nullable=False),
        _at("set_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "fee_statements",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("sales_rep", sa.String(200), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        _at("submitted_at"),
        sa.Column("submitted_late", sa.Boolean, nullable=False),
        _at("submit_by"),
        _at("sign_off_by"),
        _at("payable_from"),
        sa.Column("calendar_estimated", sa.Boolean, nullable=False),
        _money("total_purchase"),
        _money("total_fee"),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("sales_rep", "month", name="uq_fee_statements_sales_rep"),
        schema=SCHEMA,
    )
    for column in ("sales_rep", "month"):
        _index("fee_statements", column)
    op.create_table(
        "fee_statement_lines",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("statement_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.fee_statements.id"), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("product", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(30), nullable=False),
        _money("purchase_amount"),
        _money("fee_amount"),
        sa.Column("note", sa.Text),
        schema=SCHEMA,
    )
    for column in ("statement_id", "customer_id"):
        _index("fee_statement_lines", column)
    op.create_table(
        "fee_sign_offs",
        sa.Column("document_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("step", sa.String(20), primary_key=True),
        sa.Column("signer", sa.String(200), nullable=False),
        sa.Column("signer_name", sa.String(200)),
        _at("signed_at"),
        schema=SCHEMA,
    )
    op.create_table(
        "fee_collections",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        _money("amount"),
        sa.Column("reference", sa.String(200)),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        _at("recorded_at"),
        schema=SCHEMA,
    )
    _index("fee_collections", "customer_id")
    op.create_table(
        "fee_payouts",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("statement_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.fee_statements.id"), nullable=False),
        _money("amount"),
        sa.Column("paid_by", sa.String(200), nullable=False),
        _at("paid_at"),
        schema=SCHEMA,
    )
    _index("fee_payouts", "statement_id")
    op.create_table(
        "sales_rep_accounts",
        sa.Column("rep_id", sa.String(200), primary_key=True),
        _money("outstanding_advance"),
        sa.CheckConstraint("outstanding_advance >= 0", name="outstanding_not_negative"),
        schema=SCHEMA,
    )
    op.create_table(
        "fee_advances",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("sales_rep", sa.String(200), sa.ForeignKey(f"{SCHEMA}.sales_rep_accounts.rep_id"), nullable=False),
        _money("amount"),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("statement_id", UUID(as_uuid=True), sa.ForeignKey(f"{SCHEMA}.fee_statements.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        _at("requested_at"),
        sa.Column("settled_by", sa.String(200)),
        _at("settled_at", nullable=True),
        schema=SCHEMA,
    )
    _index("fee_advances", "sales_rep")
    op.create_table(
        "special_fee_requests",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("sales_rep", sa.String(200), nullable=False),
        sa.Column("product", sa.String(200)),
        _money("amount"),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("requested_on", sa.Date, nullable=False),
        _at("requested_at"),
        schema=SCHEMA,
    )
    for column in ("customer_id", "sales_rep"):
        _index("special_fee_requests", column)


def downgrade() -> None:
    for table in (
        "special_fee_requests",
        "fee_advances",
        "sales_rep_accounts",
        "fee_payouts",
        "fee_collections",
        "fee_sign_offs",
        "fee_statement_lines",
        "fee_statements",
        "fee_budgets",
        "visits",
        "visit_plans",
        "projects",
        "customer_complaints",
        "class_scoring_tables",
        "tier_changes",
        "customer_revenues",
        "customers",
        "calendar_years",
    ):
        op.drop_table(table, schema=SCHEMA)
