from typing import Literal

from pydantic import BaseModel

from shared.schemas import Strict


class DevTokenRequest(Strict):
    role: str


class Person(BaseModel):
    role: str
    sub: str
    name: str
    department: str


class DevToken(BaseModel):
    token: str
    person: Person


class OidcClient(BaseModel):
    issuer: str
    client_id: str
    redirect_uri: str
    scope: str
    authorization_endpoint: str | None
    token_endpoint: str | None


class ConsoleConfig(BaseModel):
    # development: the picker; oidc: the identity provider's sign-in page.
    signin: Literal["development", "oidc"]
    development_picker: bool
    people: list[Person]
    oidc: OidcClient | None
    services: list[str]
