"""complaint search: n-gram arrays with GIN indexes; closed_at indexed for the review (SPEC §12)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from shared.search import text_grams

revision = "20261202_0009_search_grams"
down_revision = "20261202_0008_scale"

SCHEMA = "intake"


def upgrade() -> None:
    for column in ("search_grams", "personal_grams"):
        op.add_column(
            "complaints",
            sa.Column(column, ARRAY(sa.Text()), server_default="{}", nullable=False),
            schema=SCHEMA,
        )
    _fill_existing_rows()
    for column in ("search_grams", "personal_grams"):
        op.create_index(f"ix_complaints_{column}", "complaints", [column], schema=SCHEMA, postgresql_using="gin")
    # The management review counts complaints by the month they were closed.
    op.create_index("ix_complaints_closed", "complaints", ["closed_at"], schema=SCHEMA)


def _fill_existing_rows() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            f"SELECT id, complaint_no, product_model, description, complainant->>'name', complainant->>'phone' "
            f"FROM {SCHEMA}.complaints"
        )
    ).all()
    update = sa.text(
        f"UPDATE {SCHEMA}.complaints SET search_grams = :search, personal_grams = :personal WHERE id = :id"
    ).bindparams(sa.bindparam("search", type_=ARRAY(sa.Text())), sa.bindparam("personal", type_=ARRAY(sa.Text())))
    for row in rows:
        connection.execute(
            update, {"id": row[0], "search": text_grams(row[1], row[2], row[3]), "personal": text_grams(row[4], row[5])}
        )


def downgrade() -> None:
    op.drop_index("ix_complaints_closed", "complaints", schema=SCHEMA)
    for column in ("search_grams", "personal_grams"):
        op.drop_index(f"ix_complaints_{column}", "complaints", schema=SCHEMA)
        op.drop_column("complaints", column, schema=SCHEMA)
