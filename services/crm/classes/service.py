"""CRM-4 scoring table decisions: the table in force, replacing it, reclassifying (never commits)."""

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.classes import repository
from services.crm.classes.models import ScoringTableVersion
from services.crm.classes.rules import DEFAULT_TABLE, SalesBand, ScoringTable, classify, table_problems
from services.crm.classes.schemas import ScoringTableIn, ScoringTableOut
from services.crm.customers import repository as customers
from shared import clock
from shared.auth import Principal
from shared.errors import unprocessable


def table_to_json(table: ScoringTable) -> dict[str, Any]:
    return {
        "nature": dict(table.nature),
        "scale": dict(table.scale),
        "trend": dict(table.trend),
        "sales_bands": [{"min_revenue": str(b.min_revenue), "points": b.points} for b in table.sales_bands],
        "class_minimums": dict(table.class_minimums),
        "visit_interval_months": dict(table.visit_interval_months),
    }


def table_from_json(stored: dict[str, Any]) -> ScoringTable:
    return ScoringTable(
        nature=stored["nature"],
        scale=stored["scale"],
        trend=stored["trend"],
        sales_bands=tuple(SalesBand(Decimal(b["min_revenue"]), int(b["points"])) for b in stored["sales_bands"]),
        class_minimums=stored["class_minimums"],
        visit_interval_months=stored["visit_interval_months"],
    )


async def table_in_force(session: AsyncSession) -> tuple[ScoringTableVersion | None, ScoringTable]:
    """The latest table set through the API, or the shipped default (version 0)."""
    stored = await repository.latest(session)
    return stored, table_from_json(stored.table) if stored is not None else DEFAULT_TABLE


def table_of(payload: ScoringTableIn) -> ScoringTable:
    return ScoringTable(
        nature=payload.nature,
        scale=payload.scale,
        trend=payload.trend,
        sales_bands=tuple(SalesBand(b.min_revenue, b.points) for b in payload.sales_bands),
        class_minimums={str(name): points for name, points in payload.class_minimums.items()},
        visit_interval_months={str(name): months for name, months in payload.visit_interval_months.items()},
    )


async def replace_table(session: AsyncSession, payload: ScoringTableIn, principal: Principal) -> ScoringTableOut:
    """CRM-4: a new table version; every classified customer is reclassified with it in the same transaction."""
    table = table_of(payload)
    problems = table_problems(table)
    if problems:
        raise unprocessable("invalid_scoring_table", "; ".join(problems))
    await repository.lock_for_change(session)
    in_use = await customers.factor_values_in_use(session)
    missing = [
        f"{factor} {value!r}"
        for factor, options in (("nature", table.nature), ("scale", table.scale), ("trend", table.trend))
        for value in in_use[factor]
        if value not in options
    ]
    if missing:
        raise unprocessable(
            "scoring_option_in_use", f"customers still use options the table drops: {', '.join(sorted(missing))}"
        )
    stored = ScoringTableVersion(
        version=await repository.next_version(session),
        table=table_to_json(table),
        set_by=principal.sub,
        set_at=clock.now(),
    )
    await repository.add(session, stored)
    reclassified = 0
    for customer in await customers.classified(session):
        assert customer.nature and customer.scale and customer.trend
        result = classify(table, customer.nature, customer.scale, customer.trend, customer.annual_revenue)
        if (result.customer_class, result.score) != (customer.customer_class, customer.class_score):
            customer.customer_class, customer.class_score = result.customer_class, result.score
            reclassified += 1
    await session.flush()
    return ScoringTableOut.of(stored, table, reclassified)
