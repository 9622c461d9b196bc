"""All SQL of complaints."""

import uuid
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Select,
    and_,
    bindparam,
    false,
    func,
    inspect,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import TextClause

from services.intake.complaints.models import Complaint, ComplaintHistory, ComplaintNumber
from services.intake.complaints.rules import (
    COMPLAINT_HANDLERS,
    DECISION_LEVEL,
    OVERDUE_INVESTIGATION_STATUSES,
    OVERDUE_REPLY_STATUSES,
    IncidentLink,
)
from services.intake.complaints.schemas import ComplaintQuery
from services.intake.customers.models import CustomerTier
from shared.auth import Principal
from shared.events.registry import EventData
from shared.http.pagination import Keyset
from shared.messaging.outbox import outbox_row
from shared.queries import where_given, where_within
from shared.search import contains_text
from shared.tables import platform_tables


async def reserve_number(session: AsyncSession, day: date, customer_id: str | None) -> tuple[int, str | None]:
    """The day's next sequence and the customer's tier (CMP-5), in one round trip.

    One autocommitted statement: the day's counter row is locked only while Postgres runs it, never
    across a round trip to this process, so concurrent complaints do not queue on it. Nor on its
    commit's flush to disk: the statement commits asynchronously, and no complaint can be kept with a
    number that is not, because the complaint's own (synchronous) commit comes later in the log and
    flushes everything before it. A crash may lose only numbers no kept complaint bears."""
    connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    row = (await connection.execute(_reserve_statement(), {"day": day, "customer_id": customer_id})).one()
    return row[0], row[1]


@cache
def _reserve_statement() -> Select[int, str | None]:
    """Built once: composing the statement cost more than running it."""
    numbered = (
        insert(ComplaintNumber)
        .values(day=bindparam("day"), last=1)
        .on_conflict_do_update(index_elements=[ComplaintNumber.day], set_={"last": ComplaintNumber.last + 1})
        .returning(ComplaintNumber.last)
        .cte("numbered")
    )
    tier = select(CustomerTier.tier).where(CustomerTier.customer_id == bindparam("customer_id")).scalar_subquery()
    # Transaction-local, so it ends with this statement's own transaction.
    asynchronous = select(func.set_config("synchronous_commit", "off", true()).label("setting")).cte("asynchronous")
    return select(numbered.c.last, tier).select_from(numbered).join(asynchronous, true())


async def insert_received(
    session: AsyncSession, complaint: Complaint, history: dict[str, Any], event: EventData
) -> None:
    """The complaint, its first history entry and its event in one statement: a complaint is the
    hottest write of the desk, and each round trip to Postgres costs more than the statement."""
    # Only what was set: an unset JSONB attribute must stay SQL NULL, not become JSON null.
    values = {key: value for key, value in inspect(complaint).dict.items() if key in Complaint.__table__.columns}
    statement = _received_statement(session.info["schema"], tuple(sorted(values)), tuple(sorted(history)))
    parameters = {
        **{f"c_{key}": value for key, value in values.items()},
        **{f"h_{key}": value for key, value in history.items()},
        **{f"o_{key}": value for key, value in outbox_row(event).items()},
    }
    await session.execute(statement, parameters)


@cache
def _received_statement(schema: str, complaint_keys: tuple[str, ...], history_keys: tuple[str, ...]) -> Insert:
    """Built once per shape: composing an INSERT's values costs more than running it."""
    outbox = platform_tables(schema).outbox
    stored = (
        insert(Complaint)
        .values(_params("c_", Complaint.__table__, complaint_keys))
        .returning(Complaint.id)
        .cte("stored")
    )
    first_entry = (
        insert(ComplaintHistory)
        .values(
            complaint_id=select(stored.c.id).scalar_subquery(),
            **_params("h_", ComplaintHistory.__table__, history_keys),
        )
        .cte("first_entry")
    )
    return (
        insert(outbox)
        .values(_params("o_", outbox, ("event_id", "topic", "key", "event_type", "payload")))
        .add_cte(stored, first_entry)
    )


def _params(prefix: str, table: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: bindparam(f"{prefix}{key}", type_=table.c[key].type) for key in keys}


