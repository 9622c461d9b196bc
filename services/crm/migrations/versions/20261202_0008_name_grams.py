"""customer search by a part of the name: n-gram array with a GIN index (SPEC §12)"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from shared.search import text_grams

revision = "20261202_0008_name_grams"
down_revision = "20261202_0007_scale"

SCHEMA = "crm"


def upgrade() -> None:
    op.add_column(
        "customers",
        sa.Column("name_grams", ARRAY(sa.Text()), server_default="{}", nullable=False),
        schema=SCHEMA,
    )
    connection = op.get_bind()
    update = sa.text(f"UPDATE {SCHEMA}.customers SET name_grams = :grams WHERE id = :id").bindparams(
        sa.bindparam("grams", type_=ARRAY(sa.Text()))
    )
    for customer_id, name in connection.execute(sa.text(f"SELECT id, name FROM {SCHEMA}.customers")).all():
        connection.execute(update, {"id": customer_id, "grams": text_grams(name)})
    op.create_index("ix_customers_name_grams", "customers", ["name_grams"], schema=SCHEMA, postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_customers_name_grams", "customers", schema=SCHEMA)
    op.drop_column("customers", "name_grams", schema=SCHEMA)
