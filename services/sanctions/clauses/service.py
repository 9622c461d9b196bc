"""Catalog decisions (SAN-1): reading a version, and editing amounts as a new version (never commits)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses import repository
from services.sanctions.clauses.models import CatalogVersion, ClauseRow
from services.sanctions.clauses.rules import AmountError, AmountRule, Catalog, Clause, Kind, check_factor
from services.sanctions.clauses.schemas import AmountRuleIn, CatalogEdit, ClauseEdit
from shared import clock
from shared.auth import Principal
from shared.errors import found, unprocessable


def code_order(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def to_catalog(version: CatalogVersion, rows: list[ClauseRow]) -> Catalog:
    clauses = {
        row.code: Clause(
            code=row.code,
            kind=Kind(row.kind),
            target=row.target,
            summary=row.summary,
            text=row.text,
            variants={name: AmountRule.from_json(rule) for name, rule in row.variants.items()},
        )
        for row in sorted(rows, key=lambda r: code_order(r.code))
    }
    return Catalog(version=version.version, aggravation_factor=version.aggravation_factor, clauses=clauses)


async def current(session: AsyncSession) -> tuple[CatalogVersion, Catalog]:
    version = await repository.latest_version(session)
    return version, to_catalog(version, await repository.clauses_of(session, version.version))


async def at_version(session: AsyncSession, number: int) -> tuple[CatalogVersion, Catalog]:
    version = found(await repository.get_version(session, number), "catalog version", number)
    return version, to_catalog(version, await repository.clauses_of(session, number))


async def edit(session: AsyncSession, changes: CatalogEdit, principal: Principal) -> tuple[CatalogVersion, Catalog]:
    """SAN-1: every edit is a new version; notices already drafted keep the version they were priced under."""
    await repository.lock_catalog(session)
    base_version, base = await current(session)
    factor = check_factor(changes.aggravation_factor or base.aggravation_factor)
    clauses = dict(base.clauses)
    for change in changes.clauses:
        clauses[change.code] = _edited(clauses.get(change.code), change)
    problems = [problem for clause in clauses.values() for problem in clause.problems()]
    if problems:
        raise unprocessable("invalid_catalog", "the edited catalog is not consistent", problems=problems)
    version = CatalogVersion(
        version=base_version.version + 1,
        aggravation_factor=factor,
        note=changes.note,
        created_by=principal.sub,
        created_at=clock.now(),
    )
    rows = [
        ClauseRow(
            version=version.version,
            code=clause.code,
            kind=clause.kind.value,
            target=clause.target,
            summary=clause.summary,
            text=clause.text,
            variants={name: rule.to_json() for name, rule in clause.variants.items()},
        )
        for clause in clauses.values()
    ]
    await repository.add_version(session, version, rows)
    return version, to_catalog(version, rows)


def _edited(existing: Clause | None, change: ClauseEdit) -> Clause:
    if existing is None:
        missing = [name for name in ("kind", "target", "summary", "text") if getattr(change, name) is None]
        if missing or not change.variants:
            raise AmountError(
                "incomplete_clause",
                f"a new clause {change.code} needs kind, target, summary, text and at least one variant",
                missing=missing,
            )
        assert change.kind is not None
        existing = Clause(change.code, change.kind, "", "", "", {})
    variants = dict(existing.variants)
    for name, rule in change.variants.items():
        variants[name] = _edited_rule(variants.get(name), rule)
    return Clause(
        code=existing.code,
        kind=change.kind or existing.kind,
        target=change.target or existing.target,
        summary=change.summary or existing.summary,
        text=change.text or existing.text,
        variants=variants,
    )


def _edited_rule(existing: AmountRule | None, change: AmountRuleIn) -> AmountRule:
    sent: dict[str, Any] = change.model_dump(exclude_unset=True)
    merged = {**(existing.to_json() if existing else {}), **sent}
    if "rule" not in merged or merged["rule"] is None:
        raise AmountError("incomplete_rule", "a new case needs its rule")
    return AmountRule.from_json(merged)
