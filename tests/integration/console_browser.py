"""Real headless Chromium (Debian's package) driven by Playwright, for the console's journeys (SPEC §12)."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, ViewportSize, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")
# Never a downloaded browser; nothing that phones home while the tests run.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# What a page shows after a click waits on the services; on a loaded machine that takes seconds.
expect.set_options(timeout=20_000)
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
ROLE_NAMES = {
    "customer_service": "客服人员",
    "quality_manager": "品质管理部负责人",
    "admin_dept": "行政管理部",
    "sales_clerk": "销售文员",
    "sales_manager": "销售部经理",
    "finance": "财务部",
    "ops": "运维",
    "executive": "最高决策层",
}


def chromium() -> str:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium (.ci/run does)")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium(), args=FLAGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


class Console:
    """One browser tab on the console, remembering every request that left for another origin."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.elsewhere: list[str] = []
        page.on("request", self._watch)

    def _watch(self, request: object) -> None:
        address = str(getattr(request, "url", ""))
        if not address.startswith((self.url, "data:", "blob:")):
            self.elsewhere.append(address)

    async def sign_in(self, role: str, at: str = "#/desk") -> None:
        """The development token picker: out, then in as the development person of ``role``."""
        await self.page.goto(f"{self.url}/#/desk")
        await self.page.evaluate("sessionStorage.clear()")
        await self.page.reload()
        await self.page.locator(f"button.person[data-role='{role}']").click()
        await expect(self.page.locator("#person")).to_contain_text(ROLE_NAMES[role])
        await self.go(at)

    async def go(self, at: str) -> None:
        await self.page.goto(f"{self.url}/{at}")
        await expect(self.page.locator("main p.muted", has_text="加载中")).to_have_count(0)

    async def screenshots(self, name: str) -> None:
        """The page at desktop and at phone width (390 px), which must not scroll sideways."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.set_viewport_size(DESKTOP)
        await self.page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
        await self.page.set_viewport_size(PHONE)
        width = await self.page.evaluate("document.documentElement.scrollWidth")
        await self.page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
        await self.page.set_viewport_size(DESKTOP)
        assert width <= PHONE["width"], f"{name} is {width} px wide at phone width"

    async def fill(self, scope: Locator, values: dict[str, str]) -> None:
        for name, value in values.items():
            control = scope.locator(f"[name='{name}']")
            if await control.evaluate("element => element.tagName") == "SELECT":
                await control.select_option(value)
            else:
                await control.fill(value)

    async def until(self, probe: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
        """Reloads the page until ``probe`` holds: what other services do arrives by events."""
        deadline = time.monotonic() + timeout
        while not await probe():
            if time.monotonic() > deadline:
                raise AssertionError(f"not shown within {timeout}s on {self.page.url}")
            await asyncio.sleep(0.5)
            await self.page.reload()
            await expect(self.page.locator("main p.muted", has_text="加载中")).to_have_count(0)
