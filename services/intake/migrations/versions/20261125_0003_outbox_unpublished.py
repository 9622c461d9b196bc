"""outbox: the ids still to publish in their own table

Revision ID: 20261125_0003
Revises: 20261124_0002
Create Date: 2026-11-25
"""

from shared.migrations import keep_unpublished_outbox_rows_inline, list_unpublished_outbox_rows_apart

revision = "20261125_0003"
down_revision = "20261124_0002"
branch_labels = None
depends_on = None

SCHEMA = "intake"


def upgrade() -> None:
    list_unpublished_outbox_rows_apart(SCHEMA)


def downgrade() -> None:
    keep_unpublished_outbox_rows_inline(SCHEMA)
