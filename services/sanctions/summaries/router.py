"""Monthly summary endpoints (SAN-5, HTTP only): close, view, and the CSV/XLSX files for finance."""

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.sanctions.summaries import rules, service
from services.sanctions.summaries.schemas import CloseIn, SummaryOut
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles

router = APIRouter(prefix="/v1/summaries", tags=["summaries"])

CLOSERS = (Role.ADMIN_DEPT,)  # §4.9: administration summarizes monthly
READERS = (Role.ADMIN_DEPT, Role.FINANCE, Role.QUALITY_MANAGER)
Month = Path(pattern=rules.MONTH_PATTERN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(month: str, extension: str) -> dict[str, str]:
    filename = f"sanctions-summary-{month}.{extension}"
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@router.get("/{month}.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def summary_csv(
    month: str = Month,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> Response:
    async with sessions() as session:
        lines, _view = await service.summary(session, month)
    content = rules.to_csv(month, lines, rules.department_totals(lines))
    return Response(content, media_type="text/csv; charset=utf-8", headers=_download(month, "csv"))


@router.get("/{month}.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def summary_xlsx(
    month: str = Month,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> Response:
    async with sessions() as session:
        lines, _view = await service.summary(session, month)
    content = rules.to_xlsx(month, lines, rules.department_totals(lines))
    return Response(content, media_type=XLSX, headers=_download(month, "xlsx"))


@router.get("/{month}", response_model=SummaryOut)
async def get_summary(
    month: str = Month,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SummaryOut:
    async with sessions() as session:
        _lines, view = await service.summary(session, month)
    return view


@router.post("/{month}/close", response_model=SummaryOut)
async def close_month(
    month: str = Month,
    body: CloseIn | None = None,
    principal: Principal = Depends(require_roles(*CLOSERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SummaryOut:
    """SAN-5: closes a month that has ended (China time); the running month only with
    `{"force": true, "reason": "…"}`, the reason kept on the summary."""
    async with sessions() as session, session.begin():
        return await service.close(session, month, body or CloseIn(), principal)
