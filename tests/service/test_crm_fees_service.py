"""CRM-6 fee payouts in the service layer: a statement signed off three times is paid from the 9th
working day, only what the customer's collected payments cover, never the same fee twice."""

import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.fees import service as fees
from services.crm.fees.models import FeeStatement
from services.crm.fees.rules import SignOffStep
from services.crm.fees.schemas import CollectionIn, StatementIn
from shared.auth import Principal
from shared.errors import Problem
from shared.workcalendar import CHINA
from tests.service.crm_rows import key_customer

REP = Principal(sub="S-01", name="赵磊", roles=["sales"])
SIGNERS = {
    SignOffStep.SALES_CLERK: Principal(sub="S-11", roles=["sales_clerk"]),
    SignOffStep.SALES_MANAGER: Principal(sub="S-12", roles=["sales_manager"]),
    SignOffStep.FINANCE: Principal(sub="F-01", roles=["finance"]),
}
FILED = datetime(2026, 11, 3, 10, 0, tzinfo=CHINA)
SIGNED = datetime(2026, 11, 5, 10, 0, tzinfo=CHINA)
PAID = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)


async def verified_statement(session: AsyncSession, customer_id: str) -> FeeStatement:
    """October's statement of one customer: 10,000.00 bought, a fee of 500.00, signed off three times."""
    session.add(key_customer(customer_id, sales_owner=REP.sub, updated_by=REP.sub))
    await session.flush()
    await fees.put_budget(session, "VX-200", 2026, Decimal("10000.00"), SIGNERS[SignOffStep.FINANCE], FILED)
    line = {"customer_id": customer_id, "product": "VX-200", "purpose": "buyer"}
    payload = StatementIn.model_validate(
        {"month": "2026-10", "lines": [{**line, "purchase_amount": "10000.00", "fee_amount": "500.00"}]}
    )
    statement = await fees.submit_statement(session, payload, REP, FILED)
    for step, signer in SIGNERS.items():
        await fees.sign_statement(session, statement.id, step, signer, SIGNED)
    return statement


async def collect(session: AsyncSession, customer_id: str, amount: str) -> None:
    payment = CollectionIn.model_validate({"customer_id": customer_id, "month": "2026-10", "amount": amount})
    await fees.record_collection(session, payment, SIGNERS[SignOffStep.FINANCE], PAID)


async def test_crm6_a_verified_statement_pays_the_share_of_the_fee_collections_cover(crm_session: AsyncSession) -> None:
    customer_id = f"C-{uuid.uuid4().hex[:8]}"
    statement = await verified_statement(crm_session, customer_id)
    await collect(crm_session, customer_id, "5000.00")
    payout = await fees.pay_out(crm_session, statement.id, SIGNERS[SignOffStep.FINANCE], PAID)
    assert payout.amount == Decimal("250.00")


async def test_crm6_a_later_payout_pays_only_what_later_collections_add(crm_session: AsyncSession) -> None:
    customer_id = f"C-{uuid.uuid4().hex[:8]}"
    statement = await verified_statement(crm_session, customer_id)
    await collect(crm_session, customer_id, "5000.00")
    await fees.pay_out(crm_session, statement.id, SIGNERS[SignOffStep.FINANCE], PAID)
    await collect(crm_session, customer_id, "5000.00")
    second = await fees.pay_out(crm_session, statement.id, SIGNERS[SignOffStep.FINANCE], PAID)
    assert second.amount == Decimal("250.00")
    with pytest.raises(Problem) as refused:
        await fees.pay_out(crm_session, statement.id, SIGNERS[SignOffStep.FINANCE], PAID)
    assert refused.value.code == "nothing_payable"
