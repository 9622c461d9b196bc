"""SAN-1 over HTTP: the catalog is data; editing it makes a new version and old notices keep theirs."""

import httpx
import pytest

from tests.integration.sanctions_helpers import QM, employee, post, restore_spec_catalog, violation
from tests.support import auth

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
async def spec_catalog(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)


async def test_san1_catalog_lists_the_37_clauses_with_their_chinese_text(sanctions: httpx.AsyncClient) -> None:
    response = await sanctions.get("/v1/clauses", params={"version": 1}, headers=auth("production"))

    assert response.status_code == 200
    items = {item["code"]: item for item in response.json()["items"]}
    assert len(items) == 37
    assert items["5.2.1.11"] | {"text": None} == {
        **items["5.2.1.11"],
        "text": None,
        "kind": "penalty",
        "rule": "per_piece_with_shift_cap",
        "amount": "10.00",
        "shift_cap_pieces": 10,
        "shift_cap_amount": "200.00",
    }
    assert items["5.2.1.11"]["text"].startswith("因漏检、错检或有明显表面缺陷得不合格品流转到终检")
    assert set(items["5.3.2.2"]["variants"]) == {"executor", "head"}


async def test_san1_amount_edit_is_a_new_version_and_earlier_notices_keep_theirs(
    sanctions: httpx.AsyncClient,
) -> None:
    before = (await post(sanctions, violation("5.3.2.5", employee())))["notice"]

    edited = await sanctions.put(
        "/v1/clauses",
        json={
            "note": "2026 年第 6 期案例",
            "clauses": [{"code": "5.3.2.5", "variants": {"standard": {"amount": 300}}}],
        },
        headers=QM,
    )

    assert edited.status_code == 200, edited.text
    version = edited.json()["version"]
    after = (await post(sanctions, violation("5.3.2.5", employee())))["notice"]
    issued = await sanctions.post(f"/v1/notices/{before['id']}/issue", headers=QM)
    first = await sanctions.get("/v1/clauses/5.3.2.5", params={"version": 1}, headers=QM)
    assert (after["amount"], after["catalog_version"]) == ("300.00", version)
    assert (issued.json()["amount"], issued.json()["catalog_version"]) == ("200.00", before["catalog_version"])
    assert before["catalog_version"] < version
    assert first.json()["amount"] == "200.00"


async def test_san1_only_quality_edits_and_an_inconsistent_edit_is_422(sanctions: httpx.AsyncClient) -> None:
    bad_range = {"clauses": [{"code": "5.1.1.1", "variants": {"standard": {"min_amount": 200}}}]}
    incomplete = {"clauses": [{"code": "5.9.9.9", "variants": {"standard": {"amount": 10}}}]}

    forbidden = await sanctions.put("/v1/clauses", json=bad_range, headers=auth("inspector"))
    inconsistent = await sanctions.put("/v1/clauses", json=bad_range, headers=QM)
    missing = await sanctions.put("/v1/clauses", json=incomplete, headers=QM)

    assert forbidden.status_code == 403
    assert (inconsistent.status_code, inconsistent.json()["code"]) == (422, "invalid_catalog")
    assert (missing.status_code, missing.json()["code"]) == (422, "incomplete_clause")


async def test_san1_a_new_case_can_be_added_to_the_catalog(sanctions: httpx.AsyncClient) -> None:
    code = "5.4.1.1"
    added = await sanctions.put(
        "/v1/clauses",
        json={
            "note": "§6.7 新增案例",
            "clauses": [
                {
                    "code": code,
                    "kind": "penalty",
                    "target": "logistics",
                    "summary": "shipment labelled with the wrong model",
                    "text": "发货标签型号错误,每次处罚30 元。",
                    "variants": {"standard": {"rule": "fixed", "amount": "30"}},
                }
            ],
        },
        headers=QM,
    )

    assert added.status_code == 200, added.text
    notice = (await post(sanctions, violation(code, employee())))["notice"]
    assert notice["amount"] == "30.00"
