"""Relationship-maintenance fee decisions (CRM-6; never commits).

Every decision that depends on time takes ``now`` so the rules can be exercised on any day.
"""

import uuid
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.access import own_only
from services.crm.customers import repository as customers
from services.crm.fees import repository
from services.crm.fees.models import (
    FeeAdvance,
    FeeBudget,
    FeeCollection,
    FeePayout,
    FeeStatement,
    FeeStatementLine,
    SignOff,
    SpecialFeeRequest,
)
from services.crm.fees.rules import (
    SIGN_OFF_ORDER,
    STEP_ROLES,
    SignOffStep,
    StatementDeadlines,
    StatementStatus,
    advance_within_limit,
    month_is_over,
    next_sign_off,
    payable_fee,
    payable_now,
    special_fee_allowed,
    statement_deadlines,
    statement_status,
)
from services.crm.fees.schemas import (
    AdvanceIn,
    AdvanceStatus,
    BudgetOut,
    CollectionIn,
    DeadlinesOut,
    SpecialFeeIn,
    SpecialFeeOut,
    StatementIn,
    StatementOut,
)
from shared.auth import Principal
from shared.calendar_store import load_calendar
from shared.errors import Problem, conflict, found, not_found, unprocessable
from shared.events.crm import FeeStatementSignedOffV1, FeeStatementSubmittedV1
from shared.messaging.outbox import add_events
from shared.schemas import attributes_of, parse_month
from shared.workcalendar import CHINA

ZERO = Decimal("0.00")


def acting_rep(principal: Principal, requested: str | None) -> str:
    """Whose document this is: a sales rep acts only for themselves (SPEC §7 object-level rule)."""
    rep = requested or principal.sub
    restricted_to = own_only(principal)
    if restricted_to is not None and rep != restricted_to:
        raise Problem(403, "not_your_statement", "Forbidden", "a sales rep files fees only in their own name")
    return rep


def visible(principal: Principal, sales_rep: str) -> bool:
    restricted_to = own_only(principal)
    return restricted_to is None or restricted_to == sales_rep


class RepDocument(Protocol):
    """A fee document of one sales rep: a statement or a special fee request."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def sales_rep(self) -> str: ...


Document = TypeVar("Document", bound=RepDocument)


def seen_by(principal: Principal, document: Document | None, what: str, document_id: uuid.UUID) -> Document:
    """The document, if there is one the caller may read: another rep's document does not exist for them."""
    if document is None or not visible(principal, document.sales_rep):
        raise not_found(what, str(document_id))
    return document


# --- budgets -------------------------------------------------------------------------------------------


async def put_budget(
    session: AsyncSession, product: str, year: int, amount: Decimal, principal: Principal, now: datetime
) -> BudgetOut:
    await repository.put_budget(session, product, year, amount, principal.sub, now)
    return (await budget_overview(session, year, now, {product}))[0]


async def budget_overview(
    session: AsyncSession, year: int | None, now: datetime, products: set[str] | None = None
) -> list[BudgetOut]:
    budgets = await repository.budgets(session, year, products)
    by_year: dict[int, set[str]] = defaultdict(set)
    for budget in budgets:
        by_year[budget.year].add(budget.product)
    used = {y: await repository.committed(session, y, names, now) for y, names in by_year.items()}
    return [budget_out(b, used[b.year].get(b.product, ZERO)) for b in budgets]


def budget_out(budget: FeeBudget, committed: Decimal) -> BudgetOut:
    """A product's budget with what statements not void have committed of it, and what is left."""
    remaining = budget.amount - committed
    return BudgetOut.model_validate(
        {**attributes_of(budget, BudgetOut), "committed": committed, "remaining": remaining}
    )


# --- statements ----------------------------------------------------------------------------------------


async def deadlines_of(session: AsyncSession, month: str) -> DeadlinesOut:
    deadlines = statement_deadlines(parse_month(month), await load_calendar(session))
    return DeadlinesOut.model_validate({**attributes_of(deadlines, DeadlinesOut), "month": month})


