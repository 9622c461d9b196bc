"""CLS-2 complaint quantities in the (model, production date) sums; finished complaints (CMP-4)"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0004_rules_intake"
down_revision = "20261125_0003"

SCHEMA = "classification"


def upgrade() -> None:
    op.add_column("return_lines", sa.Column("complaint_id", sa.String(200)), schema=SCHEMA)
    op.create_table(
        "complaint_counts",
        sa.Column("complaint_id", sa.String(200), primary_key=True),
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("production_date", sa.Date, primary_key=True),
        sa.Column("complained", sa.Integer, nullable=False, server_default="0"),
        sa.Column("returned", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_complaint_counts_model_date", "complaint_counts", ["model", "production_date"], schema=SCHEMA)
    op.create_table(
        "finished_complaints",
        sa.Column("complaint_id", sa.String(200), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("finished_complaints", schema=SCHEMA)
    op.drop_table("complaint_counts", schema=SCHEMA)
    op.drop_column("return_lines", "complaint_id", schema=SCHEMA)
