"""Alembic per service: its own history, its version table inside its own schema."""

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command, op
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.db import admin_url, owner_role, service_url
from shared.tables import outbox_channel, platform_tables

REPO_ROOT = Path(__file__).resolve().parent.parent

Step = Callable[[], None]
"""A revision's ``upgrade`` or ``downgrade``."""


def alembic_config(service: str, database_url: str, password: str, as_owner: bool = False) -> Config:
    """Migrations log in as the service's role; ``as_owner``: as the administrator of ``database_url``
    acting as the schema's owner role (the production model of ``shared.bootstrap``)."""
    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "services" / service / "migrations"))
    url = admin_url(database_url) if as_owner else service_url(database_url, service, password)
    config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["schema"] = service
    config.attributes["role"] = owner_role(service) if as_owner else None
    return config


def upgrade(service: str, database_url: str, password: str, revision: str = "head", as_owner: bool = False) -> None:
    command.upgrade(alembic_config(service, database_url, password, as_owner), revision)


def create_platform_tables(schema: str) -> None:
    """Outbox, inbox and idempotency tables, and the trigger that wakes the relay (LISTEN/NOTIFY), as
    the first revision of every service made them (the outbox as it was then: later revisions change it)."""
    tables = platform_tables(schema)
    bind = op.get_bind()
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, autoincrement=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
        schema=schema,
    )
    for table in (tables.inbox, tables.idempotency):
        table.create(bind)
    op.execute(f"CREATE INDEX ix_outbox_unpublished ON {schema}.outbox (id) WHERE published_at IS NULL")
    op.execute(f"CREATE INDEX ix_outbox_created_at ON {schema}.outbox (created_at)")
    _create_outbox_notify_trigger(schema)


def drop_platform_tables(schema: str) -> None:
    """Undoes ``create_platform_tables``: what the first revision of every service leaves to drop last."""
    for table in ("idempotency_keys", "inbox", "outbox"):
        op.drop_table(table, schema=schema)
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.notify_outbox()")


def _create_outbox_notify_trigger(schema: str) -> None:
    op.execute(
        text(
            f"""
            CREATE FUNCTION {schema}.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{outbox_channel(schema)}', ''); RETURN NULL; END $$
            """
        )
    )
    op.execute(
        f"CREATE TRIGGER outbox_notify AFTER INSERT ON {schema}.outbox "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_outbox()"
    )


def outbox_inserted_trigger(schema: str) -> list[str]:
    """The statements making the outbox's insert trigger: it lists the new rows as unpublished and wakes
    the relay (LISTEN/NOTIFY), once per statement however many rows it inserted."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION {schema}.outbox_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {schema}.outbox_unpublished (id) SELECT id FROM new_rows;
            PERFORM pg_notify('{outbox_channel(schema)}', '');
            RETURN NULL;
        END $$
        """,
        f"DROP TRIGGER IF EXISTS outbox_inserted ON {schema}.outbox",
        f"""
        CREATE TRIGGER outbox_inserted AFTER INSERT ON {schema}.outbox
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {schema}.outbox_inserted()
        """,
    ]


def list_unpublished_outbox_rows_apart(schema: str) -> None:
    """Moves the outbox's publish marks to ``outbox_unpublished`` (the ids still to publish): the relay
    deletes an id once its event is acknowledged instead of updating the outbox row. Drops the
    never-used ``attempts`` column."""
    op.create_table(
        "outbox_unpublished",
        sa.Column("id", sa.BigInteger, autoincrement=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_unpublished"),
        schema=schema,
    )
    op.execute(
        f"INSERT INTO {schema}.outbox_unpublished (id) SELECT id FROM {schema}.outbox WHERE published_at IS NULL"
    )
    op.execute(f"DROP TRIGGER outbox_notify ON {schema}.outbox")
    op.execute(f"DROP FUNCTION {schema}.notify_outbox()")
    for statement in outbox_inserted_trigger(schema):
        op.execute(text(statement))
    op.drop_index("ix_outbox_unpublished", table_name="outbox", schema=schema)
    op.drop_column("outbox", "published_at", schema=schema)
    op.drop_column("outbox", "attempts", schema=schema)


def keep_unpublished_outbox_rows_inline(schema: str) -> None:
    """Reverts ``list_unpublished_outbox_rows_apart``."""
    op.add_column("outbox", sa.Column("attempts", sa.Integer, nullable=False, server_default="0"), schema=schema)
    op.add_column("outbox", sa.Column("published_at", sa.DateTime(timezone=True)), schema=schema)
    op.execute(
        f"UPDATE {schema}.outbox SET published_at = now() WHERE id NOT IN (SELECT id FROM {schema}.outbox_unpublished)"
    )
    op.execute(f"CREATE INDEX ix_outbox_unpublished ON {schema}.outbox (id) WHERE published_at IS NULL")
    op.execute(f"DROP TRIGGER outbox_inserted ON {schema}.outbox")
    op.execute(f"DROP FUNCTION {schema}.outbox_inserted()")
    _create_outbox_notify_trigger(schema)
    op.drop_table("outbox_unpublished", schema=schema)


def create_outbox_watermarks(schema: str) -> None:
    """Where the broker had acknowledged the relay's batches, per topic partition (SPEC §9 Delivery)."""
    op.create_table(
        "outbox_watermarks",
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer, nullable=False),
        sa.Column("acknowledged", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("topic", "partition", name="pk_outbox_watermarks"),
        schema=schema,
    )


# The revisions every service shipped alike, as (upgrade, downgrade) of ``schema``. Shipped revisions
# call these: what they emit is frozen, a change is a new revision with a new helper.


def outbox_unpublished_revision(schema: str) -> tuple[Step, Step]:
    return _revision(schema, list_unpublished_outbox_rows_apart, keep_unpublished_outbox_rows_inline)


def relay_watermarks_revision(schema: str) -> tuple[Step, Step]:
    return _revision(schema, create_outbox_watermarks, _drop_table("outbox_watermarks"))


def attachments_revision(schema: str) -> tuple[Step, Step]:
    return _revision(schema, _create_attachments_table, _drop_table("attachments"))


def _revision(schema: str, up: Callable[[str], None], down: Callable[[str], None]) -> tuple[Step, Step]:
    # Named functions, not partials: alembic names each step it logs by its function's __name__.
    def upgrade() -> None:
        up(schema)

    def downgrade() -> None:
        down(schema)

    return upgrade, downgrade


def _drop_table(table: str) -> Callable[[str], None]:
    return lambda schema: op.drop_table(table, schema=schema)


def _create_attachments_table(schema: str) -> None:
    from shared.attachments import create_attachments_table  # the web platform only when migrating

    create_attachments_table(schema)
