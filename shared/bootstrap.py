"""Creates what a service needs before its migrations can run: its schema and its login role.

Runs as the server's administrator. Each role owns its schema and has no rights on any other,
so a service that tried to read another's tables would be refused by Postgres itself.
"""

import asyncpg
from sqlalchemy.engine import URL

from shared.db import admin_url, role_name

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


async def bootstrap_database(database_url: str, passwords: dict[str, str]) -> None:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(database_url)))  # type: ignore[arg-type]
    try:
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        for service in SERVICES:
            await ensure_service_schema(conn, service, passwords[service])
    finally:
        await conn.close()