async def add_history(
    session: AsyncSession,
    complaint_id: uuid.UUID,
    actor: str,
    action: str,
    changes: dict[str, Any],
    actor_name: str | None = None,
) -> None:
    session.add(
        ComplaintHistory(
            complaint_id=complaint_id, actor=actor, actor_name=actor_name or None, action=action, changes=changes
        )
    )
    await session.flush()


async def get(session: AsyncSession, complaint_id: uuid.UUID) -> Complaint | None:
    return await session.get(Complaint, complaint_id)


async def get_for_update(session: AsyncSession, complaint_id: uuid.UUID) -> Complaint | None:
    """Locks the row: two clerks acting at once see each other's step, never overwrite it."""
    return await session.scalar(select(Complaint).where(Complaint.id == complaint_id).with_for_update())


async def get_by_number(session: AsyncSession, complaint_no: str) -> Complaint | None:
    return await session.scalar(select(Complaint).where(Complaint.complaint_no == complaint_no))


async def history(session: AsyncSession, complaint_id: uuid.UUID) -> list[ComplaintHistory]:
    query = (
        select(ComplaintHistory)
        .where(ComplaintHistory.complaint_id == complaint_id)
        .order_by(ComplaintHistory.at, ComplaintHistory.id)
    )
    return list((await session.scalars(query)).all())


# The statuses in which a complaint still waits on a CMP-3 deadline.
WAITING_STATUSES = tuple(dict.fromkeys((*OVERDUE_INVESTIGATION_STATUSES, *OVERDUE_REPLY_STATUSES)))


def _deadlines_of(status: str) -> list[Any]:
    """The CMP-3 deadlines a complaint in this status is still waiting on."""
    return [
        deadline
        for deadline, statuses in (
            (Complaint.investigate_by, OVERDUE_INVESTIGATION_STATUSES),
            (Complaint.reply_by, OVERDUE_REPLY_STATUSES),
        )
        if status in statuses
    ]


def _overdue_in(status: str, now: datetime) -> ColumnElement[bool]:
    # The status is written into the SQL, not bound: only then can Postgres read the few complaints
    # still waiting from the partial index of that status, whatever plan it caches.
    return and_(
        Complaint.status == bindparam(f"waiting_{status}", status, literal_execute=True),
        or_(*(deadline < now for deadline in _deadlines_of(status))),
    )


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    """CMP-3 in SQL, the same as ``rules.overdue_stages`` being non-empty: status by status."""
    return or_(*(_overdue_in(status, now) for status in WAITING_STATUSES))


def personal_data_visible(roles: frozenset[str], sub: str) -> ColumnElement[bool]:
    """``rules.sees_personal_data`` in SQL: the complaints whose complainant this reader sees unmasked."""
    if roles & COMPLAINT_HANDLERS:
        return true()
    decision_level = Complaint.severity == "serious" if DECISION_LEVEL in roles else false()
    return or_(Complaint.owner == sub, decision_level)


def _name() -> ColumnElement[str | None]:
    return Complaint.complainant["name"].astext


def _phone() -> ColumnElement[str | None]:
    return Complaint.complainant["phone"].astext


def _text_conditions(where: ComplaintQuery, reader: Principal) -> list[ColumnElement[bool]]:
    """The SPEC §12 search conditions; personal data only where this reader sees it."""
    visible = personal_data_visible(frozenset(reader.roles), reader.sub)
    conditions = []
    if where.q is not None:
        public = contains_text(
            Complaint.search_grams, (Complaint.complaint_no, Complaint.product_model, Complaint.description), where.q
        )
        personal = and_(visible, contains_text(Complaint.personal_grams, (_name(), _phone()), where.q))
        conditions.append(or_(public, personal))
    if where.number is not None:
        conditions.append(contains_text(Complaint.search_grams, (Complaint.complaint_no,), where.number))
    if where.complainant is not None:
        conditions.append(and_(visible, contains_text(Complaint.personal_grams, (_name(),), where.complainant)))
    if where.phone is not None:
        conditions.append(and_(visible, contains_text(Complaint.personal_grams, (_phone(),), where.phone)))
    return conditions


# Newest receipt first.
KEYSET = Keyset((Complaint.received_at, Complaint.id), (datetime.fromisoformat, uuid.UUID))


