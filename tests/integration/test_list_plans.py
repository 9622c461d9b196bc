"""Flat with years of data (issue 18): every list a front end uses is answered from an index.

A database of its own is seeded with ten years of a plant's data (bench/scale_seed.py, 4 % of the
benchmark's full size) and analyzed; each list route's own query (the repository's select with the
route's filters, captured as the service runs it) is run under ``EXPLAIN (ANALYZE)``. A table is
*large* when the planner's statistics give it at least ``LARGE_ROWS`` rows; a plan fails when it
scans a large table sequentially, or reads more than ``READ_SHARE`` of one (rows returned plus rows
a filter threw away): a walk in the list's order that discards most of what it reads costs as much
as a scan and grows with the years. Small tables (catalogs, calendars) may be scanned."""

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.scale_seed import CLOSE_MONTH, FULL, seed
from services.classification.incidents import repository as incidents
from services.classification.incidents.schemas import IncidentQuery
from services.crm.customers import repository as customers
from services.crm.customers.schemas import CustomerQuery
from services.crm.visits import repository as visit_repository
from services.crm.visits import service as visits
from services.crm.visits.schemas import PlanFilter, VisitPlanQuery
from services.intake.complaints import repository as complaints
from services.intake.complaints import service as complaint_service
from services.intake.complaints.schemas import ComplaintQuery
from services.sanctions.notices import repository as notices
from services.sanctions.notices.schemas import NoticeQuery
from services.sanctions.summaries import service as summaries
from shared.auth import Principal
from shared.bootstrap import SERVICES, asyncpg_kwargs, bootstrap_database
from shared.db import admin_url, make_sessionmaker, service_url
from shared.http.pagination import Keyset, page_of
from shared.migrations import upgrade
from shared.schemas import ListQuery
from shared.stack import Stack

pytestmark = pytest.mark.integration

SEEDED = FULL.scaled(0.04)
LARGE_ROWS = 1_000
READ_SHARE = 0.1
PAGE = 51
# Whose search it is: only the complainant's name and phone depend on the reader, and no plan searches them.
READER = Principal(sub="EXPLAIN")


@dataclass(frozen=True)
class Seeded:
    url: str
    password: str
    large: dict[str, float]
    sample: dict[str, Any]


@pytest.fixture(scope="module")
async def seeded(stack: Stack) -> AsyncIterator[Seeded]:
    name = f"qms_plans_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    await admin.execute(f"CREATE DATABASE {name}")
    url = make_url(stack.database_url or "").set(database=name).render_as_string(hide_password=False)
    try:
        await bootstrap_database(url, {service: stack.db_password for service in SERVICES})
        for service in SERVICES:
            await asyncio.to_thread(upgrade, service, url, stack.db_password)
        scratch = await asyncpg.connect(**asyncpg_kwargs(admin_url(url)))
        try:
            await seed(scratch, SEEDED)
            yield Seeded(url, stack.db_password, await _large_tables(scratch), await _sample(scratch))
        finally:
            await scratch.close()
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def _large_tables(conn: asyncpg.Connection) -> dict[str, float]:
    rows = await conn.fetch(
        "SELECT n.nspname || '.' || c.relname AS name, c.reltuples FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND c.reltuples >= $1",
        LARGE_ROWS,
    )
    return {row["name"]: row["reltuples"] for row in rows}


async def _sample(conn: asyncpg.Connection) -> dict[str, Any]:
    """Values a clerk would filter on: the commonest customer and model, a rare shipped batch."""
    major = await conn.fetchrow(
        "SELECT shipped_batch_no, production_date, model FROM classification.incidents WHERE level = 'major' LIMIT 1"
    )
    return {
        "customer": "C-1",
        "model": "M-0001",
        "employee": "E-1",
        "shipped_batch_no": major["shipped_batch_no"],
        "production_date": major["production_date"],
        "source_id": await conn.fetchval("SELECT source_id FROM classification.incident_sources LIMIT 1 OFFSET 77"),
        "line_id": "RL-77",
        "complaint_id": await conn.fetchval(
            "SELECT id FROM intake.complaints WHERE product_model = 'M-0001' ORDER BY received_at DESC LIMIT 1"
        ),
    }


