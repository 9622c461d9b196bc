"""attachments on incidents (SPEC §11, ATT-1); a 归零 item's evidence may name them (CLS-8)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from shared.attachments import create_attachments_table

revision = "20261202_0006_attachments"
down_revision = "20261202_0005_relay"

SCHEMA = "classification"


def upgrade() -> None:
    create_attachments_table(SCHEMA)
    op.add_column("zeroing_items", sa.Column("attachments", JSONB, nullable=False, server_default="[]"), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("zeroing_items", "attachments", schema=SCHEMA)
    op.drop_table("attachments", schema=SCHEMA)
