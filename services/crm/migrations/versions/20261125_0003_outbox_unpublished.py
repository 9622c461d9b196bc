"""outbox: the ids still to publish in their own table"""

from shared.migrations import outbox_unpublished_revision

revision = "20261125_0003"
down_revision = "20261124_0002"
upgrade, downgrade = outbox_unpublished_revision("crm")
