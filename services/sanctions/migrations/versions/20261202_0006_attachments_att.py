"""attachments on notices (SPEC §11, ATT-1)

Revision ID: 20261202_0006_attachments
Revises: 20261202_0005_relay
Create Date: 2026-12-02
"""

from alembic import op

from shared.attachments import create_attachments_table

revision = "20261202_0006_attachments"
down_revision = "20261202_0005_relay"
branch_labels = None
depends_on = None

SCHEMA = "sanctions"


def upgrade() -> None:
    create_attachments_table(SCHEMA)


def downgrade() -> None:
    op.drop_table("attachments", schema=SCHEMA)
