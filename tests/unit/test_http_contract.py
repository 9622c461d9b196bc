"""SPEC §9 Contract and §8 times: what every route's OpenAPI document says of itself, unknown query
parameters, problem wording, and one time format, in memory through the ASGI interface."""

import importlib
import inspect
import pkgutil
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Self, get_args

import httpx
import pytest
from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, model_validator

import services
from services.classification.main import app as classification_app
from services.crm.main import app as crm_app
from services.intake.complaints.rules import Action
from services.intake.complaints.schemas import ReplyIn
from services.intake.complaints.service import _apply
from services.intake.main import app as intake_app
from services.sanctions.main import app as sanctions_app
from services.sanctions.notices.rules import Status, TransitionError, next_status
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem
from shared.http.contract import install_contract, refuse_unknown_query_parameters
from shared.http.pagination import decode_cursor
from shared.http.problems import FieldError, install_problem_handlers
from shared.schemas import ChinaTime, Day, ListQuery, TextFilter

SERVICES = {"intake": intake_app, "classification": classification_app, "sanctions": sanctions_app, "crm": crm_app}
PROBLEM_JSON = "application/problem+json"


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    size: int | None = None

    @model_validator(mode="after")
    def big_things_have_a_size(self) -> Self:
        if self.kind == "big" and self.size is None:
            raise FieldError("size", "a big thing needs its size")
        return self


class PageQuery(ListQuery):
    owner: TextFilter = None


def contract_app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(refuse_unknown_query_parameters)])
    install_problem_handlers(app)
    install_contract(app)

    @app.get("/things")
    async def list_things(kind: str | None = None, cursor: str | None = Query(None)) -> list[str]:
        return [kind or "any"]

    @app.get("/things/{thing_id}")
    async def get_thing(thing_id: uuid.UUID, _: Principal = Depends(require_roles(Role.QUALITY_MANAGER))) -> str:
        return str(thing_id)

    @app.put("/things/{thing_id}")
    async def put_thing(thing_id: uuid.UUID, body: Thing) -> Thing:
        return body

    @app.get("/pages")
    async def list_pages(query: Annotated[PageQuery, Query()]) -> list[str]:
        decode_cursor(query.cursor)
        return [query.owner or "anyone", str(query.limit)]

    @app.get("/statuses")
    async def statuses() -> None:
        raise Problem(409, "invalid_transition", "Conflict", "no", allowed={Status.STAMPED, Status.ISSUED})

    return app


@pytest.fixture
def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=contract_app()), base_url="http://test")


def responses_of(app: FastAPI, path: str, method: str) -> dict[str, Any]:
    responses: dict[str, Any] = app.openapi()["paths"][path][method]["responses"]
    return responses


def test_spec9_a_route_with_roles_documents_401_and_403_as_problems() -> None:
    responses = responses_of(contract_app(), "/things/{thing_id}", "get")
    for status in ("401", "403"):
        assert list(responses[status]["content"]) == [PROBLEM_JSON]
        assert responses[status]["content"][PROBLEM_JSON]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_spec9_a_path_parameter_documents_404() -> None:
    assert "404" in responses_of(contract_app(), "/things/{thing_id}", "get")
    assert "404" not in responses_of(contract_app(), "/things", "get")


def test_spec9_a_write_with_a_body_documents_400_409_413_and_422_as_problems() -> None:
    responses = responses_of(contract_app(), "/things/{thing_id}", "put")
    assert {"400", "409", "413", "422"} <= set(responses)
    assert list(responses["422"]["content"]) == [PROBLEM_JSON]


def test_spec9_a_read_without_token_or_path_documents_only_what_it_can_answer() -> None:
    responses = responses_of(contract_app(), "/things", "get")
    assert set(responses) == {"200", "400", "422"}  # 400: a cursor this API did not hand out


def test_spec9_the_problem_schema_replaces_fastapis_validation_error() -> None:
    schemas = contract_app().openapi()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["required"] == ["type", "title", "status", "code"]


