"""Clause catalog endpoints (SAN-1, HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses import service
from services.sanctions.clauses.models import CatalogVersion
from services.sanctions.clauses.rules import Catalog, Clause
from services.sanctions.clauses.schemas import CatalogEdit, CatalogOut, ClauseOut
from shared.auth import Principal, Role, require_roles
from shared.errors import not_found
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1/clauses", tags=["clauses"])

# The policy is every employee's to read; only the quality department maintains it (§6.4, §6.7).
READERS = tuple(Role)
EDITORS = (Role.QUALITY_MANAGER,)
Version = Query(None, ge=1, le=1_000_000)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]
Editor = Annotated[Principal, Depends(require_roles(*EDITORS))]


async def _catalog(session: AsyncSession, version: int | None) -> tuple[CatalogVersion, Catalog]:
    return await (service.current(session) if version is None else service.at_version(session, version))


@router.get("", response_model=CatalogOut, responses={404: {"description": "No catalog of that version"}})
async def get_catalog(
    session: ReadSession,
    _: Reader,
    version: int | None = Version,
) -> tuple[CatalogVersion, Catalog]:
    return await _catalog(session, version)


@router.get("/{code}", response_model=ClauseOut)
async def get_clause(
    code: str,
    session: ReadSession,
    _: Reader,
    version: int | None = Version,
) -> Clause:
    _version, catalog = await _catalog(session, version)
    if code not in catalog.clauses:
        raise not_found("clause", code)
    return catalog.clauses[code]


@router.put("", response_model=CatalogOut)
async def edit_catalog(
    changes: CatalogEdit,
    session: WriteSession,
    principal: Editor,
) -> tuple[CatalogVersion, Catalog]:
    return await service.edit(session, changes, principal)
