"""incident search by text: n-gram array with a GIN index (SPEC §12)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from shared.search import text_grams

revision = "20261202_0008_search_grams"
down_revision = "20261202_0007_scale"

SCHEMA = "classification"


def upgrade() -> None:
    op.add_column(
        "incidents",
        sa.Column("search_grams", ARRAY(sa.Text()), server_default="{}", nullable=False),
        schema=SCHEMA,
    )
    connection = op.get_bind()
    update = sa.text(f"UPDATE {SCHEMA}.incidents SET search_grams = :grams WHERE id = :id").bindparams(
        sa.bindparam("grams", type_=ARRAY(sa.Text()))
    )
    rows = connection.execute(sa.text(f"SELECT id, model, description, shipped_batch_no FROM {SCHEMA}.incidents"))
    for incident_id, model, description, shipped_batch_no in rows.all():
        connection.execute(update, {"id": incident_id, "grams": text_grams(model, description, shipped_batch_no)})
    op.create_index("ix_incidents_search_grams", "incidents", ["search_grams"], schema=SCHEMA, postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_incidents_search_grams", "incidents", schema=SCHEMA)
    op.drop_column("incidents", "search_grams", schema=SCHEMA)
