"""Request bodies (SPEC §9 Bodies): refused without a valid token before a byte of them is read, and
capped per route.

FastAPI parses a body before any dependency runs, so ``require_roles`` alone would read and parse a
20 MB body from anyone before answering 401. Every ``/v1`` operation needs a token (SPEC §7): this
middleware checks it first, with ``shared.auth``'s own verification (the principal it verifies is
kept, so the route's dependency finds it without a second check).

The cap itself is FastAPI's ``max_body_size``: ``DEFAULT_MAX_BODY_BYTES`` for every route a service
includes, and a route that needs more declares it where it is defined. FastAPI enforces it on the
declared ``Content-Length`` and while a chunked body streams in; a body declared too large is answered
with a plain-text 413, which this middleware turns into the problem document every error is.
"""

import json

from fastapi.security import HTTPBearer
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import current_principal
from shared.errors import Problem
from shared.http.problems import problem_response

MIB = 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 1 * MIB
PROTECTED_PREFIX = "/v1/"

_bearer = HTTPBearer(auto_error=False)


def route_path(scope: Scope) -> str:
    """The path as the routes see it: without the proxy's prefix, when it is part of the path."""
    path: str = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :]
    return path


def needs_token(scope: Scope) -> bool:
    return scope["type"] == "http" and route_path(scope).startswith(PROTECTED_PREFIX)


async def authenticate(scope: Scope) -> None:
    """Raises the 401 problem ``require_roles`` would raise, without touching the body."""
    request = Request(scope)
    await current_principal(request, await _bearer(request))


def too_large_problem(scope: Scope) -> bytes:
    limit = scope.get("starlette.max_body_size")
    detail = f"request bodies on this route are limited to {limit} bytes" if limit else "the request body is too large"
    return json.dumps(
        {
            "type": "https://qms.example/problems/payload-too-large",
            "title": "Payload too large",
            "status": 413,
            "code": "payload_too_large",
            "instance": scope.get("path", ""),
            "detail": detail,
        }
    ).encode()


def _is_plain_text(message: Message) -> bool:
    return any(name == b"content-type" and value.startswith(b"text/plain") for name, value in message["headers"])


class BodyGuardMiddleware:
    """A token before the body; every 413 as a problem document."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not needs_token(scope):
            await self.app(scope, receive, send)
            return
        try:
            await authenticate(scope)
        except Problem as refused:
            response = problem_response(
                Request(scope), refused.status, refused.code, refused.title, refused.detail, **refused.extensions
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, _problem_for_plain_413(scope, send))


def _problem_for_plain_413(scope: Scope, send: Send) -> Send:
    replacing = False

    async def send_problem_instead(message: Message) -> None:
        nonlocal replacing
        if message["type"] == "http.response.start" and message["status"] == 413 and _is_plain_text(message):
            replacing = True
            body = too_large_problem(scope)
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        if replacing:
            return
        await send(message)

    return send_problem_instead
