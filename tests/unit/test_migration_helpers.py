"""The revision helpers every service takes alike give alembic steps it can name in its log (it
names a step by its function's ``__name__``; a partial has none, and every migrate printed a
logging error per step)."""

from shared.migrations import attachments_revision, outbox_unpublished_revision, relay_watermarks_revision


def test_shared_revision_steps_are_named_upgrade_and_downgrade() -> None:
    for helper in (outbox_unpublished_revision, relay_watermarks_revision, attachments_revision):
        upgrade, downgrade = helper("intake")
        assert (upgrade.__name__, downgrade.__name__) == ("upgrade", "downgrade")
