"""CRM-6 逐层检核: who may sign which step of a statement or special-fee request."""

import uuid
from datetime import UTC, datetime

import pytest

from services.crm.fees.models import SignOff
from services.crm.fees.rules import SignOffStep
from services.crm.fees.service import signer_may_sign
from shared.auth import Principal
from shared.http.problems import Problem

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
    signer_may_sign(person("E-CLERK", "sales"), SignOffStep.SALES_CLERK, "E-REP", [])


def test_crm6_the_manager_cannot_sign_before_the_clerk() -> None:
    assert refusal(person("E-MGR", "sales"), SignOffStep.SALES_MANAGER, []) == "sign_off_out_of_order"


def test_crm6_finance_step_needs_the_finance_role() -> None:
    signatures = signed(("sales_clerk", "E-CLERK"), ("sales_manager", "E-MGR"))
    assert refusal(person("E-X", "sales"), SignOffStep.FINANCE, signatures) == "forbidden"
    signer_may_sign(person("E-FIN", "finance"), SignOffStep.FINANCE, "E-REP", signatures)


def test_crm6_nobody_signs_their_own_fees() -> None:
    assert refusal(person("E-REP", "sales"), SignOffStep.SALES_CLERK, []) == "own_document"


def test_crm6_one_person_cannot_sign_two_steps() -> None:
    signatures = signed(("sales_clerk", "E-CLERK"))
    assert refusal(person("E-CLERK", "sales"), SignOffStep.SALES_MANAGER, signatures) == "signer_already_signed"


def test_crm6_a_fourth_signature_is_refused() -> None:
    signatures = signed(("sales_clerk", "E-1"), ("sales_manager", "E-2"), ("finance", "E-3"))
    assert refusal(person("E-4", "finance"), SignOffStep.FINANCE, signatures) == "already_signed_off"