@contextlib.asynccontextmanager
async def explaining(seeded: Seeded, service: str) -> AsyncIterator[tuple[AsyncSession, list[dict[str, Any]]]]:
    """A service's session whose every SELECT is first run under EXPLAIN (ANALYZE) on the same
    connection, with the same parameters: the plan of the query the code really sends."""
    engine = create_async_engine(
        service_url(seeded.url, service, seeded.password),
        connect_args={"server_settings": {"search_path": service, "timezone": "UTC"}},
    )
    plans: list[dict[str, Any]] = []

    def explain(_conn: Any, cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            cursor.execute(f"EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) {statement}", parameters)
            document = cursor.fetchall()[0][0]
            plans.append((json.loads(document) if isinstance(document, str) else document)[0]["Plan"])

    event.listen(engine.sync_engine, "before_cursor_execute", explain)
    try:
        async with make_sessionmaker(engine, service)() as session:
            yield session, plans
    finally:
        await engine.dispose()


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def wasteful_scans(plans: list[dict[str, Any]], large: dict[str, float]) -> list[str]:
    found = []
    for node in (node for plan in plans for node in _nodes(plan)):
        table = f"{node.get('Schema')}.{node.get('Relation Name')}"
        if table not in large:
            continue
        read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        if "Seq Scan" in node["Node Type"] or read > READ_SHARE * large[table]:
            found.append(f"{node['Node Type']} on {table} read {read:.0f} of {large[table]:.0f} rows")
    return found


Query = Callable[[AsyncSession, dict[str, Any]], Awaitable[object]]
NOW = datetime.now(UTC)


def listed(query: Any, keyset: Keyset) -> Callable[[AsyncSession], Awaitable[object]]:
    """A page as the list route asks for it: the repository's select through the one pagination helper."""
    return lambda session: page_of(session, query, keyset, ListQuery(limit=PAGE))


def complaints_where(**filters: Any) -> Query:
    where = ComplaintQuery(**filters)
    return lambda session, _: listed(complaints.search(where, READER, NOW), complaints.KEYSET)(session)


def complaints_of(key: str, column: str) -> Query:
    return lambda session, sample: listed(
        complaints.search(ComplaintQuery(**{column: sample[key]}), READER, NOW), complaints.KEYSET
    )(session)


async def comparison(session: AsyncSession, sample: dict[str, Any]) -> object:
    complaint = await complaints.get(session, sample["complaint_id"])
    assert complaint is not None
    return await complaint_service.comparison(session, complaint)


def incidents_where(**filters: Any) -> Query:
    def run(session: AsyncSession, sample: dict[str, Any]) -> Awaitable[object]:
        where = IncidentQuery(**{key: sample.get(value, value) for key, value in filters.items()})
        return listed(incidents.search(where), incidents.KEYSET)(session)

    return run


def notices_where(**filters: Any) -> Query:
    def run(session: AsyncSession, sample: dict[str, Any]) -> Awaitable[object]:
        where = NoticeQuery(**{key: sample.get(value, value) for key, value in filters.items()})
        return listed(notices.search(where, where.employee_id), notices.KEYSET)(session)

    return run


def customers_of_tier(tier: str) -> Query:
    return lambda session, _: listed(customers.search(CustomerQuery(tier=tier)), customers.KEYSET)(session)


def visit_plans(status: PlanFilter) -> Query:
    return lambda session, _: listed(
        visit_repository.search_plans(visits.plans_to_list(VisitPlanQuery(status=status), date.today())),
        visit_repository.PLAN_KEYSET,
    )(session)


A_YEAR_AGO = NOW - timedelta(days=365)
LISTS: dict[str, tuple[str, Query]] = {
    "complaints received": ("intake", complaints_where(status=["received"])),
    "complaints closed": ("intake", complaints_where(status=["closed"])),
    "complaints by kind": ("intake", complaints_where(kind="service")),
    "complaints serious": ("intake", complaints_where(severity="serious")),
    "complaints of a customer": ("intake", complaints_of("customer", "customer_id")),
    "complaints overdue": ("intake", complaints_where(overdue=True)),
    "complaints received between": (
        "intake",
        complaints_where(received_from=A_YEAR_AGO, received_to=A_YEAR_AGO + timedelta(days=31)),
    ),
    "complaints of a model": ("intake", complaints_of("model", "model")),
    "CMP-6 comparison": ("intake", comparison),
    "CMP-3 overdue gauge": ("intake", lambda session, _: complaint_service.overdue_count(session)),
    "incidents major": ("classification", incidents_where(level="major")),
    "incidents general": ("classification", incidents_where(level="general")),
    "incidents of a model": ("classification", incidents_where(model="model")),
    "incidents of a production date": ("classification", incidents_where(production_date="production_date")),
    "incidents of a shipped batch": ("classification", incidents_where(shipped_batch_no="shipped_batch_no")),
    "incidents of a source": ("classification", incidents_where(source_id="source_id")),
    "incidents of a return line": ("classification", incidents_where(source_id="line_id")),
    "notices of an employee": ("sanctions", notices_where(employee_id="employee")),
    "notices of a month": ("sanctions", notices_where(month=CLOSE_MONTH)),
    "notices of a clause": ("sanctions", notices_where(clause="5.2.1.3")),
    "SAN-5 month summary": ("sanctions", lambda session, _: summaries.summary(session, CLOSE_MONTH)),
    "customers of a tier": ("crm", customers_of_tier("vip")),
    "customers untiered": ("crm", customers_of_tier("none")),
    "CRM-5 visits due": ("crm", visit_plans(PlanFilter.DUE)),
    "CRM-5 visits overdue": ("crm", visit_plans(PlanFilter.OVERDUE)),
}


@pytest.mark.parametrize("name", LISTS)
async def test_a_list_reads_an_index_never_a_large_table(seeded: Seeded, name: str) -> None:
    service, query = LISTS[name]
    async with explaining(seeded, service) as (session, plans):
        await query(session, seeded.sample)
    assert plans, "the route sent no SELECT"
    assert wasteful_scans(plans, seeded.large) == []
