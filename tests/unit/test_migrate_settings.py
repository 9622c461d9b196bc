"""SPEC §9 Deployment secrets: migrate gives each service role its own password."""

import pytest

from shared.bootstrap import SERVICES, runtime_grants
from shared.settings import MigrateSettings


def test_spec9_migrate_takes_each_roles_own_password_and_the_shared_one_for_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QMS_DB_PASSWORD", "fallback")
    monkeypatch.setenv("QMS_DB_PASSWORD_INTAKE", "intake-own")
    monkeypatch.setenv("QMS_DB_PASSWORD_CRM", "crm-own")
    passwords = MigrateSettings().service_passwords(SERVICES)
    assert passwords == {
        "intake": "intake-own",
        "classification": "fallback",
        "sanctions": "fallback",
        "crm": "crm-own",
        "notify": "fallback",
    }


def test_spec9_a_login_role_gets_dml_on_its_schema_and_never_create() -> None:
    grants = runtime_grants("intake")
    assert "REVOKE CREATE ON SCHEMA intake FROM qms_intake" in grants
    assert "GRANT USAGE ON SCHEMA intake TO qms_intake" in grants
    assert not any("CREATE" in grant and grant.startswith("GRANT") for grant in grants)
