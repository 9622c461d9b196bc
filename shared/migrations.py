"""Alembic per service: its own history, its version table inside its own schema."""

from pathlib import Path

from alembic import command, op
from alembic.config import Config
from sqlalchemy import text

from shared.db import service_url
from shared.tables import outbox_channel, platform_tables

REPO_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(service: str, database_url: str, password: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "services" / service / "migrations"))
    url = service_url(database_url, service, password)
    config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["schema"] = service
    return config


def upgrade(service: str, database_url: str, password: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, database_url, password), revision)


def create_platform_tables(schema: str) -> None:
    """Outbox, inbox and idempotency tables, and the trigger that wakes the relay (LISTEN/NOTIFY)."""
    tables = platform_tables(schema)
    bind = op.get_bind()
    for table in (tables.outbox, tables.inbox, tables.idempotency):
        table.create(bind)
    op.execute(f"CREATE INDEX ix_outbox_unpublished ON {schema}.outbox (id) WHERE published_at IS NULL")
    op.execute(f"CREATE INDEX ix_outbox_created_at ON {schema}.outbox (created_at)")
    channel = outbox_channel(schema)
    op.execute(
        text(
            f"""
            CREATE FUNCTION {schema}.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{channel}', ''); RETURN NULL; END $$
            """
        )
    )
    op.execute(
        f"CREATE TRIGGER outbox_notify AFTER INSERT ON {schema}.outbox "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_outbox()"
    )
