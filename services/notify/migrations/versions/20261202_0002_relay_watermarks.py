"""outbox: where the broker had acknowledged the relay's batches, to notice a lost log (SPEC §9)"""

from shared.migrations import relay_watermarks_revision

revision = "20261202_0002_relay"
down_revision = "20261202_0001_notify"
upgrade, downgrade = relay_watermarks_revision("notify")
