"""complaint lists flat with years of data (issue 18)

Every complaint list is newest receipt first, keyset on (received_at, id): each filter a front end
uses gets an index in that order, so a page reads its rows and no others. Serious complaints are
rare, so theirs is partial; the CMP-3 deadlines matter only while a complaint waits, so their
indexes hold only the waiting ones, one per waiting status (the overdue list reads them, and the
gauge counts each from its index alone). The single-
column indexes on status, customer_id and reply_by are prefixes or subsets of these: dropped, so a
new complaint updates no more indexes than it needs.
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0008_scale"
down_revision = "20261202_0007_attachments"

SCHEMA = "intake"
KEYSET = ("received_at", "id")
INDEXES: list[tuple[str, tuple[str, ...], str | None]] = [
    ("ix_complaints_status_received", ("status", *KEYSET), None),
    ("ix_complaints_kind_received", ("kind", *KEYSET), None),
    ("ix_complaints_customer_received", ("customer_id", *KEYSET), None),
    ("ix_complaints_model_received", ("product_model", *KEYSET), None),
    ("ix_complaints_serious_received", KEYSET, "severity = 'serious'"),
    ("ix_complaints_received_deadlines", ("investigate_by", "reply_by"), "status = 'received'"),
    ("ix_complaints_investigating_deadline", ("reply_by",), "status = 'investigating'"),
]
REPLACED = [
    ("ix_intake_complaints_status", "status"),
    ("ix_intake_complaints_customer_id", "customer_id"),
    ("ix_intake_complaints_reply_by", "reply_by"),
]


def upgrade() -> None:
    for name, columns, where in INDEXES:
        op.create_index(
            name, "complaints", list(columns), schema=SCHEMA, postgresql_where=sa.text(where) if where else None
        )
    for name, _column in REPLACED:
        op.drop_index(name, "complaints", schema=SCHEMA)


def downgrade() -> None:
    for name, column in REPLACED:
        op.create_index(name, "complaints", [column], schema=SCHEMA)
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, "complaints", schema=SCHEMA)
