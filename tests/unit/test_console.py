"""SPEC §12 (CON): the console's server, without the services: assets, proxy, sign-in, gauges."""

import re
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.console.main import STATIC_DIR, app
from services.console.ops.rules import gauges
from services.console.proxy.rules import is_public_path, request_headers_for_service, response_headers_for_browser
from services.console.settings import ConsoleSettings
from shared.auth import TokenVerifier
from shared.settings import ServiceSettings

OIDC_ENV = {
    "QMS_CONSOLE_OIDC_ISSUER": "https://id.example.com/realms/qms",
    "QMS_CONSOLE_OIDC_CLIENT_ID": "qms-console",
    "QMS_CONSOLE_OIDC_REDIRECT_URI": "https://qms.example.com/",
}


class References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def is_external(url: str) -> bool:
    return bool(re.match(r"^([a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def test_con_console_page_references_no_external_url() -> None:
    parser = References()
    parser.feed((STATIC_DIR / "index.html").read_text())
    assert parser.urls, "the page loads its script and style sheet"
    assert [url for url in parser.urls if is_external(url)] == []


def test_con_scripts_import_only_local_modules() -> None:
    imports = [
        (path.name, spec)
        for path in STATIC_DIR.rglob("*.js")
        for spec in re.findall(r"^import .* from '([^']+)';", path.read_text(), re.MULTILINE)
    ]
    assert imports
    assert [(name, spec) for name, spec in imports if not spec.startswith(("./", "../"))] == []


def test_con_style_sheet_loads_nothing_from_elsewhere() -> None:
    css = (STATIC_DIR / "app.css").read_text()
    assert [url for url in re.findall(r"url\(([^)]*)\)", css) if is_external(url.strip("'\""))] == []
    assert "@import" not in css


@pytest.fixture
def console(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    for name in OIDC_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("QMS_ENV", raising=False)
    with TestClient(app) as client:
        yield client


def test_con_swagger_ui_of_a_service_loads_from_the_console_itself(console: TestClient) -> None:
    page = console.get("/api-docs/intake").text
    scripts = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert "/docs/assets/swagger-ui-bundle.js" in scripts
    assert [url for url in scripts if is_external(url)] == []
    assert console.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


async def test_con_services_docs_load_swagger_ui_from_local_files() -> None:
    from services.intake.main import app as intake

    # No lifespan: the page and its files need neither the database nor the broker.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=intake), base_url="http://qms") as client:
        page = (await client.get("/docs")).text
        scripts = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
        assert "/docs/assets/swagger-ui-bundle.js" in scripts
        assert [url for url in scripts if is_external(url)] == []
        assert (await client.get("/docs/assets/swagger-ui.css")).status_code == 200
        assert (await client.get("/redoc")).status_code == 404


def test_con_development_picker_mints_a_token_the_services_accept(console: TestClient) -> None:
    answer = console.post("/console/dev-token", json={"role": "quality_manager"})
    assert answer.status_code == 200
    principal = TokenVerifier(ServiceSettings()).verify(answer.json()["token"])
    assert (principal.sub, principal.name, principal.roles) == ("E-05", "王芳", ["quality_manager"])


def test_con_development_picker_offers_no_service_account(console: TestClient) -> None:
    people = console.get("/console/config").json()["people"]
    assert "erp" not in {person["role"] for person in people}
    assert console.post("/console/dev-token", json={"role": "erp"}).status_code == 422


def test_con_development_tokens_are_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_ENV", "production")
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    with TestClient(app) as client:
        refused = client.post("/console/dev-token", json={"role": "quality_manager"})
        config = client.get("/console/config").json()
    assert refused.status_code == 403
    assert refused.json()["code"] == "development_tokens_refused"
    assert (config["signin"], config["development_picker"], config["people"]) == ("oidc", False, [])
    assert config["oidc"]["client_id"] == "qms-console"


def test_con_production_without_openid_connect_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_ENV", "production")
    with pytest.raises(ValidationError, match="QMS_CONSOLE_OIDC_ISSUER"):
        ConsoleSettings()


def test_con_dev_token_body_refuses_unknown_fields(console: TestClient) -> None:
    answer = console.post("/console/dev-token", json={"role": "ops", "roles": ["ops", "finance"]})
    assert answer.status_code == 422


def test_con_proxy_reaches_only_the_public_api() -> None:
    assert is_public_path("v1/complaints")
    assert is_public_path("openapi.json")
    assert is_public_path("readyz")
    assert not is_public_path("metrics")
    assert not is_public_path("v1/../metrics")
    assert not is_public_path("docs")


def test_con_proxy_drops_hop_by_hop_headers_and_those_connection_names() -> None:
    sent = [
        ("Authorization", "Bearer t"),
        ("Connection", "keep-alive, X-Secret-Hop"),
        ("X-Secret-Hop", "1"),
        ("Transfer-Encoding", "chunked"),
        ("Host", "console"),
        ("Cookie", "a=b"),
        ("Idempotency-Key", "k"),
    ]
    forwarded = dict(request_headers_for_service(sent, "10.0.0.7"))
    assert forwarded == {"Authorization": "Bearer t", "Idempotency-Key": "k", "x-forwarded-for": "10.0.0.7"}
    answered = response_headers_for_browser([("content-type", "application/json"), ("connection", "close")])
    assert answered == [("content-type", "application/json")]


class Streamed(httpx.AsyncByteStream):
    """A body that arrives in pieces, as a service's answer does over a socket."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def test_con_proxy_passes_token_body_and_problem_to_and_from_the_service(console: TestClient) -> None:
    seen: list[httpx.Request] = []

    def service(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        problem = b'{"title": "Conflict", "status": 409, "code": "invalid_transition"}'
        headers = {"content-type": "application/problem+json"}
        return httpx.Response(409, stream=Streamed(problem[:10], problem[10:]), headers=headers)

    console.app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(service))  # type: ignore[attr-defined]
    answer = console.post(
        "/api/intake/v1/complaints/42/close?x=1", content=b'{"summary": "ok"}', headers={"authorization": "Bearer t"}
    )
    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "invalid_transition"
    request = seen[0]
    assert str(request.url).endswith("/v1/complaints/42/close?x=1")
    assert request.headers["authorization"] == "Bearer t"
    assert request.content == b'{"summary": "ok"}'


def test_con_proxy_passes_the_path_as_the_browser_encoded_it(console: TestClient) -> None:
    seen: list[httpx.Request] = []

    def service(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, stream=Streamed(b"{}"), headers={"content-type": "application/json"})

    console.app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(service))  # type: ignore[attr-defined]
    assert console.get("/api/classification/v1/production-rates/VX%2F200?q=%E9%98%80+1").status_code == 200
    assert seen[0].url.raw_path == b"/v1/production-rates/VX%2F200?q=%E9%98%80+1"


def test_con_proxy_answers_an_unreachable_service_with_a_502_problem(console: TestClient) -> None:
    def away(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    console.app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(away))  # type: ignore[attr-defined]
    answer = console.get("/api/crm/v1/customers")
    assert answer.status_code == 502
    assert answer.json()["code"] == "service_unreachable"


def test_con_operations_gauges_read_consumer_lag_and_outbox_backlog() -> None:
    text = (
        "# TYPE qms_consumer_lag gauge\n"
        'qms_consumer_lag{partition="1",service="crm",topic="qms.intake.complaints"} 7.0\n'
        'qms_consumer_lag{partition="0",service="crm",topic="qms.intake.complaints"} 2.0\n'
        "# TYPE qms_outbox_backlog gauge\n"
        'qms_outbox_backlog{service="crm"} 3.0\n'
    )
    assert gauges(text) == {
        "consumer_lag": [
            {"topic": "qms.intake.complaints", "partition": 0, "lag": 2},
            {"topic": "qms.intake.complaints", "partition": 1, "lag": 7},
        ],
        "outbox_backlog": 3,
    }


def test_con_development_token_is_signed_with_the_configured_secret(
    console: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = console.post("/console/dev-token", json={"role": "finance"}).json()["token"]
    claims = jwt.decode(token, "dev-secret", algorithms=["HS256"])
    assert claims["roles"] == ["finance"] and claims["exp"] - claims["iat"] <= 12 * 3600


def test_con_labels_cover_every_glossary_status() -> None:
    labels = (STATIC_DIR / "js" / "labels.js").read_text()
    glossary = (Path(__file__).parents[2] / "docs" / "glossary.md").read_text()
    values = (
        "investigating",
        "four_not_let_go",
        "responsible_dealt_with",
        "superseded",
        "sales_clerk",
        "void",
        "oem_factory",
        "declining",
        "outstanding",
        "estimated",
        "reclassified_by_rate",
        "signer_is_rep",
    )
    for value in values:
        assert value in glossary and re.search(rf"\b{value}\b", labels), value


def test_con_compose_serves_the_console_behind_the_proxy_and_signs_in_with_openid_connect() -> None:
    import yaml

    root = Path(__file__).parents[2]
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    console = compose["services"]["console"]["environment"]
    assert console["QMS_SERVICE"] == "console" and console["QMS_ENV"] == "production"
    assert console["QMS_CONSOLE_INTAKE_URL"] == "http://intake:8000"
    nginx = (root / "deploy" / "nginx" / "default.conf").read_text()
    assert re.search(r"location / \{\s*set \$qms_console console:8000;\s*proxy_pass http://\$qms_console;", nginx)


def test_con_kubernetes_runs_the_console_as_a_deployment_behind_the_ingress() -> None:
    import yaml

    k8s = Path(__file__).parents[2] / "deploy" / "k8s"
    objects = list(yaml.safe_load_all((k8s / "console.yaml").read_text()))
    kinds = {(item["kind"], item["metadata"]["name"]) for item in objects}
    assert {("Deployment", "console"), ("Service", "console"), ("Ingress", "qms-console")} <= kinds
    deployment = next(item for item in objects if item["kind"] == "Deployment")
    env = {one["name"]: one.get("value") for one in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["QMS_ENV"] == "production"
    assert "console.yaml" in (k8s / "kustomization.yaml").read_text()
