"""All SQL of ERP returns: set-based, one statement per batch whatever its size (RET-1, RET-2)."""

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import Select, Table, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints.models import Complaint
from services.intake.returns.models import ReturnLine
from services.intake.returns.schemas import ReturnLineIn, ReturnLineQuery
from shared.events.intake import ReturnRecordedV1
from shared.http.pagination import Keyset
from shared.messaging.outbox import envelope_params, envelope_sql
from shared.queries import where_given
from shared.tables import platform_tables

# Rows go in line-id order so two overlapping batches take their row locks in the same order and
# wait for each other instead of deadlocking; ON CONFLICT makes the later one skip what the
# earlier one committed (RET-2, even under concurrent pushes). Each new line's return.recorded event
# is written by the same statement, built by Postgres from the inserted row (no Python object per
# line: an ERP push brings thousands), keyed model|production date like ReturnRecordedV1.key().
INSERT_NEW_LINES_AND_EVENTS = text(
    f"""
    WITH new_lines AS (
        INSERT INTO {cast(Table, ReturnLine.__table__).fullname}
            (line_id, model, production_date, batch_no, shipped_batch_no, quantity, customer_id, reason,
             returned_at, complaint_id, pushed_by)
        SELECT u.line_id, u.model, u.production_date, u.batch_no, u.shipped_batch_no, u.quantity,
               u.customer_id, u.reason, u.returned_at, u.complaint_id, :pushed_by
        FROM unnest(
            CAST(:line_ids AS varchar[]), CAST(:models AS varchar[]), CAST(:production_dates AS date[]),
            CAST(:batch_nos AS varchar[]), CAST(:shipped_batch_nos AS varchar[]),
            CAST(:quantities AS integer[]), CAST(:customer_ids AS varchar[]), CAST(:reasons AS text[]),
            CAST(:returned_ats AS timestamptz[]), CAST(:complaint_ids AS uuid[])
        ) AS u(line_id, model, production_date, batch_no, shipped_batch_no, quantity, customer_id, reason,
               returned_at, complaint_id)
        ORDER BY u.line_id
        ON CONFLICT (line_id) DO NOTHING
        RETURNING line_id, model, production_date, batch_no, shipped_batch_no, quantity, customer_id,
                  reason, returned_at, complaint_id
    ), events AS (
        INSERT INTO {platform_tables("intake").outbox.fullname} (event_id, topic, key, event_type, payload)
        SELECT e.event_id, '{ReturnRecordedV1.TOPIC}', e.model || '|' || to_char(e.production_date, 'YYYY-MM-DD'),
               '{ReturnRecordedV1.TYPE}', {envelope_sql(ReturnRecordedV1, row="e", subject="e.line_id")}
        FROM (SELECT gen_random_uuid() AS event_id, n.* FROM new_lines AS n) AS e
        ORDER BY e.line_id
        RETURNING 1
    )
    -- Postgres runs every data-modifying CTE to completion whether or not the query reads it.
    SELECT coalesce(array_agg(line_id), CAST(ARRAY[] AS varchar[])) FROM new_lines
    """
)


async def insert_new_lines_with_events(session: AsyncSession, lines: list[ReturnLineIn], pushed_by: str) -> set[str]:
    """Inserts the lines not seen before, each with its return.recorded event; returns the new line ids."""
    if not lines:
        return set()
    stored = await session.scalar(
        INSERT_NEW_LINES_AND_EVENTS,
        {
            **envelope_params(),
            "pushed_by": pushed_by,
            "line_ids": [line.line_id for line in lines],
            "models": [line.model for line in lines],
            "production_dates": [line.production_date for line in lines],
            "batch_nos": [line.batch_no for line in lines],
            "shipped_batch_nos": [line.shipped_batch_no for line in lines],
            "quantities": [line.quantity for line in lines],
            "customer_ids": [line.customer_id for line in lines],
            "reasons": [line.reason for line in lines],
            "returned_ats": [line.returned_at for line in lines],
            "complaint_ids": [line.complaint_id for line in lines],
        },
    )
    return set(stored or ())


async def product_complaints_among(session: AsyncSession, complaint_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these ids are product complaints intake recorded (CLS-2: a return settles one of those)."""
    query = select(Complaint.id).where(Complaint.id.in_(complaint_ids), Complaint.kind == "product_quality")
    return set((await session.scalars(query)).all())


async def get(session: AsyncSession, line_id: str) -> ReturnLine | None:
    return await session.get(ReturnLine, line_id)


# Newest recorded first.
KEYSET = Keyset((ReturnLine.recorded_at, ReturnLine.line_id), (datetime.fromisoformat, str))


def search(where: ReturnLineQuery) -> Select[ReturnLine]:
    return where_given(
        select(ReturnLine),
        (ReturnLine.model, where.model),
        (ReturnLine.production_date, where.production_date),
        (ReturnLine.shipped_batch_no, where.shipped_batch_no),
        (ReturnLine.customer_id, where.customer_id),
    )
