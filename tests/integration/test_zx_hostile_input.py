"""Hostile input (issue 7): Schemathesis generates requests from each service's OpenAPI document and
sends them to the running service. No answer may be a 5xx, and every documented answer must match
its schema. The caller holds every role, so authorization never hides a handler from the fuzzer.

Named to run after the domain tests: the fuzzer also edits rule sets and the clause catalog."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from services.classification.main import app as classification_app
from services.crm.main import app as crm_app
from services.intake.main import app as intake_app
from services.notify.main import app as notify_app
from services.sanctions.main import app as sanctions_app
from shared.auth import Role, mint_token
from shared.stack import Stack
from tests.support import DEV_SECRET

pytestmark = pytest.mark.integration

EVERY_ROLE = {
    "Authorization": "Bearer " + mint_token(DEV_SECRET, "E-17", [role.value for role in Role], "李娜", "quality")
}
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

intake_schema = schemathesis.openapi.from_dict(intake_app.openapi())
classification_schema = schemathesis.openapi.from_dict(classification_app.openapi())
sanctions_schema = schemathesis.openapi.from_dict(sanctions_app.openapi())
crm_schema = schemathesis.openapi.from_dict(crm_app.openapi())
notify_schema = schemathesis.openapi.from_dict(notify_app.openapi())


def call_and_check(stack: Stack, service: str, case: Any) -> None:
    case.call_and_validate(
        base_url=stack.services[service].url,
        headers=EVERY_ROLE,
        checks=[not_a_server_error, response_schema_conformance],
        timeout=30,
    )


@intake_schema.parametrize()
@FUZZ
def test_intake_never_answers_5xx_and_keeps_its_schema(stack: Stack, case: Any) -> None:
    call_and_check(stack, "intake", case)


@classification_schema.parametrize()
@FUZZ
def test_classification_never_answers_5xx_and_keeps_its_schema(stack: Stack, case: Any) -> None:
    call_and_check(stack, "classification", case)


@sanctions_schema.parametrize()
@FUZZ
def test_sanctions_never_answers_5xx_and_keeps_its_schema(stack: Stack, case: Any) -> None:
    call_and_check(stack, "sanctions", case)


@crm_schema.parametrize()
@FUZZ
def test_crm_never_answers_5xx_and_keeps_its_schema(stack: Stack, case: Any) -> None:
    call_and_check(stack, "crm", case)


@notify_schema.parametrize()
@FUZZ
def test_notify_never_answers_5xx_and_keeps_its_schema(stack: Stack, case: Any) -> None:
    call_and_check(stack, "notify", case)
