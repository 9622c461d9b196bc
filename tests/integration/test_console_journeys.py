"""SPEC §12 (CON): the console's journeys in real headless Chromium against the running stack, each page
photographed at desktop and phone width into docs/screenshots/."""

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.async_api import Browser, expect

from shared.events import topics
from shared.stack import Stack
from tests.attachment_files import png
from tests.integration.console_browser import Console, browser
from tests.integration.crm_helpers import customer_of
from tests.integration.delivery_helpers import letters_refusing, return_lines_refused_for
from tests.integration.factories import product_complaint, return_line
from tests.support import auth, eventually

pytestmark = pytest.mark.integration

__all__ = ["browser"]


@pytest.fixture
async def console(stack: Stack, browser: Browser) -> AsyncIterator[Console]:
    assert stack.console is not None
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    tab = Console(await context.new_page(), stack.console.url)
    try:
        yield tab
    finally:
        await context.close()
    assert tab.elsewhere == [], "the console loaded something from another origin"


async def batch_incident_of(classification: httpx.AsyncClient, model: str) -> list[dict[str, object]]:
    found = await classification.get(
        "/v1/incidents", params={"model": model, "level": "batch"}, headers=auth("quality_manager")
    )
    items: list[dict[str, object]] = found.json()["items"]
    return items


async def push_returns(intake: httpx.AsyncClient, model: str, quantity: int = 60) -> None:
    line = return_line(model=model, quantity=quantity, shipped_batch_no=f"S-{uuid.uuid4().hex[:8]}")
    pushed = await intake.post("/v1/returns/batches", json={"lines": [line]}, headers=auth("erp"))
    assert pushed.status_code == 200 and pushed.json()["accepted"] == 1, pushed.text


async def test_con_sign_in_picks_a_development_person(console: Console) -> None:
    await console.page.goto(console.url)
    await expect(console.page.locator("button.person")).to_have_count(11)
    await console.screenshots("signin")
    await console.sign_in("quality_manager")
    await expect(console.page.locator("#person")).to_contain_text("王芳")
    await console.screenshots("desk")


async def test_con_journey_a_complaint_filed_and_taken_to_closed(console: Console) -> None:
    page = console.page
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    await console.sign_in("customer_service", "#/complaints")
    await page.locator("details.card > summary", has_text="新建投诉").click()
    new = page.locator("#new-complaint")
    await console.fill(
        new,
        {
            "kind": "product_quality",
            "channel": "phone",
            "complainant_name": "王伟",
            "complainant_phone": phone,
            "model": "VX-200",
            "quantity": "3",
            "batch_no": "B20261101",
            "production_date": "2026-11-01",
            "description": "阀门漏水, 客户要求更换",
        },
    )
    await new.locator("button[type=submit]").click()
    await expect(page.locator("h1")).to_contain_text("投诉 TS-")
    status = page.locator("h1 .badge")
    await expect(status).to_have_text("已受理")
    complaint_at = page.url.split("/", 3)[3]
    await console.screenshots("complaint-received")

    await step(console, "investigate", {"note": "已联系客户, 取样检测"})
    await expect(status).to_have_text("调查中")
    await console.sign_in("quality_manager", complaint_at)
    await step(console, "reply", {"cause": "密封圈装配不良", "resolution": "更换整机", "improvement": "装配工位加检"})
    await expect(status).to_have_text("已回复")
    await console.sign_in("customer_service", complaint_at)
    await step(console, "return-visit", {"feedback": "客户满意", "satisfaction": "5"})
    await expect(status).to_have_text("已回访")
    await step(console, "close", {"summary": "已更换, 客户确认"})
    await expect(status).to_have_text("已结案")

    incident = page.locator("a[href^='#/incidents/']")
    await console.until(lambda: has(incident))
    await console.screenshots("complaint-closed")
    await console.go("#/complaints")
    await console.screenshots("complaints")
    await incident_from(console, complaint_at)


async def test_con_a_complaint_is_found_by_the_last_digits_of_the_phone_and_opened_by_its_number(
    console: Console, intake: httpx.AsyncClient
) -> None:
    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    body = product_complaint(complainant={"name": "赵敏", "phone": phone, "email": None})
    filed = await intake.post("/v1/complaints", json=body, headers=auth("customer_service"))
    assert filed.status_code == 201, filed.text
    number = filed.json()["complaint_no"]
    page = console.page
    await console.sign_in("customer_service", "#/complaints")
    search = page.locator("form.search")
    await search.locator("input[name=q]").fill(phone[-4:])
    await search.locator("button[type=submit]").click()
    await expect(page.locator("table td", has_text=number)).to_have_count(1)
    await console.screenshots("complaint-search")
    await search.locator("input[name=q]").fill(number)
    await search.locator("button[type=submit]").click()
    await expect(page.locator("h1")).to_contain_text(f"投诉 {number}")


