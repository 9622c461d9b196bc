from typing import Annotated

from pydantic import AnyHttpUrl, BeforeValidator, Field, field_validator, model_validator

from services.notify.notifications.rules import Channel
from shared.http.inputs import CONTROL_CLASS, EMAIL, VISIBLE_PLAIN_TEXT
from shared.schemas import ChinaTime, Out, Strict

IDENTIFIER = rf"^[^\s/{CONTROL_CLASS}]+$"
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=VISIBLE_PLAIN_TEXT)]
Department = Annotated[str, Field(min_length=1, max_length=100, pattern=IDENTIFIER)]
Email = Annotated[str, Field(min_length=3, max_length=320, pattern=EMAIL)]
RoleName = Annotated[str, Field(min_length=1, max_length=50, pattern=IDENTIFIER)]


class PersonIn(Strict):
    name: Name
    email: Email | None = None
    departments: list[Department] = Field(default_factory=list, max_length=20)
    roles: list[RoleName] = Field(default_factory=list, max_length=20)
    head_of: Department | None = None
    channels: list[Channel] = Field(default_factory=lambda: [Channel.INBOX], max_length=5)

    @field_validator("channels")
    @classmethod
    def inbox_always(cls, channels: list[Channel]) -> list[Channel]:
        """NTF-2: every message is in the inbox whatever else a person asks for."""
        return [Channel.INBOX, *[channel for channel in dict.fromkeys(channels) if channel != Channel.INBOX]]

    @model_validator(mode="after")
    def email_for_email(self) -> "PersonIn":
        if Channel.EMAIL in self.channels and self.email is None:
            raise ValueError("the email channel needs an email address")
        return self


class PersonOut(Out):
    id: str
    name: str
    email: str | None
    departments: list[str]
    roles: list[str]
    head_of: str | None
    channels: list[str]
    updated_by: str
    updated_at: ChinaTime


class RobotIn(Strict):
    url: AnyHttpUrl
    secret: Annotated[str, Field(min_length=1, max_length=500, pattern=VISIBLE_PLAIN_TEXT)] | None = None


class RobotOut(Out):
    department: str
    platform: str
    url: str
    signed: Annotated[bool, BeforeValidator(lambda secret: secret is not None)] = Field(validation_alias="secret")
    updated_by: str
    updated_at: ChinaTime
