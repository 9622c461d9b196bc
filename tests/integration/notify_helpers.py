"""Helpers of the notify suites: the movable clock, the directory and the inbox over HTTP."""

from typing import Any

import httpx

from tests.support import auth, eventually

CHINA = "+08:00"


async def set_clock(notify: httpx.AsyncClient, moment: str) -> None:
    answer = await notify.put("/v1/clock", json={"now": moment}, headers=auth("ops"))
    assert answer.status_code == 200, answer.text


async def put_person(notify: httpx.AsyncClient, person_id: str, **body: Any) -> dict[str, Any]:
    answer = await notify.put(f"/v1/people/{person_id}", json={"name": person_id, **body}, headers=auth("admin_dept"))
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def put_robot(notify: httpx.AsyncClient, department: str, platform: str, body: dict[str, str]) -> None:
    answer = await notify.put(f"/v1/robots/{department}/{platform}", json=body, headers=auth("admin_dept"))
    assert answer.status_code == 200, answer.text


async def inbox(notify: httpx.AsyncClient, sub: str, role: str = "customer_service") -> list[dict[str, Any]]:
    answer = await notify.get("/v1/notifications", headers=auth(role, sub=sub))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def one_in_inbox(
    notify: httpx.AsyncClient, sub: str, rule: str, subject: str, role: str = "sales"
) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        found = [n for n in await inbox(notify, sub, role) if n["rule"] == rule and n["subject"] == subject]
        return found[0] if found else None

    return await eventually(probe)
