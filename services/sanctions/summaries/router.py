"""Monthly summary endpoints (SAN-5, HTTP only): close, view, and the CSV/XLSX files for finance."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from services.sanctions.summaries import exports, rules, service
from services.sanctions.summaries.rules import PersonLine
from services.sanctions.summaries.schemas import CloseIn, SummaryOut
from shared.auth import Principal, Role, require_roles
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1/summaries", tags=["summaries"])

CLOSERS = (Role.ADMIN_DEPT,)  # §4.9: administration summarizes monthly
READERS = (Role.ADMIN_DEPT, Role.FINANCE, Role.QUALITY_MANAGER)
MonthPath = Annotated[str, Path(pattern=rules.MONTH_PATTERN)]
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Closer = Annotated[Principal, Depends(require_roles(*CLOSERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


def _download(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


Summary = tuple[list[PersonLine], SummaryOut]


async def month_summary(session: ReadSession, month: MonthPath) -> Summary:
    """The month's lines and its view: the fixed lines once closed, a live preview while open."""
    return await service.summary(session, month)


MonthSummary = Annotated[Summary, Depends(month_summary)]


CSV_RESPONSES: dict[int | str, dict[str, object]] = {200: {"content": {"text/csv": {}}}}


@router.get("/{month}.csv", response_class=Response, responses=CSV_RESPONSES)
async def summary_csv(
    _: Reader,
    month: MonthPath,
    summary: MonthSummary,
) -> Response:
    """SAN-5: the month per person, one table (the departments are a file of their own)."""
    lines, _view = summary
    return _download(exports.people_csv(lines), CSV, f"sanctions-summary-{month}.csv")


@router.get("/{month}/departments.csv", response_class=Response, responses=CSV_RESPONSES)
async def departments_csv(
    _: Reader,
    month: MonthPath,
    summary: MonthSummary,
) -> Response:
    """SAN-5: the month per department, one table."""
    lines, _view = summary
    return _download(
        exports.departments_csv(rules.department_totals(lines)), CSV, f"sanctions-summary-{month}-departments.csv"
    )


@router.get("/{month}.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def summary_xlsx(
    _: Reader,
    month: MonthPath,
    summary: MonthSummary,
) -> Response:
    lines, _view = summary
    content = exports.to_xlsx(month, lines, rules.department_totals(lines))
    return _download(content, XLSX, f"sanctions-summary-{month}.xlsx")


@router.get("/{month}", response_model=SummaryOut)
async def get_summary(
    _: Reader,
    month: MonthPath,
    summary: MonthSummary,
) -> SummaryOut:
    _lines, view = summary
    return view


@router.post("/{month}/close", response_model=SummaryOut)
async def close_month(
    session: WriteSession,
    principal: Closer,
    month: MonthPath,
    body: CloseIn | None = None,
) -> SummaryOut:
    """SAN-5: closes a month that has ended (China time); the running month only with
    `{"force": true, "reason": "…"}`, the reason kept on the summary."""
    return await service.close(session, month, body or CloseIn(), principal)
