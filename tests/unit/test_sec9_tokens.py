"""SPEC §9 Tokens: what a bearer token must be, and which token settings production refuses."""

import time
import warnings
from typing import Any

import jwt
import pytest
from pydantic import ValidationError

from shared.auth import CLOCK_SKEW_LEEWAY_S, MAX_TOKEN_LIFETIME_S, Principal, Role, TokenVerifier
from shared.cli import DEV_PEOPLE, main
from shared.errors import Problem
from shared.settings import ServiceSettings

warnings.filterwarnings("ignore", message="The HMAC key is")

SECRET = "dev-secret"
LONG_SECRET = "a-production-secret-of-forty-bytes-long!"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "E-17", "name": "李娜", "roles": ["inspector"], "iat": now, "exp": now + 3600}
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def verifier(**settings: Any) -> TokenVerifier:
    return TokenVerifier(ServiceSettings(jwt_secret=SECRET, **settings))


def signed(payload: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


def rejection(token_verifier: TokenVerifier, token: str) -> Problem:
    with pytest.raises(Problem) as caught:
        token_verifier.verify(token)
    return caught.value


def test_sec9_a_token_within_12_hours_is_accepted() -> None:
    principal = verifier().verify(signed(claims(exp=int(time.time()) + MAX_TOKEN_LIFETIME_S)))
    assert principal.sub == "E-17"


def test_sec9_a_token_living_longer_than_12_hours_is_a_401() -> None:
    now = int(time.time())
    problem = rejection(verifier(), signed(claims(iat=now, exp=now + MAX_TOKEN_LIFETIME_S + 1)))
    assert (problem.status, problem.code) == (401, "invalid_token")


def test_sec9_a_token_without_exp_is_a_401() -> None:
    assert rejection(verifier(), signed(claims(exp=None))).status == 401


def test_sec9_a_token_without_iat_is_a_401() -> None:
    assert rejection(verifier(), signed(claims(iat=None))).status == 401


def test_sec9_a_token_issued_in_the_future_to_stretch_its_life_is_a_401() -> None:
    later = int(time.time()) + 6 * 3600
    assert rejection(verifier(), signed(claims(iat=later, exp=later + 3600))).status == 401


def test_sec9_clock_skew_within_the_leeway_is_tolerated() -> None:
    now = int(time.time())
    just_expired = claims(iat=now - 3600, exp=now - CLOCK_SKEW_LEEWAY_S // 2)
    assert verifier().verify(signed(just_expired)).sub == "E-17"


def test_sec9_expiry_beyond_the_leeway_is_a_401() -> None:
    now = int(time.time())
    assert rejection(verifier(), signed(claims(iat=now - 3600, exp=now - CLOCK_SKEW_LEEWAY_S - 5))).status == 401


@pytest.mark.parametrize("sub", ["", "E" * 201])
def test_sec9_an_empty_or_huge_sub_is_a_401(sub: str) -> None:
    assert rejection(verifier(), signed(claims(sub=sub))).status == 401


def test_sec9_a_huge_name_is_a_401() -> None:
    assert rejection(verifier(), signed(claims(name="名" * 201))).status == 401


def test_sec9_a_configured_issuer_is_checked() -> None:
    checking = verifier(jwt_issuer="https://sso.example.com")
    assert rejection(checking, signed(claims(iss="https://elsewhere.example.com"))).status == 401
    assert rejection(checking, signed(claims())).status == 401
    assert checking.verify(signed(claims(iss="https://sso.example.com"))).sub == "E-17"


def test_sec9_a_configured_audience_is_checked() -> None:
    checking = verifier(jwt_audience="qms")
    assert rejection(checking, signed(claims(aud="payroll"))).status == 401
    assert checking.verify(signed(claims(aud="qms"))).sub == "E-17"


def test_sec9_jwks_mode_passes_issuer_and_audience_to_the_check() -> None:
    checking = TokenVerifier(
        ServiceSettings(jwt_jwks_url="https://sso.example.com/jwks", jwt_issuer="https://sso", jwt_audience="qms")
    )
    assert (checking.jwks is not None, checking.issuer, checking.audience) == (True, "https://sso", "qms")


def production(**settings: Any) -> ServiceSettings:
    return ServiceSettings(env="production", **settings)


def test_sec9_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="development secret"):
        production()


def test_sec9_production_refuses_a_secret_shorter_than_32_bytes() -> None:
    with pytest.raises(ValidationError, match="32 bytes"):
        production(jwt_secret="x" * 31)


def test_sec9_production_counts_the_secret_in_bytes() -> None:
    assert production(jwt_secret="密" * 11).env == "production"  # 33 bytes in UTF-8


def test_sec9_production_accepts_a_long_secret_of_its_own() -> None:
    assert production(jwt_secret=LONG_SECRET).jwt_secret.get_secret_value() == LONG_SECRET


def test_sec9_production_jwks_mode_needs_issuer_and_audience() -> None:
    with pytest.raises(ValidationError, match=r"QMS_JWT_ISSUER.*QMS_JWT_AUDIENCE"):
        production(jwt_jwks_url="https://sso.example.com/jwks")
    with pytest.raises(ValidationError, match="QMS_JWT_AUDIENCE"):
        production(jwt_jwks_url="https://sso.example.com/jwks", jwt_issuer="https://sso")
    configured = production(jwt_jwks_url="https://sso.example.com/jwks", jwt_issuer="https://sso", jwt_audience="qms")
    assert configured.jwt_audience == "qms"


def test_sec9_production_is_read_from_qms_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_ENV", "production")
    monkeypatch.delenv("QMS_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError):
        ServiceSettings()


def test_sec9_development_keeps_the_development_secret() -> None:
    assert ServiceSettings().jwt_secret.get_secret_value() == SECRET


def test_sec7_every_role_has_a_development_person() -> None:
    assert set(DEV_PEOPLE) == set(Role)


@pytest.mark.parametrize("role", ["executive", "sales_clerk", "sales_manager"])
def test_sec7_the_token_command_mints_the_new_roles(role: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["token", "--role", role])
    principal = verifier().verify(capsys.readouterr().out.strip())
    assert principal.roles == [role]


def test_sec9_the_token_command_refuses_a_lifetime_over_12_hours() -> None:
    with pytest.raises(SystemExit):
        main(["token", "--role", "sales", "--ttl", str(MAX_TOKEN_LIFETIME_S + 1)])


def test_sec9_principal_refuses_an_empty_sub() -> None:
    with pytest.raises(ValidationError):
        Principal(sub="")
