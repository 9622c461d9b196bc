"""SPEC §12 sign-in: the browser's OpenID Connect pieces (authorization code with PKCE, RFC 7636), run in
Chromium on the console's own module, served from its files (no stack needed)."""

import base64
import json
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, Route

from services.console.main import STATIC_DIR
from tests.integration.console_browser import browser

__all__ = ["browser"]

# An https origin that never leaves the browser: Web Crypto needs a secure context.
ORIGIN = "https://console.test"


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    async def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path == "/":
            await route.fulfill(body="<!doctype html><title>pkce</title>", content_type="text/html")
        else:
            await route.fulfill(path=STATIC_DIR / path.lstrip("/"), content_type="text/javascript")

    context = await browser.new_context()
    page = await context.new_page()
    await page.route(f"{ORIGIN}/**", serve)
    await page.goto(f"{ORIGIN}/")
    try:
        yield page
    finally:
        await context.close()


async def pkce(page: Page, expression: str) -> object:
    return await page.evaluate(f"(async () => {{ const pkce = await import('/js/pkce.js'); return {expression}; }})()")


async def test_con_pkce_challenge_is_rfc7636_s256(page: Page) -> None:
    # RFC 7636 Appendix B.
    challenge = await pkce(page, "pkce.challengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')")
    assert challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def test_con_pkce_verifier_is_43_unreserved_characters_and_new_each_time(page: Page) -> None:
    verifiers = await pkce(page, "[pkce.randomVerifier(), pkce.randomVerifier()]")
    assert isinstance(verifiers, list)
    first, second = verifiers
    assert len(first) == 43 and first != second
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


async def test_con_pkce_authorization_request_asks_for_a_code_with_the_s256_challenge(page: Page) -> None:
    address = await pkce(
        page,
        "pkce.authorizationUrl('https://id.example.com/auth', {clientId: 'qms-console', "
        "redirectUri: 'https://qms.example.com/', scope: 'openid profile', state: 's1', nonce: 'n1', challenge: 'c1'})",
    )
    query = dict(part.split("=", 1) for part in str(address).split("?", 1)[1].split("&"))
    assert query["response_type"] == "code"
    assert (query["code_challenge"], query["code_challenge_method"], query["state"]) == ("c1", "S256", "s1")
    assert query["client_id"] == "qms-console"


async def test_con_pkce_token_request_redeems_the_code_with_the_verifier_and_no_secret(page: Page) -> None:
    body = await pkce(
        page,
        "Object.fromEntries(pkce.tokenRequestBody({code: 'k', redirectUri: 'https://qms.example.com/', "
        "clientId: 'qms-console', verifier: 'v'}))",
    )
    assert body == {
        "grant_type": "authorization_code",
        "code": "k",
        "redirect_uri": "https://qms.example.com/",
        "client_id": "qms-console",
        "code_verifier": "v",
    }


async def test_con_pkce_callback_with_another_state_is_refused(page: Page) -> None:
    refused = await pkce(
        page,
        "(() => { try { pkce.callbackCode('?code=k&state=evil', 's1'); return null; } "
        "catch (error) { return error.message; } })()",
    )
    assert refused == "登录回调的 state 不匹配"
    assert await pkce(page, "pkce.callbackCode('?code=k&state=s1', 's1')") == "k"


async def test_con_token_claims_are_read_for_display(page: Page) -> None:
    payload = json.dumps({"sub": "E-05", "name": "王芳"}).encode()
    token = "h." + base64.urlsafe_b64encode(payload).decode().rstrip("=") + ".s"
    assert await pkce(page, f"pkce.claims('{token}')") == {"sub": "E-05", "name": "王芳"}
