"""JWT bearer authentication and role checks (SPEC §7).

HS256 with a configured secret in development; a JWKS URL in production.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError

from shared.errors import Problem
from shared.settings import ServiceSettings


class Role(StrEnum):
    CUSTOMER_SERVICE = "customer_service"
    SALES = "sales"
    SALES_CLERK = "sales_clerk"
    SALES_MANAGER = "sales_manager"
    INSPECTOR = "inspector"
    PRODUCTION = "production"
    QUALITY_MANAGER = "quality_manager"
    EXECUTIVE = "executive"
    ADMIN_DEPT = "admin_dept"
    FINANCE = "finance"
    ERP = "erp"
    OPS = "ops"


# Claims end up in columns of at most 200 characters: a longer (or empty) one is a bad token, not a 500.
Claim = Annotated[str, Field(max_length=200)]


class Principal(BaseModel):
    sub: Annotated[str, Field(min_length=1, max_length=200)]
    name: Claim = ""
    department: Claim = ""
    roles: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=50)] = []

    def has_any(self, roles: tuple[Role, ...]) -> bool:
        return any(role.value in self.roles for role in roles)


VERIFIED_TOKENS_KEPT = 4096
# SPEC §9: a token lives at most 12 hours; clocks of issuer and service may differ by a few seconds.
MAX_TOKEN_LIFETIME_S = 12 * 3600
CLOCK_SKEW_LEEWAY_S = 30


def lifetime_problem(claims: dict[str, Any]) -> str | None:
    """Why a token's lifetime (``exp`` - ``iat``) is unacceptable, or None when it is within 12 hours."""
    lifetime = float(claims["exp"]) - float(claims["iat"])
    if lifetime > MAX_TOKEN_LIFETIME_S:
        return f"the token lives {lifetime:.0f} s, more than the {MAX_TOKEN_LIFETIME_S} s allowed"
    return None


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self.secret = settings.jwt_secret.get_secret_value()
        self.audience = settings.jwt_audience
        self.issuer = settings.jwt_issuer
        self.jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None
        # A front end sends the same token with every request of a shift: its signature is checked
        # once and the principal kept until the token's own expiry (OrderedDict as a small LRU).
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()  # JWKS checks run on worker threads

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified before and not expired since."""
        with self._lock:
            kept = self._verified.get(token)
            if kept is None or kept[1] <= time.time():
                return None
            self._verified.move_to_end(token)
            return kept[0]

    def verify(self, token: str) -> Principal:
        principal, expires_at = self._check(token)
        with self._lock:
            self._verified[token] = (principal, expires_at)
            if len(self._verified) > VERIFIED_TOKENS_KEPT:
                self._verified.popitem(last=False)
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        try:
            claims = self._decode(token)
            too_long = lifetime_problem(claims)
            if too_long is not None:
                raise Problem(401, "invalid_token", "Unauthorized", f"bearer token rejected: {too_long}")
            # Kept as long as the check itself would still accept it, leeway included.
            return Principal.model_validate(claims), float(claims["exp"]) + CLOCK_SKEW_LEEWAY_S
        except (jwt.PyJWTError, ValidationError) as exc:
            raise Problem(401, "invalid_token", "Unauthorized", f"bearer token rejected: {exc}") from None

    def _decode(self, token: str) -> dict[str, Any]:
        """Signature, ``exp`` and ``iat`` (both required), and ``iss``/``aud`` where configured."""
        options: jwt.types.Options = {
            "require": ["sub", "exp", "iat"],
            "verify_aud": self.audience is not None,
            "verify_iss": self.issuer is not None,
        }
        if self.jwks is not None:
            key: Any = self.jwks.get_signing_key_from_jwt(token).key
            algorithms = ["RS256", "ES256"]
        else:
            key, algorithms = self.secret, ["HS256"]
        return jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=self.audience,
            issuer=self.issuer,
            leeway=CLOCK_SKEW_LEEWAY_S,
            options=options,
        )


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(401, "missing_token", "Unauthorized", "an Authorization: Bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    known = verifier.cached(credentials.credentials)
    if known is not None:
        return known
    if verifier.jwks is not None:
        # Verifying against a JWKS may fetch the key set over the network: not on the event loop.
        return await run_in_threadpool(verifier.verify, credentials.credentials)
    # An HS256 check is a few microseconds of CPU: cheaper here than a hop to a worker thread.
    return verifier.verify(credentials.credentials)


def require_roles(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that admits a principal holding at least one of ``roles``."""

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.has_any(roles):
            allowed = ", ".join(role.value for role in roles)
            raise Problem(403, "forbidden", "Forbidden", f"this action needs one of the roles: {allowed}")
        return principal

    dependency.roles = roles  # type: ignore[attr-defined]  # read by the authorization tests
    return dependency


def mint_token(
    secret: str, sub: str, roles: list[str], name: str = "", department: str = "", ttl_s: int = 8 * 3600
) -> str:
    now = int(time.time())
    claims = {"sub": sub, "name": name, "department": department, "roles": roles, "iat": now, "exp": now + ttl_s}
    return jwt.encode(claims, secret, algorithm="HS256")