@pytest.mark.parametrize(
    "service,path",
    [
        ("intake", "/v1/complaints/{complaint_id}"),
        ("classification", "/v1/incidents/{incident_id}"),
        ("sanctions", "/v1/notices/{notice_id}"),
        ("crm", "/v1/customers/{customer_id}"),
    ],
)
def test_spec9_each_service_documents_401_403_404_as_problems(service: str, path: str) -> None:
    responses = responses_of(SERVICES[service], path, "get")
    for status in ("401", "403", "404", "422"):
        assert list(responses[status]["content"]) == [PROBLEM_JSON], (service, status)


@pytest.mark.parametrize("service", SERVICES)
def test_spec9_every_operation_with_roles_documents_401_and_403(service: str) -> None:
    for path, operations in SERVICES[service].openapi()["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") or path.startswith("/v1/"):
                assert {"401", "403", "422"} <= set(operation["responses"]), (method, path)


async def test_spec9_an_unknown_query_parameter_is_a_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/things", params={"kind": "big", "knid": "small"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    [error] = response.json()["errors"]
    assert error["loc"] == ["query", "knid"]
    assert "cursor, kind" in error["msg"]


async def test_spec9_declared_query_parameters_pass(client: httpx.AsyncClient) -> None:
    response = await client.get("/things", params={"kind": "big"})
    assert response.status_code == 200
    assert response.json() == ["big"]


async def test_spec9_a_list_query_takes_its_filters_and_pages_and_refuses_any_other_by_name(
    client: httpx.AsyncClient,
) -> None:
    taken = await client.get("/pages", params={"owner": "E-01", "limit": "5"})
    refused = await client.get("/pages", params={"ownr": "E-01"})
    assert (taken.status_code, taken.json()) == (200, ["E-01", "5"])
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["loc"] == ["query", "ownr"]
    assert "cursor, limit, owner" in error["msg"]


