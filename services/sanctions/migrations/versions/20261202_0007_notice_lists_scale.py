"""notice lists flat with years of data (issue 18)

Notices are listed newest first, keyset on (created_at, id): the employee, month and clause filters
get an index in that order.
"""

from alembic import op

revision = "20261202_0007_scale"
down_revision = "20261202_0006_attachments"

SCHEMA = "sanctions"
KEYSET = ["created_at", "id"]
INDEXES = [
    ("ix_notices_employee_created", "employee_id"),
    ("ix_notices_month_created", "month"),
    ("ix_notices_clause_created", "clause"),
]


def upgrade() -> None:
    for name, column in INDEXES:
        op.create_index(name, "notices", [column, *KEYSET], schema=SCHEMA)


def downgrade() -> None:
    for name, _column in reversed(INDEXES):
        op.drop_index(name, "notices", schema=SCHEMA)
