"""outbox: where the broker had acknowledged the relay's batches, to notice a lost log (SPEC §9)"""

from shared.migrations import relay_watermarks_revision

revision = "20261202_0006_relay"
down_revision = "20261202_0005_rules_intake"
upgrade, downgrade = relay_watermarks_revision("intake")
