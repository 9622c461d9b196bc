"""incident lists flat with years of data (issue 18)

Incidents are listed newest first, keyset on (created_at, id): the level, model and production-date
filters get an index in that order (the single-column ones they replace are dropped).
"""

from alembic import op

revision = "20261202_0007_scale"
down_revision = "20261202_0006_attachments"

SCHEMA = "classification"
KEYSET = ["created_at", "id"]
INDEXES = [
    ("ix_incidents_level_created", "level", "ix_classification_incidents_level"),
    ("ix_incidents_model_created", "model", "ix_classification_incidents_model"),
    ("ix_incidents_production_date_created", "production_date", "ix_incidents_production_date"),
]


def upgrade() -> None:
    for name, column, replaced in INDEXES:
        op.create_index(name, "incidents", [column, *KEYSET], schema=SCHEMA)
        op.drop_index(replaced, "incidents", schema=SCHEMA)


def downgrade() -> None:
    for name, column, replaced in reversed(INDEXES):
        op.create_index(replaced, "incidents", [column], schema=SCHEMA)
        op.drop_index(name, "incidents", schema=SCHEMA)
