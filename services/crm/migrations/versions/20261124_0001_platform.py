"""platform tables"""

from shared.migrations import create_platform_tables, drop_platform_tables

revision = "20261124_0001"
down_revision = None

SCHEMA = "crm"


def upgrade() -> None:
    create_platform_tables(SCHEMA)


def downgrade() -> None:
    drop_platform_tables(SCHEMA)