async def has(locator: object) -> bool:
    return bool(await locator.count())  # type: ignore[attr-defined]


async def incident_from(console: Console, complaint_at: str) -> None:
    """A complaint shows its incident, and the incident its complaint."""
    await console.go(complaint_at)
    await console.page.locator("a[href^='#/incidents/']").first.click()
    await expect(console.page.locator("h1")).to_contain_text("一般质量事故")
    complaint_id = complaint_at.rsplit("/", 1)[1]
    await expect(console.page.locator(f"a[href='#/complaints/{complaint_id}']")).to_have_count(1)


async def step(console: Console, action: str, values: dict[str, str]) -> None:
    """One CMP-4 step through its form on the complaint's page."""
    details = console.page.locator(f"details.step[data-action='{action}']")
    await details.locator("summary").click()
    await console.fill(details, values)
    await details.locator("button[type=submit]").click()


async def test_con_journey_pushed_returns_show_the_batch_incident(console: Console, intake: httpx.AsyncClient) -> None:
    model = f"CON-{uuid.uuid4().hex[:8]}"
    await push_returns(intake, model)
    await console.sign_in("quality_manager", "#/incidents")
    filters = console.page.locator("form.filters")
    await console.fill(filters, {"level": "batch", "model": model})
    row = console.page.locator("tr", has_text=model)
    for _ in range(120):
        await filters.locator("button[type=submit]").click()
        if await row.count():
            break
        await console.page.wait_for_timeout(500)
    await expect(row).to_have_count(1)
    await console.fill(filters, {"level": "", "model": "", "q": model[4:]})
    await filters.locator("button[type=submit]").click()
    await expect(row).to_have_count(1)
    await console.screenshots("incidents")
    await row.locator("a").click()
    await expect(console.page.locator("h1")).to_contain_text("批质量事故")
    await expect(console.page.locator("table", has_text="退货行")).to_contain_text(model)
    await console.screenshots("incident-batch")


