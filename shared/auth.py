"""JWT bearer authentication and role checks (SPEC §7).

HS256 with a configured secret in development; a JWKS URL in production.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

import jwt
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError

from shared.http.problems import Problem
from shared.settings import ServiceSettings


class Role(StrEnum):
    CUSTOMER_SERVICE = "customer_service"
    SALES = "sales"
    INSPECTOR = "inspector"
    PRODUCTION = "production"
    QUALITY_MANAGER = "quality_manager"
    EXECUTIVE = "executive"
    ADMIN_DEPT = "admin_dept"
    FINANCE = "finance"
    ERP = "erp"
    OPS = "ops"


class Principal(BaseModel):
    sub: str
    name: str = ""
    department: str = ""
    roles: list[str] = []

    def has_any(self, roles: tuple[Role, ...]) -> bool:
        return any(role.value in self.roles for role in roles)


VERIFIED_TOKENS_KEPT = 4096


class TokenVerifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self.secret = settings.jwt_secret.get_secret_value()
        self.audience = settings.jwt_audience
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
        options: jwt.types.Options = {"require": ["sub", "exp"], "verify_aud": self.audience is not None}
        try:
            if self.jwks is not None:
                key = self.jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(token, key, algorithms=["RS256", "ES256"], audience=self.audience, options=options)
            else:
                claims = jwt.decode(token, self.secret, algorithms=["HS256"], audience=self.audience, options=options)
            return Principal.model_validate(claims), float(claims["exp"])
        except (jwt.PyJWTError, ValidationError) as exc:
            raise Problem(401, "invalid_token", "Unauthorized", f"bearer token rejected: {exc}") from None


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
