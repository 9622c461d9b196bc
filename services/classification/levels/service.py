"""Rule sets, production rates and cause routing: decisions (never commits)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.levels import repository
from services.classification.levels.models import CauseRoute, ProductionRate, RuleSetVersion
from services.classification.levels.rules import PRESETS, Thresholds, routing_category
from services.classification.levels.schemas import (
    CauseRoutingIn,
    ProductionRateIn,
    ProductionRateOut,
    RuleSetIn,
    RuleSetOut,
)
from shared import clock
from shared.auth import Principal
from shared.schemas import attributes_of


@dataclass(frozen=True)
class RuleSetInForce:
    version: int
    name: str
    thresholds: Thresholds


@dataclass(frozen=True)
class Responsibility:
    department: str | None
    head: str | None


async def rule_set_in_force(session: AsyncSession) -> RuleSetInForce:
    active = await repository.active_rule_set(session)
    return RuleSetInForce(active.version, active.name, Thresholds.from_json(active.thresholds))


async def new_version(session: AsyncSession, payload: RuleSetIn, principal: Principal) -> tuple[RuleSetVersion, bool]:
    """CLS-3: a change is a new version, old versions stay as they were. The same content as the
    version in force changes nothing (a repeated PUT); returns the version and whether it is new."""
    if payload.thresholds is None:
        thresholds = PRESETS[payload.name]
    else:
        thresholds = Thresholds.from_json(payload.thresholds.model_dump())
    active = await repository.active_rule_set(session)
    if active.name == payload.name and Thresholds.from_json(active.thresholds) == thresholds:
        return active, False
    version = RuleSetVersion(
        name=payload.name,
        thresholds=thresholds.to_json(),
        note=payload.note,
        created_by=principal.sub,
        created_at=clock.now(),
    )
    return await repository.add_rule_set(session, version), True


def rule_set_out(version: RuleSetVersion, active_version: int) -> RuleSetOut:
    return RuleSetOut.model_validate(
        {**attributes_of(version, RuleSetOut), "active": version.version == active_version}
    )


async def set_rate(
    session: AsyncSession, model: str, payload: ProductionRateIn, principal: Principal
) -> ProductionRate:
    return await repository.upsert_rate(session, model, payload.production_line, payload.units_per_hour, principal.sub)


def rate_out(rate: ProductionRate, reclassified: Sequence[uuid.UUID] = ()) -> ProductionRateOut:
    """A rate of any line is stored under the empty line name and answered without one."""
    return ProductionRateOut.model_validate(
        {
            **attributes_of(rate, ProductionRateOut),
            "production_line": rate.production_line or None,
            "reclassified": list(reclassified),
        }
    )


async def responsibility_for(session: AsyncSession, cause: str | None) -> Responsibility:
    """CLS-5: the department a cause category routes to; a cause not located yet routes as ``other``."""
    found = await repository.route(session, routing_category(cause).value)
    if found is None:
        return Responsibility(None, None)
    return Responsibility(found.department, found.head_id)


async def replace_routing(session: AsyncSession, payload: CauseRoutingIn, principal: Principal) -> list[CauseRoute]:
    now = clock.now()
    new_routes = [
        CauseRoute(
            cause_category=route.cause_category.value,
            department=route.department,
            head_id=route.head_id,
            head_name=route.head_name,
            updated_by=principal.sub,
            updated_at=now,
        )
        for route in payload.routes
    ]
    await repository.replace_routes(session, new_routes)
    return await repository.routes(session)
