"""Creates what a service needs before its migrations can run: its schema and its login role.

Runs as the server's administrator. Each service's login role has no rights on any other schema, so
a service that tried to read another's tables would be refused by Postgres itself.

Two models. In the embedded development stack the login role owns its schema. In production
(``QMS_DB_SEPARATE_OWNER``) the schema and everything in it belong to ``qms_<service>_owner``, a role
that cannot log in and that only migrations act as; the login role may read and write the rows of its
schema (DML) but not change it (no DDL, no ownership).
"""

import asyncpg
from sqlalchemy.engine import URL

from shared.db import admin_url, owner_role, role_name

SERVICES = ("intake", "classification", "sanctions", "crm", "notify")


def asyncpg_kwargs(url: URL) -> dict[str, object]:
    """Connection arguments for a raw asyncpg connection (unix-socket URLs carry ``?host=``)."""
    host = url.query.get("host") or url.host
    return {
        "user": url.username,
        "password": url.password,
        "host": host,
        "port": url.port,
        "database": url.database,
    }


async def ensure_service_schema(conn: asyncpg.Connection, service: str, password: str) -> None:
    role = role_name(service)
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    quoted_password = password.replace("'", "''")
    verb = "ALTER" if exists else "CREATE"
    await conn.execute(f"{verb} ROLE {role} LOGIN PASSWORD '{quoted_password}'")
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {role}")
    await conn.execute(f"ALTER SCHEMA {service} OWNER TO {role}")
    await conn.execute(f"REVOKE ALL ON SCHEMA {service} FROM PUBLIC")
    await conn.execute(f"ALTER ROLE {role} SET search_path = {service}")


async def _ensure_role(conn: asyncpg.Connection, role: str, options: str) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    await conn.execute(f"{'ALTER' if exists else 'CREATE'} ROLE {role} {options}")


def runtime_grants(service: str) -> list[str]:
    """What the login role may do in a schema it does not own: use it, and read and write its rows."""
    role, owner = role_name(service), owner_role(service)
    return [
        f"REVOKE ALL ON SCHEMA {service} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {service} FROM {role}",
        f"GRANT USAGE ON SCHEMA {service} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {service} TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {service} TO {role}",
        # What later migrations create, the login role may use in the same way.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {service} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {service} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]


async def ensure_owned_service_schema(conn: asyncpg.Connection, service: str, password: str) -> None:
    """The production model: the schema owned by ``qms_<service>_owner``, DML for the login role. A
    schema of the development model (owned by the login role) is handed over to the owner."""
    role, owner = role_name(service), owner_role(service)
    await _ensure_role(conn, owner, "NOLOGIN")
    quoted_password = password.replace("'", "''")
    await _ensure_role(conn, role, f"LOGIN PASSWORD '{quoted_password}'")
    # Migrations connect as the administrator and act as the owner (a managed server's administrator
    # is no superuser, so it needs the membership).
    await conn.execute(f"GRANT {owner} TO CURRENT_USER")
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {owner}")
    await conn.execute(f"REASSIGN OWNED BY {role} TO {owner}")
    await conn.execute(f"ALTER SCHEMA {service} OWNER TO {owner}")
    for statement in runtime_grants(service):
        await conn.execute(statement)
    for each in (role, owner):
        await conn.execute(f"ALTER ROLE {each} SET search_path = {service}")


async def bootstrap_database(database_url: str, passwords: dict[str, str], separate_owner: bool = False) -> None:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(database_url)))
    ensure = ensure_owned_service_schema if separate_owner else ensure_service_schema
    try:
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        for service in SERVICES:
            await ensure(conn, service, passwords[service])
    finally:
        await conn.close()
