"""The channels' I/O: one e-mail over SMTP (aiosmtplib), one group-robot webhook call (httpx)."""

import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib
import httpx

from services.notify.deliveries import rules
from services.notify.notifications.rules import Channel
from services.notify.settings import NotifySettings


class DeliveryError(Exception):
    """A send that did not happen; ``permanent`` ones (nowhere to send to) are not retried."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def email_message(settings: NotifySettings, to: str, title: str, body: str, notification_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.notify_smtp_sender
    message["To"] = to
    message["Subject"] = f"【QMS】{title}"
    message["Date"] = formatdate(localtime=False)
    # The same notification sent again (a send cut short by a restart) carries the same Message-ID.
    message["Message-ID"] = make_msgid(idstring=notification_id, domain="qms")
    message["X-QMS-Notification"] = notification_id
    message.set_content(body, charset="utf-8")
    return message


async def send_email(settings: NotifySettings, to: str | None, title: str, body: str, notification_id: str) -> None:
    if not to:
        raise DeliveryError("the person has no email address", permanent=True)
    try:
        await aiosmtplib.send(
            email_message(settings, to, title, body, notification_id),
            hostname=settings.notify_smtp_host,
            port=settings.notify_smtp_port,
            username=settings.notify_smtp_username,
            password=settings.notify_smtp_password,
            start_tls=settings.notify_smtp_starttls,
            timeout=settings.notify_send_timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"smtp: {exc}") from exc


async def send_robot(
    client: httpx.AsyncClient, platform: Channel, url: str | None, secret: str | None, title: str, body: str
) -> None:
    if not url:
        raise DeliveryError(f"no {platform.value} robot is set up for this department", permanent=True)
    target, payload = rules.robot_request(platform, url, secret, rules.robot_text(title, body), time.time())
    try:
        answer = await client.post(target, json=payload)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{platform.value}: {exc!r}") from exc
    if answer.status_code >= 300:
        raise DeliveryError(f"{platform.value}: HTTP {answer.status_code}")
    try:
        parsed = answer.json()
    except ValueError:
        parsed = None
    refusal = rules.robot_refusal(platform, parsed)
    if refusal is not None:
        raise DeliveryError(refusal)
