"""Consumer lag and outbox backlog for the operations page.

/metrics is not public (the proxy does not pass it); the console reads it on the inside for someone the
service itself admits to its ops API with the same token.
"""

import httpx
from fastapi import APIRouter, Request

from services.console.ops.rules import gauges
from shared.errors import Problem

router = APIRouter(prefix="/console/ops", tags=["console"])


@router.get("/{service}/gauges", responses={401: {}, 403: {}, 404: {}, 502: {}})
async def service_gauges(service: str, request: Request) -> dict[str, object]:
    urls: dict[str, str] = request.app.state.service_urls
    if service not in urls:
        raise Problem(404, "unknown_service", "Not Found", f"no service {service!r}")
    client: httpx.AsyncClient = request.app.state.http
    authorization = request.headers.get("authorization", "")
    try:
        check = await client.get(
            f"{urls[service]}/v1/ops/dead-letters", params={"limit": 1}, headers={"authorization": authorization}
        )
        if check.status_code in (401, 403):
            refused = check.json()
            code, title = refused.get("code", "forbidden"), refused.get("title", "Forbidden")
            raise Problem(check.status_code, code, title, refused.get("detail"))
        metrics = await client.get(f"{urls[service]}/metrics")
    except httpx.HTTPError as exc:
        raise Problem(502, "service_unreachable", "Bad Gateway", f"{service}: {type(exc).__name__}") from None
    return gauges(metrics.text)
