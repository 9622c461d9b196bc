"""Clause catalog endpoints (SAN-1, HTTP only)."""

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.sanctions.clauses import service
from services.sanctions.clauses.schemas import CatalogEdit, CatalogOut, ClauseOut
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.errors import not_found

router = APIRouter(prefix="/v1/clauses", tags=["clauses"])

# The policy is every employee's to read; only the quality department maintains it (§6.4, §6.7).
READERS = tuple(Role)
EDITORS = (Role.QUALITY_MANAGER,)


@router.get("", response_model=CatalogOut, responses={404: {"description": "No catalog of that version"}})
async def get_catalog(
    version: int | None = Query(None, ge=1, le=1_000_000),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CatalogOut:
    async with sessions() as session:
        found = await (service.current(session) if version is None else service.at_version(session, version))
    return service.to_out(*found)


@router.get("/{code}", response_model=ClauseOut)
async def get_clause(
    code: str,
    version: int | None = Query(None, ge=1, le=1_000_000),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ClauseOut:
    async with sessions() as session:
        _version, catalog = await (
            service.current(session) if version is None else service.at_version(session, version)
        )
    if code not in catalog.clauses:
        raise not_found("clause", code)
    return service.clause_out(catalog.clauses[code])


@router.put("", response_model=CatalogOut)
async def edit_catalog(
    changes: CatalogEdit,
    principal: Principal = Depends(require_roles(*EDITORS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CatalogOut:
    async with sessions() as session, session.begin():
        version, catalog = await service.edit(session, changes, principal)
    return service.to_out(version, catalog)
