"""How the browser signs in: the console's configuration, and development tokens off production."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.console.settings import SERVICES, ConsoleSettings, console_settings
from services.console.signin.rules import oidc_client, picker_people, picker_role
from services.console.signin.schemas import ConsoleConfig, DevToken, DevTokenRequest, OidcClient, Person
from shared.cli import dev_token
from shared.errors import Problem

router = APIRouter(prefix="/console", tags=["console"])

Settings = Annotated[ConsoleSettings, Depends(console_settings)]


@router.get("/config")
async def config(settings: Settings) -> ConsoleConfig:
    client = oidc_client(
        settings.oidc_issuer,
        settings.oidc_client_id,
        settings.oidc_redirect_uri,
        settings.oidc_scope,
        settings.oidc_authorization_endpoint,
        settings.oidc_token_endpoint,
    )
    picker = not settings.production
    return ConsoleConfig(
        signin="oidc" if client is not None else "development",
        development_picker=picker,
        people=[Person(**person) for person in picker_people()] if picker else [],
        oidc=OidcClient.model_validate(client) if client is not None else None,
        services=list(SERVICES),
    )


@router.post("/dev-token", responses={403: {"description": "production, or a role the picker does not offer"}})
async def development_token(body: DevTokenRequest, settings: Settings) -> DevToken:
    """A token for one of the development people, signed with the development secret (never in production)."""
    if settings.production:
        raise Problem(403, "development_tokens_refused", "Forbidden", "QMS_ENV=production: sign in with OpenID Connect")
    role = picker_role(body.role)
    if role is None:
        raise Problem(422, "unknown_role", "Unprocessable Content", f"the picker offers no role {body.role!r}")
    person = next(person for person in picker_people() if person["role"] == role.value)
    return DevToken(token=dev_token(role, settings.jwt_secret.get_secret_value()), person=Person(**person))
