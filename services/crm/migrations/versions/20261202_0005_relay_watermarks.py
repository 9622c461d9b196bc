"""outbox: where the broker had acknowledged the relay's batches, to notice a lost log (SPEC §9)

Revision ID: 20261202_0005_relay
Revises: 20261202_0004_contact
Create Date: 2026-12-02
"""

from alembic import op

from shared.migrations import create_outbox_watermarks

revision = "20261202_0005_relay"
down_revision = "20261202_0004_contact"
branch_labels = None
depends_on = None

SCHEMA = "crm"


def upgrade() -> None:
    create_outbox_watermarks(SCHEMA)


def downgrade() -> None:
    op.drop_table("outbox_watermarks", schema=SCHEMA)
