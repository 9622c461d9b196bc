"""CRM-6 逐层检核: who may sign which step of a statement or special-fee request."""

import uuid
from datetime import UTC, datetime

import pytest

from services.crm.access import own_only
from services.crm.fees.models import SignOff
from services.crm.fees.rules import STEP_ROLES, SignOffStep
from services.crm.fees.service import signer_may_sign
from shared.auth import Principal
from shared.errors import Problem

DOCUMENT = uuid.uuid4()


def signed(*steps: tuple[str, str]) -> list[SignOff]:
    return [SignOff(document_id=DOCUMENT, step=step, signer=who, signed_at=datetime.now(UTC)) for step, who in steps]


def person(sub: str, role: str) -> Principal:
    return Principal(sub=sub, roles=[role])


def refusal(principal: Principal, step: SignOffStep, signatures: list[SignOff]) -> str:
    with pytest.raises(Problem) as caught:
        signer_may_sign(principal, step, "E-REP", signatures)
    return caught.value.code


def test_crm6_the_clerk_signs_first() -> None:
    signer_may_sign(person("E-CLERK", "sales_clerk"), SignOffStep.SALES_CLERK, "E-REP", [])


def test_crm6_the_manager_cannot_sign_before_the_clerk() -> None:
    assert refusal(person("E-MGR", "sales_manager"), SignOffStep.SALES_MANAGER, []) == "sign_off_out_of_order"


def test_crm6_a_plain_sales_user_cannot_sign_as_clerk() -> None:
    assert refusal(person("E-X", "sales"), SignOffStep.SALES_CLERK, []) == "signer_lacks_role"


def test_crm6_clerk_cannot_sign_as_manager() -> None:
    signatures = signed(("sales_clerk", "E-CLERK"))
    assert refusal(person("E-CLERK2", "sales_clerk"), SignOffStep.SALES_MANAGER, signatures) == "signer_lacks_role"
    signer_may_sign(person("E-MGR", "sales_manager"), SignOffStep.SALES_MANAGER, "E-REP", signatures)


def test_crm6_finance_step_needs_the_finance_role() -> None:
    signatures = signed(("sales_clerk", "E-CLERK"), ("sales_manager", "E-MGR"))
    assert refusal(person("E-X", "sales_manager"), SignOffStep.FINANCE, signatures) == "signer_lacks_role"
    signer_may_sign(person("E-FIN", "finance"), SignOffStep.FINANCE, "E-REP", signatures)


def test_crm6_a_refused_signer_is_told_the_role_the_step_needs() -> None:
    with pytest.raises(Problem) as caught:
        signer_may_sign(person("E-X", "sales"), SignOffStep.SALES_CLERK, "E-REP", [])
    assert (caught.value.status, caught.value.extensions) == (
        403,
        {"step": "sales_clerk", "required_role": "sales_clerk"},
    )


def test_crm6_nobody_signs_their_own_fees() -> None:
    assert refusal(person("E-REP", "sales_clerk"), SignOffStep.SALES_CLERK, []) == "signer_is_rep"


def test_crm6_one_person_cannot_sign_two_steps() -> None:
    signatures = signed(("sales_clerk", "E-BOTH"))
    both = Principal(sub="E-BOTH", roles=["sales_clerk", "sales_manager"])
    with pytest.raises(Problem) as caught:
        signer_may_sign(both, SignOffStep.SALES_MANAGER, "E-REP", signatures)
    assert (caught.value.status, caught.value.code) == (403, "signer_already_signed")


def test_crm6_a_fourth_signature_is_refused() -> None:
    signatures = signed(("sales_clerk", "E-1"), ("sales_manager", "E-2"), ("finance", "E-3"))
    assert refusal(person("E-4", "finance"), SignOffStep.FINANCE, signatures) == "already_signed_off"


@pytest.mark.parametrize("step", list(SignOffStep))
def test_crm6_every_sign_off_role_may_read_every_statement(step: SignOffStep) -> None:
    """Signing needs the same right to see the statement as reading it: each step's role reads them all."""
    assert own_only(person("E-SIGNER", STEP_ROLES[step])) is None


def test_crm6_a_sales_rep_reads_only_their_own_statements() -> None:
    assert own_only(person("E-REP", "sales")) == "E-REP"
