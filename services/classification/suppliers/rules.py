"""CLS-6 supplier material rules (供应商来料异常管理流程) as pure code."""

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Disposition(StrEnum):
    """§7.1 return to the supplier for rework/repair/scrap; §7.2 use under concession (特采)."""

    RETURN = "return"
    CONCESSION = "concession"


class ConcessionKind(StrEnum):
    """§8.1–8.5."""

    SORT = "sort"  # 挑选使用
    ADD_PARTS = "add_parts"  # 增加零部件
    ADD_PROCESS = "add_process"  # 增加工艺
    LOWER_REQUIREMENT = "lower_requirement"  # 降低质量要求
    MACHINING = "machining"  # 机加工


DEDUCTION_PER_HOUR = Decimal("20.00")  # §9.1 特采使用需扣除工时费用 20 元/H
CENT = Decimal("0.01")


def concession_deduction(hours: Decimal) -> Decimal:
    """§9.1: the supplier pays 20 CNY for every hour of extra work a concession causes."""
    return (hours * DEDUCTION_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP)


def disposition_is_consistent(disposition: Disposition, concession_kind: ConcessionKind | None) -> bool:
    """A concession names one of the five kinds; a return names none."""
    return (disposition is Disposition.CONCESSION) == (concession_kind is not None)
