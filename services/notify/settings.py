from fastapi import Request
from pydantic import Field, model_validator

from shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    service: str = "notify"
    # QMS_ENV: "production" refuses the movable clock below.
    env: str = "development"
    # NTF-3 in tests: a clock ops can set (PUT /v1/clock), so a day's timers run without waiting a day.
    notify_clock_control: bool = False
    # Idle waits of the two loops; each idle round is a transaction (0.4 % of a core per round a
    # second). Timers are due at a minute (14:00 China time), mail within seconds is soon enough.
    notify_timer_poll_s: float = Field(5.0, gt=0)
    notify_delivery_poll_s: float = Field(2.0, gt=0)
    notify_delivery_batch: int = Field(50, ge=1, le=1000)
    # A delivery is attempted this many times, waiting base · 2^(attempt-1) (at most the cap) between.
    notify_delivery_max_attempts: int = Field(5, ge=1, le=50)
    notify_delivery_backoff_s: float = Field(5.0, gt=0)
    notify_delivery_backoff_cap_s: float = Field(900.0, gt=0)
    # A claimed delivery not finished within this lease is claimed again (a replica killed mid-send).
    notify_delivery_lease_s: float = Field(60.0, gt=0)
    notify_send_timeout_s: float = Field(10.0, gt=0)
    notify_smtp_host: str = "127.0.0.1"
    notify_smtp_port: int = 1025
    notify_smtp_username: str | None = None
    notify_smtp_password: str | None = None
    notify_smtp_starttls: bool = False
    notify_smtp_sender: str = "qms@localhost"

    @model_validator(mode="after")
    def no_movable_clock_in_production(self) -> "NotifySettings":
        if self.env == "production" and self.notify_clock_control:
            raise ValueError("QMS_NOTIFY_CLOCK_CONTROL is refused under QMS_ENV=production")
        return self


async def notify_settings(request: Request) -> NotifySettings:
    """Dependency: the settings the app started with."""
    settings: NotifySettings = request.app.state.settings
    return settings
