"""Each service's Swagger UI on the console, its requests sent through the same-origin proxy."""

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from shared.errors import Problem
from shared.http.docs import swagger_page

router = APIRouter(prefix="/api-docs", include_in_schema=False)


def _base(request: Request, service: str) -> str:
    urls: dict[str, str] = request.app.state.service_urls
    if service not in urls:
        raise Problem(404, "unknown_service", "Not Found", f"no service {service!r}")
    return urls[service]


@router.get("/{service}")
async def service_docs(service: str, request: Request) -> HTMLResponse:
    _base(request, service)
    return swagger_page(f"QMS {service} — API", f"/api-docs/{service}/openapi.json")


@router.get("/{service}/openapi.json")
async def service_openapi(service: str, request: Request) -> dict[str, object]:
    """The service's document with the proxy as its server, so "Try it out" goes through the console."""
    client: httpx.AsyncClient = request.app.state.http
    try:
        answer = await client.get(f"{_base(request, service)}/openapi.json")
    except httpx.HTTPError as exc:
        raise Problem(502, "service_unreachable", "Bad Gateway", f"{service}: {type(exc).__name__}") from None
    document: dict[str, object] = answer.json()
    document["servers"] = [{"url": f"/api/{service}"}]
    return document
