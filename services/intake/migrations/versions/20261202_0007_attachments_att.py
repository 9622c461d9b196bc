"""attachments on complaints (SPEC §11, ATT-1)"""

from shared.migrations import attachments_revision

revision = "20261202_0007_attachments"
down_revision = "20261202_0006_relay"
upgrade, downgrade = attachments_revision("intake")
