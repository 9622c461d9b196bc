"""CRM-5 visit planning as pure code (客户服务体系 §五, 公司客户服务管理办法 第四条(2))."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class PlannedVisit:
    period: date  # first day of the month the visit belongs to
    due_on: date  # last day of that month
    interval_months: int
    basis: str


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def project_interval_months(latest_delivery: date, period: date) -> int:
    """CRM-5: monthly while the latest delivered project is under a year old at the month's start,
    quarterly after (一年内项目每月回访一次;一年以上的项目每季回访一次)."""
    return 1 if month_start(period) < one_year_after(latest_delivery) else 3


def plan_for_month(
    period: date, latest_delivery: date | None, class_interval: int | None, customer_class: str | None
) -> PlannedVisit | None:
    """The visit a customer is due in ``period``'s month, if any.

    With a delivered project the cadence counts from the delivery month (visits start the month after
    it); the class (CRM-4) can only make visits more frequent. Without a project only the class plans,
    counted from January.
    """
    period = month_start(period)
    candidates: list[tuple[int, str]] = []
    if latest_delivery is not None:
        if period <= month_start(latest_delivery):
            return None
        interval = project_interval_months(latest_delivery, period)
        candidates.append((interval, "project_first_year" if interval == 1 else "project_after_first_year"))
        anchor = month_start(latest_delivery)
    else:
        anchor = period.replace(month=1)
    if class_interval is not None:
        candidates.append((class_interval, f"class_{customer_class}"))
    if not candidates:
        return None
    interval, basis = min(candidates)
    if months_between(anchor, period) % interval != 0:
        return None
    return PlannedVisit(period, month_end(period), interval, basis)


def visitor_may_visit(visitor_id: str, regional_sales_rep: str | None) -> bool:
    """CRM-5: 指定专人负责巡访客户(原则上不能由本地区的负责业务员担任)."""
    return regional_sales_rep is None or visitor_id != regional_sales_rep


def is_overdue(due_on: date, today: date) -> bool:
    return due_on < today


def visitor_for(last_visitor: str | None, sales_owner: str | None, regional_sales_rep: str | None) -> str | None:
    """Who is expected to make a customer's planned visits (指定专人负责巡访, 第四条(2)): the person who
    visited the customer last, else the customer's sales owner; never the regional sales rep, so None
    when neither may visit (the sales managers then name someone)."""
    for candidate in (last_visitor, sales_owner):
        if candidate and visitor_may_visit(candidate, regional_sales_rep):
            return candidate
    return None


def planning_months(today: date) -> list[date]:
    """The months the monthly planning pass plans: this one, and the next from its last week on, so a
    month's plans and their reminders exist before it begins."""
    this = month_start(today)
    following = month_start(month_end(this) + timedelta(days=1))
    return [this, following] if month_end(today) - today < timedelta(days=7) else [this]
