"""attachments on fee statements (SPEC §11, ATT-1)"""

from shared.migrations import attachments_revision

revision = "20261202_0006_attachments"
down_revision = "20261202_0005_relay"
upgrade, downgrade = attachments_revision("crm")
