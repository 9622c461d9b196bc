"""Deliveries as pure code: when to try again, and how each group robot wants its message signed.

- WeCom (企业微信) group robot: the key is part of the webhook URL; no signature.
- DingTalk (钉钉) custom robot, 加签: sign = urlencode(base64(HMAC-SHA256(key=secret,
  message="<timestamp ms>\\n<secret>"))), sent as the query parameters ``timestamp`` and ``sign``.
- Feishu (飞书) custom robot, 签名校验: sign = base64(HMAC-SHA256(key="<timestamp s>\\n<secret>",
  message="")), sent in the JSON body beside ``timestamp``.
"""

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote_plus

from services.notify.notifications.rules import Channel


def backoff_s(attempt: int, base_s: float, cap_s: float) -> float:
    """The wait after the ``attempt``-th failed attempt: base, 2·base, 4·base … at most the cap."""
    return float(min(cap_s, base_s * 2 ** (attempt - 1)))


def gives_up(attempt: int, max_attempts: int) -> bool:
    return attempt >= max_attempts


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def robot_text(title: str, body: str) -> str:
    return f"【QMS】{title}\n{body}"


def robot_request(
    platform: Channel, url: str, secret: str | None, text: str, now_s: float
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of one robot message, signed as the platform requires when a secret is set."""
    if platform == Channel.DINGTALK:
        body: dict[str, Any] = {"msgtype": "text", "text": {"content": text}}
        if secret:
            timestamp_ms = int(now_s * 1000)
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
        return url, body
    if platform == Channel.FEISHU:
        body = {"msg_type": "text", "content": {"text": text}}
        if secret:
            timestamp_s = int(now_s)
            body = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **body}
        return url, body
    if platform == Channel.WECOM:
        return url, {"msgtype": "text", "text": {"content": text}}
    raise ValueError(f"not a robot platform: {platform}")


def robot_refusal(platform: Channel, answer: Any) -> str | None:
    """The platform's own error in a 200 answer (WeCom and DingTalk ``errcode``, Feishu ``code``), if any."""
    if not isinstance(answer, dict):
        return None
    code = answer.get("code") if platform == Channel.FEISHU else answer.get("errcode")
    if code in (None, 0):
        return None
    return f"{platform.value} refused: {code} {answer.get('msg') or answer.get('errmsg') or ''}".strip()
