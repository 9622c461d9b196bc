"""platform tables"""

from alembic import op

from shared.migrations import create_platform_tables

revision = "20261124_0001"
down_revision = None

SCHEMA = "sanctions"


def upgrade() -> None:
    create_platform_tables(SCHEMA)


def downgrade() -> None:
    for table in ("idempotency_keys", "inbox", "outbox"):
        op.drop_table(table, schema=SCHEMA)
    op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.notify_outbox()")
