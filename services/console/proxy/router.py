"""/api/<service>/… → the service's own URL: the browser calls the public APIs through one origin.

Bodies stream both ways (a 20 MB attachment is never held whole); headers pass except the hop-by-hop
ones; the bearer token goes to the service, which verifies it, and is never logged here.
"""

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from services.console.proxy.rules import is_public_path, request_headers_for_service, response_headers_for_browser
from shared.errors import Problem

router = APIRouter(include_in_schema=False)

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _service_url(request: Request, service: str) -> str:
    urls: dict[str, str] = request.app.state.service_urls
    if service not in urls:
        raise Problem(404, "unknown_service", "Not Found", f"no service {service!r}; known: {', '.join(urls)}")
    return urls[service]


def _as_sent(request: Request, service: str, path: str) -> str:
    """The path and query as the browser encoded them: ``VX%2F200`` stays one path segment."""
    raw = request.scope.get("raw_path", b"").decode("latin-1")
    prefix = f"/api/{service}/"
    rest = raw[len(prefix) :] if raw.startswith(prefix) else path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{rest}?{query}" if query else rest


@router.api_route("/api/{service}/{path:path}", methods=METHODS)
async def proxy(service: str, path: str, request: Request) -> StreamingResponse:
    base = _service_url(request, service)
    if not is_public_path(path):
        raise Problem(404, "not_proxied", "Not Found", f"/{path} is not part of the public API")
    client: httpx.AsyncClient = request.app.state.http
    upstream = client.build_request(
        request.method,
        httpx.URL(f"{base}/{_as_sent(request, service, path)}"),
        headers=request_headers_for_service(request.headers.items(), request.client.host if request.client else None),
        content=request.stream() if request.method not in ("GET", "HEAD") else None,
    )
    try:
        answer = await client.send(upstream, stream=True)
    except httpx.HTTPError as exc:
        raise Problem(
            502, "service_unreachable", "Bad Gateway", f"{service} did not answer: {type(exc).__name__}"
        ) from None
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=dict(response_headers_for_browser(answer.headers.multi_items())),
        background=BackgroundTask(answer.aclose),
    )
