"""CON search over HTTP: complaints found by free text, number, complainant and phone, index-backed,
and a complaint looked up by its number."""

from typing import Any

import httpx
import pytest

from shared.stack import Stack
from tests.integration.factories import product_complaint
from tests.support import auth, service_db, unique_chinese, unique_digits

pytestmark = pytest.mark.integration

CLERK = auth("customer_service", sub="CS-SEARCH")
ADMIN = auth("admin_dept", sub="AD-SEARCH")


async def file(intake: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await intake.post("/v1/complaints", json=product_complaint(**overrides), headers=CLERK)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def found(intake: httpx.AsyncClient, headers: dict[str, str], **query: str) -> list[str]:
    response = await intake.get("/v1/complaints", params=query, headers=headers)
    assert response.status_code == 200, response.text
    return [item["complaint_no"] for item in response.json()["items"]]


async def test_con_complaints_are_found_by_a_chinese_substring_of_the_complainants_name(
    intake: httpx.AsyncClient,
) -> None:
    given = unique_chinese()
    complaint = await file(intake, complainant={"name": f"欧阳{given}", "phone": "13900000000"})
    assert await found(intake, CLERK, complainant=given[1:3]) == [complaint["complaint_no"]]


async def test_con_complaints_are_found_by_the_last_four_digits_of_the_phone(intake: httpx.AsyncClient) -> None:
    phone = "139" + unique_digits()
    complaint = await file(intake, complainant={"name": "李娜", "phone": phone})
    assert complaint["complaint_no"] in await found(intake, CLERK, phone=phone[-4:], limit="200")
    assert await found(intake, CLERK, phone=phone[-8:]) == [complaint["complaint_no"]]


async def test_con_free_text_finds_the_description_model_number_name_and_phone(intake: httpx.AsyncClient) -> None:
    marker = unique_digits()
    phone = "137" + unique_digits()
    complaint = await file(
        intake,
        complainant={"name": f"赵{marker}", "phone": phone},
        description=f"外机噪音{marker}很大",
    )
    number = complaint["complaint_no"]
    assert await found(intake, CLERK, q=f"噪音{marker}") == [number]
    assert await found(intake, CLERK, q=f"赵{marker}") == [number]
    assert await found(intake, CLERK, q=phone) == [number]
    assert number in await found(intake, CLERK, q=number)
    assert number in await found(intake, CLERK, number=number[-8:], limit="200")


async def test_con_a_reader_who_sees_the_complainant_masked_cannot_find_them_by_name_or_phone(
    intake: httpx.AsyncClient,
) -> None:
    marker = unique_digits()
    phone = "136" + marker
    complaint = await file(intake, complainant={"name": f"钱{marker}", "phone": phone}, description=f"漏水{marker}")
    number = complaint["complaint_no"]
    shown = (await intake.get(f"/v1/complaints/{complaint['id']}", headers=ADMIN)).json()
    assert shown["complainant_masked"] is True
    assert await found(intake, ADMIN, complainant=f"钱{marker}") == []
    assert await found(intake, ADMIN, phone=phone) == []
    assert await found(intake, ADMIN, q=phone) == []
    assert await found(intake, ADMIN, q=f"漏水{marker}") == [number]
    assert await found(intake, CLERK, phone=phone) == [number]


async def test_con_the_search_is_answered_from_the_gram_indexes(stack: Stack) -> None:
    async with service_db(stack, "intake") as conn:
        await conn.execute("SET enable_seqscan = off")
        plan = "\n".join(
            row[0]
            for row in await conn.fetch(
                "EXPLAIN SELECT id FROM intake.complaints WHERE search_grams @> ARRAY['漏水']::text[]"
            )
        )
    assert "ix_complaints_search_grams" in plan


async def test_con_a_complaint_is_looked_up_by_its_number(intake: httpx.AsyncClient) -> None:
    complaint = await file(intake)
    response = await intake.get(f"/v1/complaints/{complaint['complaint_no']}", headers=CLERK)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == complaint["id"]


async def test_con_an_unknown_number_is_not_found(intake: httpx.AsyncClient) -> None:
    response = await intake.get("/v1/complaints/TS-19990101-9999", headers=CLERK)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
