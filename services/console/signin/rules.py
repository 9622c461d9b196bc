"""Who may sign in how: the development picker's people and the OpenID Connect settings the browser needs."""

from shared.auth import Role
from shared.cli import DEV_PEOPLE

# Service accounts are not people at a desk; the picker offers everyone else (ops included, for its page).
PICKER_ROLES = tuple(role for role in Role if role is not Role.ERP)


def picker_people() -> list[dict[str, str]]:
    """The development people, one per role, as the token picker lists them."""
    people = []
    for role in PICKER_ROLES:
        sub, name, department = DEV_PEOPLE[role]
        people.append({"role": role.value, "sub": sub, "name": name, "department": department})
    return people


def picker_role(value: str) -> Role | None:
    """The role a picker request names, if the picker offers it."""
    return next((role for role in PICKER_ROLES if role.value == value), None)


def oidc_client(
    issuer: str | None,
    client_id: str | None,
    redirect_uri: str | None,
    scope: str,
    authorization_endpoint: str | None,
    token_endpoint: str | None,
) -> dict[str, str | None] | None:
    """What the browser's PKCE flow needs, or None when no identity provider is configured."""
    if not (issuer and client_id and redirect_uri):
        return None
    return {
        "issuer": issuer.rstrip("/"),
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "authorization_endpoint": authorization_endpoint,
        "token_endpoint": token_endpoint,
    }
