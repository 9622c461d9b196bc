"""The console's settings: the services it fronts and how people sign in (prefix ``QMS_CONSOLE_``)."""

from typing import Self

from fastapi import Request
from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import DEVELOPMENT_JWT_SECRET

# The services behind /api/<service>/…, in the order the operations page lists them.
SERVICES = ("intake", "classification", "sanctions", "crm", "notify")
DEFAULT_PORTS = {"intake": 8001, "classification": 8002, "sanctions": 8003, "crm": 8004, "notify": 8005}


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QMS_CONSOLE_", extra="ignore")

    # QMS_ENV as every service reads it: production turns the development token picker off.
    env: str = Field("development", validation_alias=AliasChoices("QMS_ENV", "QMS_CONSOLE_ENV"))
    # Only to mint development tokens for the picker; the services verify every token themselves.
    jwt_secret: SecretStr = Field(
        SecretStr(DEVELOPMENT_JWT_SECRET), validation_alias=AliasChoices("QMS_JWT_SECRET", "QMS_CONSOLE_JWT_SECRET")
    )
    intake_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['intake']}"
    classification_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['classification']}"
    sanctions_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['sanctions']}"
    crm_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['crm']}"
    notify_url: str = f"http://127.0.0.1:{DEFAULT_PORTS['notify']}"
    # How long one proxied request may take; an upload of 20 MB on a slow line included.
    proxy_timeout_s: float = Field(120.0, gt=0)
    # OpenID Connect, authorization code with PKCE: the browser runs the flow (a public client).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_redirect_uri: str | None = None
    oidc_scope: str = "openid profile"
    # Taken from the issuer's discovery document when not set.
    oidc_authorization_endpoint: str | None = None
    oidc_token_endpoint: str | None = None

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_redirect_uri)

    def service_urls(self) -> dict[str, str]:
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICES}

    @model_validator(mode="after")
    def production_signs_in_with_openid_connect(self) -> Self:
        """In production nobody picks a development token, so the console needs its identity provider."""
        if self.production and not self.oidc_configured:
            raise ValueError(
                "QMS_ENV=production: QMS_CONSOLE_OIDC_ISSUER, QMS_CONSOLE_OIDC_CLIENT_ID and "
                "QMS_CONSOLE_OIDC_REDIRECT_URI are required"
            )
        return self


async def console_settings(request: Request) -> ConsoleSettings:
    """Dependency: the settings the app started with."""
    settings: ConsoleSettings = request.app.state.settings
    return settings