async def check_lines_customers(session: AsyncSession, payload: StatementIn, rep: str) -> None:
    """Fees are claimed only for the rep's own customers."""
    wanted = {line.customer_id for line in payload.lines}
    found = await customers.get_many(session, wanted)
    unknown = sorted(wanted - set(found))
    if unknown:
        raise unprocessable("unknown_customer", f"no customer with id {unknown[0]!r}", customers=unknown)
    foreign = sorted(c.id for c in found.values() if c.sales_owner != rep)
    if foreign:
        raise unprocessable(
            "not_your_customer", f"customer {foreign[0]!r} is not a customer of sales rep {rep!r}", customers=foreign
        )


async def check_budgets(session: AsyncSession, payload: StatementIn, year: int, now: datetime) -> None:
    """CRM-6: 针对每个产品制定不同标准的客情费 — a statement may not spend past a product's budget."""
    wanted: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in payload.lines:
        wanted[line.product] += line.fee_amount
    locked = await repository.lock_budgets(session, year, set(wanted))
    missing = sorted(set(wanted) - set(locked))
    if missing:
        raise unprocessable("no_fee_budget", f"product {missing[0]!r} has no fee budget for {year}", products=missing)
    used = await repository.committed(session, year, set(wanted), now)
    for product, amount in sorted(wanted.items()):
        remaining = locked[product].amount - used.get(product, ZERO)
        if amount > remaining:
            raise conflict(
                "fee_budget_exceeded",
                f"fees of {amount:.2f} for {product!r} exceed the {remaining:.2f} left of its {year} budget",
                product=product,
                remaining=f"{remaining:.2f}",
                requested=f"{amount:.2f}",
            )


async def submit_statement(
    session: AsyncSession, payload: StatementIn, principal: Principal, now: datetime
) -> FeeStatement:
    """CRM-6: 每月第3个工作日下班前,销售代表填报上一月《月客户采购及客情费统计表》."""
    month = parse_month(payload.month)
    if not month_is_over(month, now):
        raise unprocessable("month_not_over", f"the statement of {payload.month} is filed once the month is over")
    rep = acting_rep(principal, payload.sales_rep)
    await repository.lock_rep(session, rep)  # one statement per rep and month, even under concurrency
    if await repository.statement_of(session, rep, month) is not None:
        raise conflict("statement_exists", f"sales rep {rep!r} already filed the statement of {payload.month}")
    await check_lines_customers(session, payload, rep)
    await check_budgets(session, payload, month.year, now)
    deadlines = statement_deadlines(month, await load_calendar(session))
    statement = FeeStatement(
        id=uuid.uuid4(),
        sales_rep=rep,
        month=month,
        submitted_at=now,
        submitted_by=principal.sub,
        submitted_late=now > deadlines.submit_by,
        submit_by=deadlines.submit_by,
        sign_off_by=deadlines.sign_off_by,
        payable_from=deadlines.payable_from,
        calendar_estimated=deadlines.calendar_estimated,
        total_purchase=sum((line.purchase_amount for line in payload.lines), ZERO),
        total_fee=sum((line.fee_amount for line in payload.lines), ZERO),
    )
    await repository.add(session, statement)
    await repository.add(
        session,
        *(
            FeeStatementLine(
                statement_id=statement.id,
                customer_id=line.customer_id,
                product=line.product,
                purpose=line.purpose.value,
                purchase_amount=line.purchase_amount,
                fee_amount=line.fee_amount,
                note=line.note,
            )
            for line in payload.lines
        ),
    )
    await add_events(session, [FeeStatementSubmittedV1(**sign_off_state(statement, set(), now))])
    return statement


def sign_off_state(statement: FeeStatement, signed: set[str], now: datetime) -> dict[str, Any]:
    """What notify needs to remind only the signers whose step is still pending (NTF-1, CRM-6)."""
    return {
        "statement_id": str(statement.id),
        "sales_rep": statement.sales_rep,
        "month": f"{statement.month:%Y-%m}",
        "signed_steps": [step.value for step in SIGN_OFF_ORDER if step.value in signed],
        "pending_steps": [step.value for step in SIGN_OFF_ORDER if step.value not in signed],
        "at": now,
    }


