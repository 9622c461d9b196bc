"""One plain ASGI middleware: correlation id in and out, request metrics and log lines, the proxy's
path prefix (bodies are guarded in ``shared.http.bodies``)."""

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared import context
from shared.observability import HTTP_LATENCY, HTTP_REQUESTS

CORRELATION_HEADER = b"x-correlation-id"
PREFIX_HEADER = b"x-forwarded-prefix"
# The prefix lands in the docs page's script and in OpenAPI's servers: path segments only.
PREFIX = re.compile(rb"(/[A-Za-z0-9._-]+)+")
# Probes and scrapes come every few seconds: a line each would bury the requests people make.
UNLOGGED_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})

log = logging.getLogger("qms.http")


def _correlation_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == CORRELATION_HEADER and 0 < len(value) <= 200:
            return value.decode("latin-1")
    return str(uuid.uuid4())


def _forwarded_prefix(scope: Scope) -> str | None:
    """The path prefix the reverse proxy removed (``/intake``), if it says so and it is a plain path."""
    for name, value in scope.get("headers", ()):
        if name == PREFIX_HEADER and len(value) <= 100 and PREFIX.fullmatch(value):
            return value.decode("ascii")
    return None


class RequestContextMiddleware:
    """Correlation id and request metrics.

    Behind the proxy a service is reached under ``/<service>``, which the proxy strips and names in
    ``X-Forwarded-Prefix``: as the ASGI ``root_path`` it makes ``/docs`` load its OpenAPI document, and
    "try it out" send its requests, through the same prefix."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        prefix = _forwarded_prefix(scope)
        if prefix is not None:
            scope["root_path"] = scope.get("root_path", "") + prefix
        correlation = _correlation_from(scope)
        token = context.correlation_id.set(correlation)
        started = time.perf_counter()
        status = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (CORRELATION_HEADER, correlation.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_LATENCY.labels(self.service, method, route).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            if scope["path"] not in UNLOGGED_PATHS:
                log.info("%s %s %d %.1f ms", method, scope["path"], status, (time.perf_counter() - started) * 1000)
            context.correlation_id.reset(token)
