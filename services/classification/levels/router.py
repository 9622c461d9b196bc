"""Rule sets (CLS-3), production rates (CLS-1) and cause routing (CLS-5) endpoints (HTTP only)."""

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.incidents import service as incidents_service
from services.classification.levels import repository, service
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
from services.classification.roles import READERS, WRITERS
from shared.app import sessions_of
from shared.auth import Principal, require_roles
from shared.errors import Problem, not_found
from shared.http.pagination import decode_cursor, encode_cursor

router = APIRouter(tags=["rules"])


@router.get("/v1/rules", response_model=RuleSetOut)
async def get_rules(
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> RuleSetOut:
    """The rule set in force."""
    async with sessions() as session:
        active = await repository.active_rule_set(session)
    return service.rule_set_out(active, active.version)


@router.put(
    "/v1/rules",
    response_model=RuleSetOut,
    responses={201: {"model": RuleSetOut, "description": "A new version came into force"}},
)
async def put_rules(
    payload: RuleSetIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> JSONResponse:
    """CLS-3: a new version comes into force (201); the same content again keeps the current one (200)."""
    async with sessions() as session, session.begin():
        version, created = await service.new_version(session, payload, principal)
        body = service.rule_set_out(version, version.version).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if created else 200)


@router.get("/v1/rules/presets")
async def get_presets(_: Principal = Depends(require_roles(*READERS))) -> dict[str, dict[str, object]]:
    return {name: thresholds.to_json() for name, thresholds in PRESETS.items()}


@router.get("/v1/rules/versions", response_model=RuleSetPage)
async def list_versions(
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> RuleSetPage:
    before = _version_cursor(cursor)
    async with sessions() as session:
        active = await repository.active_rule_set(session)
        versions = await repository.rule_sets(session, before, limit + 1)
    page, more = versions[:limit], len(versions) > limit
    return RuleSetPage(
        items=[service.rule_set_out(v, active.version) for v in page],
        next_cursor=encode_cursor([page[-1].version]) if more else None,
    )


def _version_cursor(cursor: str | None) -> int | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    if len(values) != 1 or not isinstance(values[0], int):
        raise Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned")
    return values[0]


@router.get("/v1/rules/versions/{version}", response_model=RuleSetOut)
async def get_version(
    version: int = Path(ge=1, le=2_000_000_000),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> RuleSetOut:
    async with sessions() as session:
        found = await repository.rule_set(session, version)
        if found is None:
            raise not_found("rule set version", str(version))
        active = await repository.active_rule_set(session)
    return service.rule_set_out(found, active.version)


@router.put("/v1/production-rates/{model}", response_model=ProductionRateOut)
async def put_production_rate(
    payload: ProductionRateIn,
    model: str = Path(min_length=1, max_length=200),
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ProductionRateOut:
    """CLS-1: output per hour of a model (optionally of one production line); the model's open
    ``rate_missing`` incidents are reclassified with it (``reclassified``)."""
    async with sessions() as session, session.begin():
        rate, reclassified = await incidents_service.set_rate(session, model, payload, principal)
        out = service.rate_out(rate)
        return out.model_copy(update={"reclassified": [incident.id for incident in reclassified]})


@router.get("/v1/production-rates/{model}", response_model=ProductionRates)
async def get_production_rates(
    model: str = Path(min_length=1, max_length=200),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ProductionRates:
    async with sessions() as session:
        rates = await repository.rates_of(session, model)
    if not rates:
        raise not_found("production rate", model)
    return ProductionRates(items=[service.rate_out(rate) for rate in rates])


@router.get("/v1/cause-routing", response_model=CauseRoutingOut)
async def get_cause_routing(
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CauseRoutingOut:
    async with sessions() as session:
        routes = await repository.routes(session)
    return CauseRoutingOut(routes=[service.route_out(route) for route in routes])


@router.put("/v1/cause-routing", response_model=CauseRoutingOut)
async def put_cause_routing(
    payload: CauseRoutingIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CauseRoutingOut:
    """CLS-5: replaces the whole routing table; incidents routed later use it."""
    async with sessions() as session, session.begin():
        routes = await service.replace_routing(session, payload, principal)
        return CauseRoutingOut(routes=[service.route_out(route) for route in routes])