def signer_may_sign(principal: Principal, step: SignOffStep, owner: str, signatures: list[SignOff]) -> None:
    """逐层检核: in order, each step by a holder of its own role, each by a different person, none by
    the rep whose document it is (CRM-6 rev. 2026-12)."""
    signed = {s.step for s in signatures}
    expected = next_sign_off(signed)
    if expected is None:
        raise conflict("already_signed_off", "all three sign-offs are already there")
    if step is not expected:
        raise conflict(
            "sign_off_out_of_order",
            f"the next sign-off is {expected.value}, not {step.value}",
            expected_step=expected.value,
        )
    required = STEP_ROLES[step]
    if required not in principal.roles:
        raise sign_off_refused("signer_lacks_role", f"the {step.value} sign-off needs the role {required}", step)
    if principal.sub == owner:
        raise sign_off_refused("signer_is_rep", "nobody signs off their own fees", step)
    if any(s.signer == principal.sub for s in signatures):
        raise sign_off_refused("signer_already_signed", "each sign-off is by a different person", step)


async def signatures_before(
    session: AsyncSession, document: RepDocument, step: SignOffStep, principal: Principal
) -> list[SignOff]:
    """The document's sign-offs so far, once the caller may add ``step`` to them (``signer_may_sign``)."""
    signatures = (await repository.sign_offs_of(session, [document.id]))[document.id]
    signer_may_sign(principal, step, document.sales_rep, signatures)
    return signatures


def signature(document_id: uuid.UUID, step: SignOffStep, principal: Principal, now: datetime) -> SignOff:
    name = principal.name or None
    return SignOff(document_id=document_id, step=step.value, signer=principal.sub, signer_name=name, signed_at=now)


def sign_off_refused(code: str, detail: str, step: SignOffStep) -> Problem:
    return Problem(403, code, "Forbidden", detail, step=step.value, required_role=STEP_ROLES[step])


async def sign_statement(
    session: AsyncSession, statement_id: uuid.UUID, step: SignOffStep, principal: Principal, now: datetime
) -> FeeStatement:
    """CRM-6: three sign-offs by the 8th working day; after it an incomplete statement is void."""
    # Signing needs the right to read the statement.
    statement = await readable_statement(session, statement_id, principal, lock=True)
    signatures = await signatures_before(session, statement, step, principal)
    if now > statement.sign_off_by:
        raise conflict(
            "sign_off_deadline_passed",
            f"sign-offs were due by {statement.sign_off_by.astimezone(CHINA):%Y-%m-%d %H:%M}; the statement is void",
        )
    await repository.add(session, signature(statement.id, step, principal, now))
    signed = {s.step for s in signatures} | {step.value}
    state = sign_off_state(statement, signed, now)
    await add_events(session, [FeeStatementSignedOffV1(**state, step=step.value, signer=principal.sub)])
    return statement


async def payable_of(
    session: AsyncSession, statements: list[FeeStatement], lines: dict[uuid.UUID, list[FeeStatementLine]]
) -> dict[uuid.UUID, Decimal]:
    """CRM-6: 必须实现纯销而且回款之后,才可兑现 — per customer, in proportion to what was collected."""
    pairs = {(line.customer_id, s.month) for s in statements for line in lines[s.id]}
    collected = await repository.collected(session, pairs)
    payable: dict[uuid.UUID, Decimal] = {}
    for statement in statements:
        fee: dict[str, Decimal] = defaultdict(lambda: ZERO)
        purchase: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in lines[statement.id]:
            fee[line.customer_id] += line.fee_amount
            purchase[line.customer_id] += line.purchase_amount
        payable[statement.id] = sum(
            (payable_fee(fee[c], purchase[c], collected.get((c, statement.month), ZERO)) for c in fee), ZERO
        )
    return payable


async def pay_out(session: AsyncSession, statement_id: uuid.UUID, principal: Principal, now: datetime) -> FeePayout:
    """CRM-6: a verified statement is paid from the 9th working day, only what collections cover."""
    statement = found(await repository.get_statement(session, statement_id, lock=True), "fee statement", statement_id)
    signatures = (await repository.sign_offs_of(session, [statement.id]))[statement.id]
    status = statement_status({s.step for s in signatures}, statement.sign_off_by, now)
    if status is not StatementStatus.VERIFIED:
        raise conflict("statement_not_verified", f"the statement is {status.value}; only a verified one is paid")
    if now < statement.payable_from:
        raise conflict(
            "not_payable_yet",
            f"fees are paid from {statement.payable_from.astimezone(CHINA):%Y-%m-%d} (the 9th working day)",
        )
    lines = await repository.lines_of(session, [statement.id])
    payable = (await payable_of(session, [statement], lines))[statement.id]
    paid = (await repository.paid_on(session, [statement.id]))[statement.id]
    if payable - paid <= 0:
        raise conflict(
            "nothing_payable",
            "no collected payment covers an unpaid fee of this statement yet",
            payable=f"{payable:.2f}",
            paid=f"{paid:.2f}",
        )
    payout = FeePayout(
        id=uuid.uuid4(), statement_id=statement.id, amount=payable - paid, paid_by=principal.sub, paid_at=now
    )
    await repository.add(session, payout)
    return payout


