"""notify: its copy of the fee statements' pending sign-off steps, kept from crm's events (CRM-6, NTF-1)"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0003_fee_steps"
down_revision = "20261202_0002_relay"

SCHEMA = "notify"


def upgrade() -> None:
    op.create_table(
        "fee_statements",
        sa.Column("statement_id", sa.String(200), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("sales_rep", sa.String(200), nullable=False),
        sa.Column("pending_steps", sa.ARRAY(sa.String(20)), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_fee_statements_month", "fee_statements", ["month"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("fee_statements", schema=SCHEMA)
