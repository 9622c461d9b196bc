"""Hostile input and the contract (issue 7, SPEC §9 Contract): Schemathesis generates requests from each
service's OpenAPI document, sends them to the running service and runs every one of its checks on the
answers: no 5xx, every status and content type documented, every documented answer in its schema, data
the schema forbids refused, data it allows accepted, undeclared methods a 405 with ``Allow``. The caller
holds every role, so authorization never hides a handler from the fuzzer.

A schema-valid request may still break a rule no JSON schema can state (a cursor this API never handed
out, a date outside the year being loaded, a customer that does not exist): those answers are the
documented problems for such rules, and only they are accepted for schema-valid data (see
``refused_only_by_a_rule_beyond_the_schema``). A constraint the schema could state but does not still fails.

On a stack of its own: the fuzzer also edits rule sets and the clause catalog."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, CheckContext, is_check_class, load_all_checks
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

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

# Problems of rules that depend on stored state or on other fields in ways JSON Schema cannot say.
VALIDATOR_RULE = "value_error"


def refused_only_by_a_rule_beyond_the_schema(response: Response) -> bool:
    """A 400 for a cursor this API did not return, or a 422 raised by a domain rule (its own ``code``)
    or by a model validator relating several fields, never by a constraint the schema states."""
    try:
        problem = response.json()
    except ValueError:
        return False
    if not isinstance(problem, dict):
        return False
    if response.status_code == 400:
        return problem.get("code") == "invalid_cursor"
    if response.status_code != 422:
        return False
    if problem.get("code") != "validation_failed":
        return True
    errors = problem.get("errors") or []
    return bool(errors) and all(error.get("type") == VALIDATOR_RULE for error in errors)


def schema_valid_data_is_accepted(ctx: CheckContext, response: Response, case: Any) -> bool | None:
    """Schemathesis' positive_data_acceptance, except for the refusals of rules beyond the schema."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        if refused_only_by_a_rule_beyond_the_schema(response):
            return None
        raise


def schema_violating_data_is_refused(ctx: CheckContext, response: Response, case: Any) -> bool | None:
    """Schemathesis' negative_data_rejection, with 413 counted as the refusal it is: a returns batch of
    more than 10,000 lines (its ``maxItems``) is refused whole as too large (RET-1)."""
    try:
        return negative_data_rejection(ctx, response, case)
    except Failure:
        if response.status_code == 413:
            return None
        raise


OURS: dict[Any, Any] = {
    positive_data_acceptance: schema_valid_data_is_accepted,
    negative_data_rejection: schema_violating_data_is_refused,
}


def every_check() -> list[Any]:
    load_all_checks()
    checks = [check for check in CHECKS.get_all() if not is_check_class(check)]
    return [OURS.get(check, check) for check in checks]


EVERY_CHECK = every_check()


def call_and_check(stack: Stack, service: str, case: Any) -> None:
    case.call_and_validate(
        base_url=stack.services[service].url,
        headers=EVERY_ROLE,
        checks=EVERY_CHECK,
        timeout=30,
    )


@intake_schema.parametrize()
@FUZZ
def test_intake_keeps_its_openapi_contract(stack: Stack, case: Any) -> None:
    call_and_check(stack, "intake", case)


@classification_schema.parametrize()
@FUZZ
def test_classification_keeps_its_openapi_contract(stack: Stack, case: Any) -> None:
    call_and_check(stack, "classification", case)


@sanctions_schema.parametrize()
@FUZZ
def test_sanctions_keeps_its_openapi_contract(stack: Stack, case: Any) -> None:
    call_and_check(stack, "sanctions", case)


@crm_schema.parametrize()
@FUZZ
def test_crm_keeps_its_openapi_contract(stack: Stack, case: Any) -> None:
    call_and_check(stack, "crm", case)


@notify_schema.parametrize()
@FUZZ
def test_notify_never_answers_5xx_and_keeps_its_schema(stack: Stack, case: Any) -> None:
    call_and_check(stack, "notify", case)