async def statements_out(session: AsyncSession, statements: list[FeeStatement], now: datetime) -> list[StatementOut]:
    ids = [s.id for s in statements]
    lines = await repository.lines_of(session, ids)
    signatures = await repository.sign_offs_of(session, ids)
    paid = await repository.paid_on(session, ids)
    payable = await payable_of(session, statements, lines)
    return [statement_out(s, lines[s.id], signatures[s.id], payable[s.id], paid[s.id], now) for s in statements]


def statement_out(
    statement: FeeStatement,
    lines: list[FeeStatementLine],
    signatures: list[SignOff],
    payable: Decimal,
    paid: Decimal,
    now: datetime,
) -> StatementOut:
    """CRM-6: only a verified statement has a payable amount; only a submitted one waits for a sign-off."""
    signed = {s.step for s in signatures}
    status = statement_status(signed, statement.sign_off_by, now)
    return StatementOut.model_validate(
        {
            **attributes_of(statement, StatementOut),
            "status": status,
            "payable": payable if status is StatementStatus.VERIFIED else ZERO,
            "paid": paid,
            "lines": lines,
            "sign_offs": signatures,
            "next_sign_off": next_sign_off(signed) if status is StatementStatus.SUBMITTED else None,
        }
    )


async def readable_statement(
    session: AsyncSession, statement_id: uuid.UUID, principal: Principal, lock: bool = False
) -> FeeStatement:
    statement = await repository.get_statement(session, statement_id, lock=lock)
    return seen_by(principal, statement, "fee statement", statement_id)


# --- collections ---------------------------------------------------------------------------------------


async def record_collection(
    session: AsyncSession, payload: CollectionIn, principal: Principal, now: datetime
) -> FeeCollection:
    if await customers.get(session, payload.customer_id) is None:
        raise unprocessable("unknown_customer", f"no customer with id {payload.customer_id!r}")
    collection = FeeCollection(
        id=uuid.uuid4(),
        customer_id=payload.customer_id,
        month=parse_month(payload.month),
        amount=payload.amount,
        reference=payload.reference,
        recorded_by=principal.sub,
        recorded_at=now,
    )
    await repository.add(session, collection)
    return collection


# --- advances ------------------------------------------------------------------------------------------


async def check_advance_statement(session: AsyncSession, statement_id: uuid.UUID, rep: str, now: datetime) -> None:
    """An advance against a statement: the rep's own, verified, and from its 9th working day."""
    statement = await repository.get_statement(session, statement_id)
    if statement is None or statement.sales_rep != rep:
        raise unprocessable("unknown_statement", f"sales rep {rep!r} has no statement {statement_id}")
    signatures = (await repository.sign_offs_of(session, [statement.id]))[statement.id]
    status = statement_status({s.step for s in signatures}, statement.sign_off_by, now)
    if status is not StatementStatus.VERIFIED:
        raise conflict("statement_not_verified", f"the statement is {status.value}; advances need a verified one")
    if not payable_now(
        StatementDeadlines(statement.submit_by, statement.sign_off_by, statement.payable_from, False), now
    ):
        raise conflict("not_payable_yet", "advances against a statement start on its 9th working day")


async def request_advance(
    session: AsyncSession, payload: AdvanceIn, principal: Principal, limit: Decimal, now: datetime
) -> tuple[FeeAdvance, Decimal]:
    """CRM-6: 每个销售代表借支限额3000元 — the rep's row is locked, so concurrent requests queue and
    exactly those that fit under the limit are granted."""
    rep = acting_rep(principal, payload.sales_rep)
    if payload.statement_id is not None:
        await check_advance_statement(session, payload.statement_id, rep, now)
    account = await repository.lock_rep(session, rep)
    if not advance_within_limit(account.outstanding_advance, payload.amount, limit):
        raise conflict(
            "advance_limit_exceeded",
            f"sales rep {rep!r} has {account.outstanding_advance:.2f} outstanding; "
            f"{payload.amount:.2f} more would pass the {limit:.2f} limit",
            outstanding=f"{account.outstanding_advance:.2f}",
            limit=f"{limit:.2f}",
            requested=f"{payload.amount:.2f}",
        )
    account.outstanding_advance += payload.amount
    advance = FeeAdvance(
        id=uuid.uuid4(),
        sales_rep=rep,
        amount=payload.amount,
        purpose=payload.purpose,
        statement_id=payload.statement_id,
        status=AdvanceStatus.OUTSTANDING.value,
        requested_by=principal.sub,
        requested_at=now,
    )
    await repository.add(session, advance)
    return advance, account.outstanding_advance


