"""outbox: where the broker had acknowledged the relay's batches, to notice a lost log (SPEC §9)"""

from shared.migrations import relay_watermarks_revision

revision = "20261202_0005_relay"
down_revision = "20261202_0004_rules_intake"
upgrade, downgrade = relay_watermarks_revision("classification")
