"""Rule sets (CLS-3), production rates (CLS-1) and cause routing (CLS-5) endpoints (HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from services.classification.incidents import service as incidents_service
from services.classification.levels import repository, service
from services.classification.levels.models import CauseRoute
from services.classification.levels.rules import PRESETS
from services.classification.levels.schemas import (
    CauseRoutingIn,
    CauseRoutingOut,
    ProductionRateIn,
    ProductionRateOut,
    ProductionRates,
    RuleSetIn,
    RuleSetOut,
    RuleSetPage,
)
from services.classification.roles import Reader, Writer
from shared.errors import found, not_found
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession
from shared.schemas import ListQuery, ShortPath

router = APIRouter(tags=["rules"])


@router.get("/v1/rules", response_model=RuleSetOut)
async def get_rules(session: ReadSession, _: Reader) -> RuleSetOut:
    """The rule set in force."""
    active = await repository.active_rule_set(session)
    return service.rule_set_out(active, active.version)


@router.put(
    "/v1/rules",
    response_model=RuleSetOut,
    responses={201: {"model": RuleSetOut, "description": "A new version came into force"}},
)
async def put_rules(
    payload: RuleSetIn,
    session: WriteSession,
    principal: Writer,
) -> JSONResponse:
    """CLS-3: a new version comes into force (201); the same content again keeps the current one (200)."""
    version, created = await service.new_version(session, payload, principal)
    body = service.rule_set_out(version, version.version).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)


@router.get("/v1/rules/presets")
async def get_presets(_: Reader) -> dict[str, dict[str, object]]:
    return {name: thresholds.to_json() for name, thresholds in PRESETS.items()}


@router.get("/v1/rules/versions", response_model=RuleSetPage)
async def list_versions(
    session: ReadSession,
    _: Reader,
    query: Annotated[ListQuery, Query()],
) -> Paged[RuleSetOut]:
    active = await repository.active_rule_set(session)
    page = await page_of(session, repository.rule_sets(), repository.VERSIONS_KEYSET, query)
    return page.map(lambda version: service.rule_set_out(version, active.version))


@router.get("/v1/rules/versions/{version}", response_model=RuleSetOut)
async def get_version(
    session: ReadSession,
    _: Reader,
    version: int = Path(ge=1, le=2_000_000_000),
) -> RuleSetOut:
    rule_set = found(await repository.rule_set(session, version), "rule set version", version)
    active = await repository.active_rule_set(session)
    return service.rule_set_out(rule_set, active.version)


@router.put("/v1/production-rates/{model}", response_model=ProductionRateOut)
async def put_production_rate(
    payload: ProductionRateIn,
    session: WriteSession,
    principal: Writer,
    model: ShortPath,
) -> ProductionRateOut:
    """CLS-1: output per hour of a model (optionally of one production line); the model's open
    ``rate_missing`` incidents are reclassified with it (``reclassified``)."""
    rate, reclassified = await incidents_service.set_rate(session, model, payload, principal)
    return service.rate_out(rate, [incident.id for incident in reclassified])


@router.get("/v1/production-rates/{model}", response_model=ProductionRates)
async def get_production_rates(
    session: ReadSession,
    _: Reader,
    model: ShortPath,
) -> ProductionRates:
    rates = await repository.rates_of(session, model)
    if not rates:
        raise not_found("production rate", model)
    return ProductionRates(items=[service.rate_out(rate) for rate in rates])


@router.get("/v1/cause-routing", response_model=CauseRoutingOut)
async def get_cause_routing(session: ReadSession, _: Reader) -> dict[str, list[CauseRoute]]:
    return {"routes": await repository.routes(session)}


@router.put("/v1/cause-routing", response_model=CauseRoutingOut)
async def put_cause_routing(
    payload: CauseRoutingIn,
    session: WriteSession,
    principal: Writer,
) -> dict[str, list[CauseRoute]]:
    """CLS-5: replaces the whole routing table; incidents routed later use it."""
    return {"routes": await service.replace_routing(session, payload, principal)}