def search(where: ComplaintQuery, reader: Principal, now: datetime) -> Select[Complaint]:
    """The complaints ``where`` asks for; the complainant's name and phone match only the complaints
    whose complainant ``reader`` sees unmasked."""
    query = select(Complaint)
    if where.status:
        query = query.where(Complaint.status.in_(where.status))
    query = where_given(
        query,
        (Complaint.kind, where.kind),
        (Complaint.customer_id, where.customer_id),
        (Complaint.severity, where.severity),
        (Complaint.owner, where.owner),
        (Complaint.product_model, where.model),
        (Complaint.batch_no, where.batch_no),
    )
    if where.escalated is not None:
        query = query.where(Complaint.escalated_to_decision_level.is_(where.escalated))
    query = where_within(query, Complaint.received_at, where.received_from, where.received_to)
    if where.overdue is True:
        query = query.where(overdue_condition(now))
    elif where.overdue is False:
        query = query.where(~overdue_condition(now))
    return query.where(*_text_conditions(where, reader))


async def awaiting_deadlines(session: AsyncSession) -> list[Complaint]:
    """Complaints whose CMP-3 deadlines still matter (no reply yet), locked for the recount."""
    query = select(Complaint).where(Complaint.status.in_(OVERDUE_REPLY_STATUSES)).with_for_update()
    return list((await session.scalars(query)).all())


async def count_overdue(session: AsyncSession, now: datetime) -> int:
    """One count per waiting status, summed: each is answered from its partial index alone (the
    statuses are disjoint), where one count over their OR had to visit every waiting row."""
    per_status = [
        select(func.count()).select_from(Complaint).where(_overdue_in(status, now)).scalar_subquery()
        for status in WAITING_STATUSES
    ]
    count = await session.scalar(select(sum(per_status[1:], per_status[0])))
    return int(count or 0)


def _compared_with(complaint: Complaint, window: tuple[datetime, datetime], same_batch: bool) -> ColumnElement[bool]:
    """CMP-6: other complaints about this model in the window, of this batch or of the other batches."""
    batch = (
        Complaint.batch_no == complaint.batch_no
        if same_batch
        else or_(Complaint.batch_no.is_(None), Complaint.batch_no != complaint.batch_no)
    )
    return and_(
        Complaint.product_model == complaint.product_model,
        Complaint.id != complaint.id,
        Complaint.received_at >= window[0],
        Complaint.received_at <= window[1],
        batch,
    )


async def compared(
    session: AsyncSession, complaint: Complaint, window: tuple[datetime, datetime], same_batch: bool, limit: int
) -> list[Complaint]:
    query = (
        select(Complaint)
        .where(_compared_with(complaint, window, same_batch))
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def compared_totals(
    session: AsyncSession, complaint: Complaint, window: tuple[datetime, datetime], same_batch: bool
) -> tuple[int, int]:
    """How many compared complaints, and how many units they complain about."""
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Complaint.product_quantity), 0)).where(
                _compared_with(complaint, window, same_batch)
            )
        )
    ).one()
    return int(row[0]), int(row[1] or 0)


async def set_incidents(session: AsyncSession, links: list[IncidentLink]) -> None:
    """Newest fact wins: each link's time is compared with the one its complaint holds. One statement
    for a whole batch: a statement per event was most of what applying incident events cost."""
    await session.execute(
        _set_incidents_statement(),
        {
            "complaint_ids": [link.complaint_id for link in links],
            "incident_ids": [link.incident_id for link in links],
            "levels": [link.level for link in links],
            "problem_levels": [link.problem_level for link in links],
            "statuses": [link.status for link in links],
            "ats": [link.at for link in links],
        },
    )


@cache
def _set_incidents_statement() -> TextClause:
    return text(
        "UPDATE complaints AS c SET incident_id = f.incident_id, incident_level = f.level, "
        "incident_problem_level = f.problem_level, incident_status = f.status, incident_updated_at = f.at "
        "FROM unnest(CAST(:complaint_ids AS uuid[]), CAST(:incident_ids AS uuid[]), CAST(:levels AS text[]), "
        "CAST(:problem_levels AS text[]), CAST(:statuses AS text[]), CAST(:ats AS timestamptz[])) "
        "AS f(complaint_id, incident_id, level, problem_level, status, at) "
        "WHERE c.id = f.complaint_id AND (c.incident_updated_at IS NULL OR c.incident_updated_at <= f.at)"
    )