async def test_spec9_a_text_filter_with_a_control_character_is_a_422_on_that_parameter(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/pages", params={"owner": "E\x0001"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["loc"], error["type"]) == (["query", "owner"], "control_character")
    assert "U+0000 at position 1" in error["msg"]


async def test_spec9_a_cursor_this_api_never_returned_is_a_400_invalid_cursor(client: httpx.AsyncClient) -> None:
    response = await client.get("/pages", params={"cursor": "a+b"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")


def test_spec9_a_list_querys_text_filters_and_cursor_state_their_patterns_in_the_schema() -> None:
    parameters = {p["name"]: p["schema"] for p in intake_app.openapi()["paths"]["/v1/complaints"]["get"]["parameters"]}
    owner = next(branch for branch in parameters["owner"]["anyOf"] if branch.get("type") == "string")
    cursor = next(branch for branch in parameters["cursor"]["anyOf"] if branch.get("type") == "string")
    assert "\\x00" in owner["pattern"] and owner["minLength"] == 1
    assert cursor["pattern"] == "^[A-Za-z0-9_-]*$"
    assert parameters["limit"] == {"type": "integer", "maximum": 500, "minimum": 1, "default": 50, "title": "Limit"}


@pytest.mark.parametrize(
    "service,path,misspelt",
    [
        ("intake", "/v1/complaints", "stauts"),
        ("classification", "/v1/incidents", "levle"),
        ("sanctions", "/v1/notices", "employe_id"),
        ("crm", "/v1/customers", "teir"),
    ],
)
async def test_spec9_a_misspelt_filter_is_refused_by_each_service(service: str, path: str, misspelt: str) -> None:
    from shared.auth import TokenVerifier
    from shared.settings import ServiceSettings
    from tests.support import auth

    app = SERVICES[service]
    # A request without a valid token is refused before anything else: this one carries one.
    app.state.token_verifier = TokenVerifier(ServiceSettings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qms") as client:
        response = await client.get(path, params={misspelt: "x"}, headers=auth("admin_dept"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", misspelt]


async def test_spec9_a_405_lists_every_method_of_the_path_in_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete(f"/things/{uuid.uuid4()}")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["allow"] == "GET, PUT"  # both routes of the path, not only the first


async def test_a_model_validator_field_error_points_loc_at_the_field(client: httpx.AsyncClient) -> None:
    response = await client.put(f"/things/{uuid.uuid4()}", json={"kind": "big"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "size"]


async def test_a_validator_message_carries_no_pydantic_prefix(client: httpx.AsyncClient) -> None:
    response = await client.put(f"/things/{uuid.uuid4()}", json={"kind": "big"})
    assert response.json()["errors"][0]["msg"] == "a big thing needs its size"


async def test_problem_extensions_carry_enum_values_not_reprs(client: httpx.AsyncClient) -> None:
    response = await client.get("/statuses")
    assert response.json()["allowed"] == ["issued", "stamped"]


def test_cmp1_a_service_complaint_without_aspect_names_the_field() -> None:
    from services.intake.complaints.schemas import ComplaintIn

    with pytest.raises(ValidationError) as raised:
        ComplaintIn.model_validate(
            {
                "kind": "service",
                "channel": "phone",
                "complainant": {"name": "王伟"},
                "description": "态度差",
                "received_at": "2026-11-24T09:30:00+08:00",
            }
        )
    [error] = raised.value.errors()
    assert isinstance(error["ctx"]["error"], FieldError)
    assert error["ctx"]["error"].loc == ("service_aspect",)


def test_san4_a_refused_step_names_the_allowed_statuses_by_value() -> None:
    with pytest.raises(TransitionError) as raised:
        next_status("withdraw", Status.SUMMARIZED)
    detail = raised.value.detail
    assert detail is not None
    assert "<Status" not in detail
    assert detail.endswith("needs one of: draft, issued, stamped, superseded")


def test_cmp4_signer_mismatch_names_the_expected_signer() -> None:
    from services.intake.complaints.models import Complaint

    head = Principal(sub="E-05", name="王芳", roles=["quality_manager"])
    reply = ReplyIn(cause="密封圈老化", resolution="更换", improvement="来料检验", signed_by="E-99")
    with pytest.raises(Problem) as raised:
        _apply(Complaint(), Action.REPLY, reply, head, datetime.now(UTC))
    assert raised.value.code == "signer_mismatch"
    assert raised.value.extensions["expected"] == ["E-05", "王芳"]
    assert "E-05" in (raised.value.detail or "")


# SPEC §8 times


def test_spec8_a_time_without_an_offset_is_china_time() -> None:
    moment = TypeAdapter(ChinaTime).validate_python("2026-11-24T09:30:00")
    assert moment.isoformat() == "2026-11-24T09:30:00+08:00"


def test_spec8_a_time_goes_out_in_china_time_as_the_same_instant() -> None:
    moment = TypeAdapter(ChinaTime).validate_python("2026-11-24T01:30:00Z")
    assert TypeAdapter(ChinaTime).dump_json(moment) == b'"2026-11-24T09:30:00+08:00"'


@pytest.mark.parametrize("number", [0.5, 0, "0.5", "1700000000"])
def test_spec8_a_number_is_not_a_time(number: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ChinaTime).validate_python(number)


@pytest.mark.parametrize("number", [0, "0", "20261124"])
def test_spec8_a_number_is_not_a_date(number: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Day).validate_python(number)


def test_spec8_a_date_is_yyyy_mm_dd() -> None:
    assert TypeAdapter(Day).validate_python("2026-11-01") == date(2026, 11, 1)


def _response_models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for module_info in pkgutil.walk_packages(services.__path__, "services."):
        if module_info.name.endswith(".schemas"):
            module = importlib.import_module(module_info.name)
            found += [
                value
                for value in vars(module).values()
                if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == module.__name__
            ]
    return found


def _is_time(annotation: object) -> bool:
    return annotation is datetime or datetime in get_args(annotation)


def test_spec8_every_time_field_of_every_service_reads_china_time() -> None:
    utc = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    checked = 0
    for model in _response_models():
        for name, field in model.model_fields.items():
            if not _is_time(field.annotation):
                continue
            moment = TypeAdapter(field.rebuild_annotation()).validate_python(utc)
            assert moment.utcoffset() == timedelta(hours=8), f"{model.__module__}.{model.__name__}.{name}"
            checked += 1
    assert checked > 40


# SPEC §9: what input validation enforces, stated in the schema


def test_spec9_a_stripped_text_states_that_it_needs_a_visible_character() -> None:
    import re

    from services.intake.complaints.schemas import RejectIn

    reason = RejectIn.model_json_schema()["properties"]["reason"]
    assert re.search(reason["pattern"], "投诉不成立") is not None
    assert re.search(reason["pattern"], " \r") is None


def test_spec9_a_text_states_that_it_holds_no_control_character() -> None:
    import re

    from services.intake.complaints.schemas import RejectIn

    with pytest.raises(ValidationError):
        RejectIn.model_validate({"reason": "投诉\x93不成立"})
    assert re.search(RejectIn.model_json_schema()["properties"]["reason"]["pattern"], "投诉\x93不成立") is None
    with pytest.raises(ValidationError):
        RejectIn.model_validate({"reason": " \r"})


@pytest.mark.parametrize("text,valid", [("12.50", True), ("99999.99", True), ("0", False), ("-1", False), ("", False)])
def test_spec9_a_decimal_string_states_its_sign_and_places(text: str, valid: bool) -> None:
    import re

    from services.classification.suppliers.schemas import DeductionIn

    [_, as_string] = DeductionIn.model_json_schema()["properties"]["hours"]["anyOf"]
    assert bool(re.search(as_string["pattern"], text)) is valid
    body = {"hours": text, "occurred_at": "2026-11-24T10:00:00+08:00"}
    if valid:
        DeductionIn.model_validate(body)
    else:
        with pytest.raises(ValidationError):
            DeductionIn.model_validate(body)


def test_spec9_a_whole_number_takes_3_0_and_keeps_its_limits_in_the_schema() -> None:
    from services.intake.complaints.schemas import ReturnVisitIn

    satisfaction = ReturnVisitIn.model_json_schema()["properties"]["satisfaction"]
    assert (satisfaction["minimum"], satisfaction["maximum"]) == (1, 5)
    assert ReturnVisitIn.model_validate_json('{"feedback": "好", "satisfaction": 3.0}').satisfaction == 3
    for refused in ('"3"', "true", "2.5"):
        with pytest.raises(ValidationError):
            ReturnVisitIn.model_validate_json(f'{{"feedback": "好", "satisfaction": {refused}}}')


async def crm_answer(path: str, params: dict[str, str]) -> httpx.Response:
    """crm's answer to an admin_dept GET, without a database: a session is made lazily and never
    connects (one would fail on this address), so a 422 shows the query was refused before any I/O."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from shared.auth import TokenVerifier
    from shared.settings import ServiceSettings
    from tests.support import auth

    crm_app.state.token_verifier = TokenVerifier(ServiceSettings())
    nowhere = create_async_engine("postgresql+asyncpg://qms@127.0.0.1:9/none")
    crm_app.state.sessions = async_sessionmaker(nowhere, expire_on_commit=False)
    transport = httpx.ASGITransport(app=crm_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://qms") as client:
        return await client.get(path, params=params, headers=auth("admin_dept"))


@pytest.mark.parametrize("path,params", [("/v1/visits/daily", {"date": "0"}), ("/v1/visit-plans", {"as_of": "0"})])
async def test_spec8_a_number_is_not_a_date_in_a_query(path: str, params: dict[str, str]) -> None:
    response = await crm_answer(path, params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", next(iter(params))]


async def test_spec9_the_daily_visit_report_refuses_a_control_character_in_its_visitor() -> None:
    response = await crm_answer("/v1/visits/daily", {"date": "2026-11-18", "visitor": "E\x0001"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["loc"], error["type"]) == (["query", "visitor"], "control_character")


def test_spec9_a_mapping_whose_keys_have_a_pattern_states_that_it_takes_no_other_key() -> None:
    from services.sanctions.clauses.schemas import ClauseEdit

    variants = ClauseEdit.model_json_schema()["properties"]["variants"]
    assert "patternProperties" in variants and variants["additionalProperties"] is False


@pytest.mark.parametrize("identifier", ["a\x85b", "a\x1cb", "a\ufeffb", "a b", "a/b"])
def test_crm_an_identifier_with_any_whitespace_is_refused_in_both_regex_dialects(identifier: str) -> None:
    import re

    from services.crm.schemas import IDENTIFIER

    assert re.match(IDENTIFIER, identifier) is None


def test_spec8_a_time_beyond_the_last_year_on_the_china_clock_is_refused_not_a_500() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(ChinaTime).validate_python("9999-12-31T23:00:00-05:00")
