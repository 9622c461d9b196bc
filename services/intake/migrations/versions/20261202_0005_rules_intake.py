"""CMP-5 decision, customer as known at receipt, the complaint's incident; RET-1 complaint_id"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "20261202_0005_rules_intake"
down_revision = "20261202_0004_calendar"

SCHEMA = "intake"

COMPLAINT_COLUMNS = (
    # CMP-5: the decision level's decision on a serious complaint.
    ("decision", JSONB),
    # The customer's tier in intake's copy when the complaint was received; NULL when unknown then.
    ("customer_tier", sa.String(20)),
    ("customer_known", sa.Boolean),
    # The incident the complaint opened on classification, as its events tell.
    ("incident_id", UUID(as_uuid=True)),
    ("incident_level", sa.String(20)),
    ("incident_problem_level", sa.String(20)),
    ("incident_status", sa.String(20)),
    ("incident_updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    for name, type_ in COMPLAINT_COLUMNS:
        op.add_column("complaints", sa.Column(name, type_), schema=SCHEMA)
    op.add_column("return_lines", sa.Column("complaint_id", UUID(as_uuid=True)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("return_lines", "complaint_id", schema=SCHEMA)
    for name, _ in reversed(COMPLAINT_COLUMNS):
        op.drop_column("complaints", name, schema=SCHEMA)
