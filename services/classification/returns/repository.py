"""All SQL of return lines and their aggregates: set-based, one statement per fetched batch (CLS-2).

Row locks are always taken in key order, so two consumers sharing a shipped batch wait, never deadlock.
"""

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.returns.rules import CountKey, Settled, Sum
from shared.events.intake import ReturnRecordedV1


async def insert_new_lines(session: AsyncSession, lines: list[ReturnRecordedV1]) -> set[str]:
    """Stores the lines not seen before; returns their ids (a line id seen before counts nowhere again)."""
    ordered = sorted(lines, key=lambda line: line.line_id)
    rows = await session.execute(
        text(
            "INSERT INTO classification.return_lines "
            "(line_id, model, production_date, batch_no, shipped_batch_no, quantity, customer_id, returned_at, "
            "complaint_id) "
            "SELECT * FROM unnest(CAST(:line_ids AS text[]), CAST(:models AS text[]), CAST(:dates AS date[]), "
            "CAST(:batch_nos AS text[]), CAST(:shipped AS text[]), CAST(:quantities AS integer[]), "
            "CAST(:customers AS text[]), CAST(:returned AS timestamptz[]), CAST(:complaints AS text[])) "
            "ON CONFLICT (line_id) DO NOTHING RETURNING line_id"
        ),
        {
            "line_ids": [line.line_id for line in ordered],
            "models": [line.model for line in ordered],
            "dates": [line.production_date for line in ordered],
            "batch_nos": [line.batch_no for line in ordered],
            "shipped": [line.shipped_batch_no for line in ordered],
            "quantities": [line.quantity for line in ordered],
            "customers": [line.customer_id for line in ordered],
            "returned": [line.returned_at for line in ordered],
            "complaints": [line.complaint_id for line in ordered],
        },
    )
    return {row.line_id for row in rows}


def _key_columns(keys: list[CountKey]) -> dict[str, list[Any]]:
    """The keys as the three arrays ``unnest`` reads back into (complaint, model, date) rows."""
    return {
        "complaints": [key[0] for key in keys],
        "models": [key[1] for key in keys],
        "dates": [key[2] for key in keys],
    }


async def lock_complaint_counts(session: AsyncSession, keys: list[CountKey]) -> dict[CountKey, Settled]:
    """What each complaint stands for in each (model, date) sum so far, its row locked until commit (made
    if new) in key order: a complaint and the returns settling it, applied at once by two consumers,
    wait for each other and each sees what the other counted."""
    if not keys:
        return {}
    ordered = sorted(set(keys))
    rows = await session.execute(
        text(
            "INSERT INTO classification.complaint_counts AS t (complaint_id, model, production_date) "
            "SELECT c, m, d FROM unnest(CAST(:complaints AS text[]), CAST(:models AS text[]), "
            "CAST(:dates AS date[])) AS u(c, m, d) ORDER BY c, m, d "
            # A no-op update: it locks an existing row and RETURNING shows its values as they were.
            "ON CONFLICT (complaint_id, model, production_date) DO UPDATE SET updated_at = t.updated_at "
            "RETURNING complaint_id, model, production_date, complained, returned"
        ),
        _key_columns(ordered),
    )
    return {(r.complaint_id, r.model, r.production_date): Settled(r.complained, r.returned) for r in rows}


async def write_complaint_counts(session: AsyncSession, counts: dict[CountKey, Settled]) -> None:
    if not counts:
        return
    ordered = sorted(counts)
    await session.execute(
        text(
            "UPDATE classification.complaint_counts AS t SET complained = u.c, returned = u.r, updated_at = now() "
            "FROM unnest(CAST(:complaints AS text[]), CAST(:models AS text[]), CAST(:dates AS date[]), "
            "CAST(:complained AS integer[]), CAST(:returned AS bigint[])) AS u(id, m, d, c, r) "
            "WHERE t.complaint_id = u.id AND t.model = u.m AND t.production_date = u.d"
        ),
        {
            **_key_columns(ordered),
            "complained": [counts[key].complained for key in ordered],
            "returned": [counts[key].returned for key in ordered],
        },
    )


async def add_to_model_dates(session: AsyncSession, sums: dict[tuple[str, date], Sum]) -> dict[tuple[str, date], int]:
    """Adds to the (model, production date) totals atomically; returns the new totals."""
    if not sums:
        return {}
    keys = sorted(sums)
    rows = await session.execute(
        text(
            "INSERT INTO classification.returns_by_model_date AS t (model, production_date, quantity, lines) "
            "SELECT m, d, q, n FROM unnest(CAST(:models AS text[]), CAST(:dates AS date[]), "
            "CAST(:quantities AS bigint[]), CAST(:lines AS bigint[])) AS u(m, d, q, n) ORDER BY m, d "
            "ON CONFLICT (model, production_date) DO UPDATE SET quantity = t.quantity + EXCLUDED.quantity, "
            "lines = t.lines + EXCLUDED.lines, updated_at = now() "
            "RETURNING model, production_date, quantity"
        ),
        {
            "models": [model for model, _ in keys],
            "dates": [day for _, day in keys],
            "quantities": [sums[key].quantity for key in keys],
            "lines": [sums[key].lines for key in keys],
        },
    )
    return {(row.model, row.production_date): row.quantity for row in rows}


async def add_to_shipped_batches(session: AsyncSession, sums: dict[str, Sum]) -> dict[str, int]:
    """Adds to the shipped-batch totals atomically; these rows are shared by every partition."""
    if not sums:
        return {}
    keys = sorted(sums)
    rows = await session.execute(
        text(
            "INSERT INTO classification.returns_by_shipped_batch AS t (shipped_batch_no, quantity, lines) "
            "SELECT s, q, n FROM unnest(CAST(:shipped AS text[]), CAST(:quantities AS bigint[]), "
            "CAST(:lines AS bigint[])) AS u(s, q, n) ORDER BY s "
            "ON CONFLICT (shipped_batch_no) DO UPDATE SET quantity = t.quantity + EXCLUDED.quantity, "
            "lines = t.lines + EXCLUDED.lines, updated_at = now() "
            "RETURNING shipped_batch_no, quantity"
        ),
        {
            "shipped": keys,
            "quantities": [sums[key].quantity for key in keys],
            "lines": [sums[key].lines for key in keys],
        },
    )
    return {row.shipped_batch_no: row.quantity for row in rows}


async def model_dates_of_shipped_batch(session: AsyncSession, shipped_batch_no: str) -> list[tuple[str, date]]:
    rows = await session.execute(
        text(
            "SELECT DISTINCT model, production_date FROM classification.return_lines "
            "WHERE shipped_batch_no = :shipped ORDER BY model, production_date"
        ),
        {"shipped": shipped_batch_no},
    )
    return [(row.model, row.production_date) for row in rows]


async def model_date_total(session: AsyncSession, model: str, production_date: date) -> tuple[int, int]:
    row = (
        await session.execute(
            text(
                "SELECT quantity, lines FROM classification.returns_by_model_date "
                "WHERE model = :model AND production_date = :day"
            ),
            {"model": model, "day": production_date},
        )
    ).first()
    return (row.quantity, row.lines) if row else (0, 0)


async def shipped_batch_total(session: AsyncSession, shipped_batch_no: str) -> tuple[int, int]:
    row = (
        await session.execute(
            text("SELECT quantity, lines FROM classification.returns_by_shipped_batch WHERE shipped_batch_no = :s"),
            {"s": shipped_batch_no},
        )
    ).first()
    return (row.quantity, row.lines) if row else (0, 0)
