"""customers: the contact data a sales rep keeps (SPEC §7)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "20261202_0004_contact"
down_revision = "20261125_0003"

SCHEMA = "crm"


def upgrade() -> None:
    op.add_column("customers", sa.Column("contact", JSONB, nullable=True), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("customers", "contact", schema=SCHEMA)
