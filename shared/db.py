"""Database: one async engine per service, connected as the service's own role with its schema pinned."""

from sqlalchemy import MetaData
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shared.settings import ServiceSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def role_name(service: str) -> str:
    return f"qms_{service}"


def owner_role(service: str) -> str:
    """The role owning a service's schema where migrations are apart from the service (production)."""
    return f"qms_{service}_owner"


def admin_url(database_url: str) -> URL:
    return make_url(database_url).set(drivername="postgresql+asyncpg")


def service_url(database_url: str, service: str, password: str) -> URL:
    """The same server and database as ``database_url``, logged in as the service's own role."""
    return admin_url(database_url).set(username=role_name(service), password=password)


# The relay, the consumer and the retention job each hold a connection of the pool while they work.
WORKER_CONNECTIONS = 3


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    url = service_url(settings.database_url, settings.service, settings.db_password.get_secret_value())
    # At most twice db_pool_size connections, as before. The workers' share is kept open beside the
    # requests' own: an overflow connection is closed when it is returned, and one opened and closed
    # every few requests (a Postgres backend started, the driver's types read again) cost a busy
    # service more CPU than the requests' statements.
    kept = settings.db_pool_size + WORKER_CONNECTIONS
    return create_async_engine(
        url,
        pool_size=kept,
        max_overflow=max(2 * settings.db_pool_size - kept, 0),
        pool_timeout=5,
        connect_args={
            "server_settings": {"search_path": settings.service, "timezone": "UTC"},
            "timeout": 5,
            "command_timeout": 30,
        },
    )


def make_sessionmaker(engine: AsyncEngine, schema: str) -> async_sessionmaker[AsyncSession]:
    """Sessions of one service; ``info["schema"]`` tells the platform code whose tables to use."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info={"schema": schema})