async def test_con_journey_a_zeroing_closed_with_evidence(
    console: Console, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = f"ZER-{uuid.uuid4().hex[:8]}"
    await push_returns(intake, model)
    incidents = await eventually(lambda: batch_incident_of(classification, model), timeout=60)
    page = console.page
    await console.sign_in("quality_manager", f"#/incidents/{incidents[0]['id']}")
    await page.locator("form.upload input[type=file]").set_input_files(
        {"name": "复现试验照片.png", "mimeType": "image/png", "buffer": png()}
    )
    await page.locator("form.upload button[type=submit]").click()
    await expect(page.locator("section.attachments")).to_contain_text("复现试验照片.png")
    items = await page.locator("form.evidence").evaluate_all("forms => forms.map(form => form.dataset.item)")
    assert len(items) == 14
    for item in items:
        evidence = page.locator(f"form.evidence[data-item='{item}']")
        await evidence.locator("textarea[name=evidence]").fill(f"{item}: 见试验报告与照片")
        await evidence.locator("select[name=attachment]").select_option(label="复现试验照片.png")
        await evidence.locator("button[type=submit]").click()
        await expect(page.locator(f"li[data-item='{item}'][data-done='true']")).to_have_count(1)
    await console.screenshots("zeroing")
    await page.locator("#close-incident textarea[name=summary]").fill("归零完成, 措施已验证")
    await page.locator("#close-incident button[type=submit]").click()
    await expect(page.locator("h1 .badge")).to_have_text("已关闭")
    closed = await classification.get(f"/v1/incidents/{incidents[0]['id']}", headers=auth("quality_manager"))
    assert closed.json()["status"] == "closed"


async def test_con_journey_a_notice_issued_stamped_and_its_month_closed_and_downloaded(console: Console) -> None:
    page = console.page
    token = uuid.uuid4()
    month = f"{2001 + token.int % 19}-{1 + token.int // 19 % 12:02d}"
    employee, name = f"E-{token.hex[:8]}", f"测试{token.hex[:4]}"
    await console.sign_in("quality_manager", "#/sanctions")
    await page.locator("details.card > summary", has_text="登记违规").click()
    new = page.locator("#new-violation")
    await console.fill(
        new,
        {
            "clause": "5.1.3.2",
            "employee_id": employee,
            "employee_name": name,
            "employee_department": "purchasing",
            "occurred_at": f"{month}-10T10:00",
        },
    )
    await new.locator("button[type=submit]").click()
    await expect(page.locator("#toast")).to_contain_text("已生成奖惩通知草稿")
    await expect(page.locator("form.filters input[name=month]")).to_have_value(month)
    row = page.locator("tr", has_text=name)
    await row.locator("form[data-action=issue] button").click()
    await expect(row.locator(".badge")).to_have_text("已发出")

    await console.sign_in("admin_dept", "#/sanctions")
    row = await notices_of(console, month, name)
    await row.locator("form[data-action=stamp] button").click()
    await expect(row.locator(".badge")).to_have_text("已盖章")
    await page.locator("#close-month button[type=submit]").click()
    await expect(page.locator(".badge[data-value=closed]")).to_have_text("已结账")
    await console.screenshots("sanctions")
    async with page.expect_download() as downloading:
        await page.locator("button", has_text="下载 XLSX").click()
    download = await downloading.value
    assert download.suggested_filename == f"奖惩汇总-{month}.xlsx"
    saved = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert saved[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(saved))["个人汇总"]
    assert any(employee in [cell.value for cell in line] for line in sheet.iter_rows())


async def notices_of(console: Console, month: str, name: str):
    filters = console.page.locator("form.filters")
    await console.fill(filters, {"month": month})
    await filters.locator("button[type=submit]").click()
    row = console.page.locator("tr", has_text=name)
    await expect(row).to_have_count(1)
    return row


async def test_con_journey_a_fee_statement_signed_by_clerk_manager_and_finance(
    console: Console, crm: httpx.AsyncClient
) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    product = f"VX-{uuid.uuid4().hex[:6]}"
    customer_id = await customer_of(crm, rep)
    await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "1000.00"}, headers=auth("finance"))
    line = {"customer_id": customer_id, "product": product, "purpose": "event", "purchase_amount": 0, "fee_amount": 100}
    created = await crm.post(
        "/v1/fee-statements", json={"month": "2026-11", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert created.status_code == 201, created.text
    statement_id = created.json()["id"]
    for signer, shot in (("sales_clerk", "customers"), ("sales_manager", None), ("finance", None)):
        await console.sign_in(signer, "#/customers")
        sign = console.page.locator(f"button[data-sign='{statement_id}']").first
        if shot:
            await console.screenshots(shot)
        await sign.click()
        await expect(console.page.locator(f"button[data-sign='{statement_id}']")).to_have_count(0)
    verified = console.page.locator("tr", has_text=rep).locator(".badge[data-value='verified']")
    await expect(verified.first).to_have_text("已检核")
    await console.screenshots("fee-statement-verified")
    signed = await crm.get(f"/v1/fee-statements/{statement_id}", headers=auth("finance"))
    assert [one["step"] for one in signed.json()["sign_offs"]] == ["sales_clerk", "sales_manager", "finance"]


async def test_con_journey_a_dead_letter_replayed_after_the_fix(
    console: Console, stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = f"OPS-{uuid.uuid4().hex[:8]}"
    async with return_lines_refused_for(stack, model):
        await push_returns(intake, model)
        letters = await eventually(lambda: letters_refusing(classification, model), timeout=60, interval=0.5)
    letter = letters[0]
    await console.sign_in("ops", "#/ops")
    replay = console.page.locator(f"button[data-replay='{topics.RETURNS}/{letter['partition']}/{letter['offset']}']")
    await expect(replay).to_have_count(1)
    await expect(console.page.locator("table", has_text="就绪").first).to_contain_text("就绪")
    await console.screenshots("ops")
    await replay.click()
    await expect(console.page.locator("span.badge.ok", has_text="已重放 1")).to_have_count(1)
    await eventually(lambda: batch_incident_of(classification, model), timeout=60)


async def test_con_management_review_charts_the_complaints_of_the_month(
    console: Console, intake: httpx.AsyncClient
) -> None:
    filed = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    assert filed.status_code == 201, filed.text
    await console.sign_in("executive", "#/review")
    chart = console.page.locator("section.card", has_text="每月投诉数")
    # A month with no complaints is a bar of no height; the month filed in has one.
    await expect(chart.locator('svg.chart rect:not([height="0"])').first).to_be_visible()
    await expect(chart.locator("p.empty")).to_have_count(0)
    await console.screenshots("review")


async def test_con_api_docs_load_without_a_cdn(console: Console) -> None:
    await console.sign_in("ops", "#/desk")
    await console.page.goto(f"{console.url}/api-docs/intake")
    # Swagger UI renders the whole document at once: seconds on a loaded machine.
    await expect(console.page.locator(".swagger-ui .title").first).to_contain_text("QMS intake", timeout=60_000)
    await console.screenshots("api-docs")