async def settle_advance(
    session: AsyncSession, advance_id: uuid.UUID, principal: Principal, now: datetime
) -> tuple[FeeAdvance, Decimal]:
    """核销: finance clears the advance; the rep may draw again."""
    unlocked = found(await repository.get_advance(session, advance_id), "advance", advance_id)
    # The rep's account is locked first, as a request for an advance locks it, so both queue on it.
    account = await repository.lock_rep(session, unlocked.sales_rep)
    advance = await repository.get_advance(session, advance_id, lock=True)
    assert advance is not None
    if advance.status != AdvanceStatus.OUTSTANDING.value:
        raise conflict("advance_settled", f"advance {advance_id} was settled already")
    account.outstanding_advance -= advance.amount
    advance.status, advance.settled_by, advance.settled_at = AdvanceStatus.SETTLED.value, principal.sub, now
    await session.flush()
    return advance, account.outstanding_advance


# --- special fees for new customers --------------------------------------------------------------------


async def request_special_fee(
    session: AsyncSession, payload: SpecialFeeIn, principal: Principal, now: datetime
) -> SpecialFeeRequest:
    """CRM-6: 必须在签订合同前填写《新客户特殊费用申请表》… 签订合同后申请一律无效."""
    customer = await customers.get(session, payload.customer_id)
    if customer is None:
        raise unprocessable("unknown_customer", f"no customer with id {payload.customer_id!r}")
    restricted_to = own_only(principal)
    if restricted_to is not None and customer.sales_owner not in (None, restricted_to):
        raise unprocessable("not_your_customer", f"customer {customer.id!r} is not a customer of {restricted_to!r}")
    rep = restricted_to or customer.sales_owner or principal.sub
    requested_on = now.astimezone(CHINA).date()
    if not special_fee_allowed(customer.contract_signed_on, requested_on):
        raise conflict(
            "contract_already_signed",
            f"the contract with {customer.id!r} was signed on {customer.contract_signed_on}; "
            "special fees are requested before signing",
        )
    request = SpecialFeeRequest(
        id=uuid.uuid4(),
        customer_id=customer.id,
        sales_rep=rep,
        product=payload.product,
        amount=payload.amount,
        purpose=payload.purpose,
        requested_on=requested_on,
        requested_at=now,
    )
    await repository.add(session, request)
    return request


async def sign_special_fee(
    session: AsyncSession, request_id: uuid.UUID, step: SignOffStep, principal: Principal, now: datetime
) -> SpecialFeeRequest:
    """按程序书面逐级申请,检核签字后方可兑现."""
    # Signing needs the right to read the request.
    request = await readable_special_fee(session, request_id, principal, lock=True)
    await signatures_before(session, request, step, principal)
    await repository.add(session, signature(request.id, step, principal, now))
    return request


async def special_fees_out(session: AsyncSession, requests: list[SpecialFeeRequest]) -> list[SpecialFeeOut]:
    """A request is approved once its three sign-offs are there."""
    signatures = await repository.sign_offs_of(session, [r.id for r in requests])
    out = []
    for request in requests:
        following = next_sign_off({s.step for s in signatures[request.id]})
        extra = {
            "status": "approved" if following is None else "requested",
            "sign_offs": signatures[request.id],
            "next_sign_off": following,
        }
        out.append(SpecialFeeOut.model_validate({**attributes_of(request, SpecialFeeOut), **extra}))
    return out


async def readable_special_fee(
    session: AsyncSession, request_id: uuid.UUID, principal: Principal, lock: bool = False
) -> SpecialFeeRequest:
    request = await repository.get_special_fee(session, request_id, lock=lock)
    return seen_by(principal, request, "special fee request", request_id)
