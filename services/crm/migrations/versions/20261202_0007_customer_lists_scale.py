"""customer and visit-plan lists flat with years of data (issue 18)

Customers are listed by id: the tier filter gets (tier, id) in place of (tier). Visit plans are
listed by (due_on, id) and the due and overdue lists (CRM-5) read only open plans, a few among
years of done ones: a partial index of the open plans in that order.
"""

import sqlalchemy as sa
from alembic import op

revision = "20261202_0007_scale"
down_revision = "20261202_0006_attachments"

SCHEMA = "crm"


def upgrade() -> None:
    op.create_index("ix_customers_tier_id", "customers", ["tier", "id"], schema=SCHEMA)
    op.drop_index("ix_customers_tier", "customers", schema=SCHEMA)
    op.create_index(
        "ix_visit_plans_open_due",
        "visit_plans",
        ["due_on", "id"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'planned'"),
    )


def downgrade() -> None:
    op.drop_index("ix_visit_plans_open_due", "visit_plans", schema=SCHEMA)
    op.create_index("ix_customers_tier", "customers", ["tier"], schema=SCHEMA)
    op.drop_index("ix_customers_tier_id", "customers", schema=SCHEMA)
