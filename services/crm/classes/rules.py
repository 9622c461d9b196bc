"""CRM-4 A/B/C/D classes as pure code (公司客户服务管理办法 第四条: 依其性质、规模、销售额和经营发展趋势).

The scoring table is data (GET/PUT /v1/class-scoring); these functions only apply one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shared.errors import Unprocessable

CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class SalesBand:
    min_revenue: Decimal
    points: int


@dataclass(frozen=True)
class ScoringTable:
    nature: Mapping[str, int]
    scale: Mapping[str, int]
    trend: Mapping[str, int]
    sales_bands: Sequence[SalesBand]
    class_minimums: Mapping[str, int]  # A, B, C: the least score of the class; anything lower is D
    visit_interval_months: Mapping[str, int] = field(default_factory=dict)


DEFAULT_TABLE = ScoringTable(
    # 经销商、零售商、委托加工工厂和消费者 (第二条)
    nature={"distributor": 30, "oem_factory": 25, "retailer": 20, "consumer": 10},
    scale={"large": 30, "medium": 20, "small": 10},
    trend={"growing": 10, "stable": 5, "declining": 0},
    sales_bands=(
        SalesBand(Decimal("2000000"), 30),
        SalesBand(Decimal("200000"), 20),
        SalesBand(Decimal("10000"), 10),
        SalesBand(Decimal("0"), 0),
    ),
    class_minimums={"A": 80, "B": 60, "C": 40},
    visit_interval_months={"A": 1, "B": 2, "C": 3, "D": 6},
)


@dataclass(frozen=True)
class Classification:
    customer_class: str
    score: int


class UnknownFactor(Unprocessable):
    """CRM-4: a factor value the scoring table has no option for, refused as invalid content (422)."""

    def __init__(self, detail: str) -> None:
        super().__init__("unknown_class_factor", detail)


def table_problems(table: ScoringTable) -> list[str]:
    """What makes a table unusable: classes out of order, missing intervals, no band for zero revenue."""
    problems = []
    minimums = [table.class_minimums.get(name) for name in CLASSES[:3]]
    if any(value is None for value in minimums):
        problems.append("class_minimums needs A, B and C")
    elif not minimums[0] > minimums[1] > minimums[2]:  # type: ignore[operator]
        problems.append("class_minimums must fall strictly from A to C")
    if set(table.visit_interval_months) != set(CLASSES):
        problems.append("visit_interval_months needs exactly A, B, C and D")
    if not any(band.min_revenue == 0 for band in table.sales_bands):
        problems.append("sales_bands needs a band starting at 0")
    for name, options in (("nature", table.nature), ("scale", table.scale), ("trend", table.trend)):
        if not options:
            problems.append(f"{name} needs at least one option")
    return problems


def sales_points(table: ScoringTable, annual_revenue: Decimal) -> int:
    eligible = [band for band in table.sales_bands if annual_revenue >= band.min_revenue]
    return max(eligible, key=lambda band: band.min_revenue).points if eligible else 0


def _points(options: Mapping[str, int], factor: str, value: str) -> int:
    if value not in options:
        raise UnknownFactor(f"{factor} {value!r} is not in the scoring table ({', '.join(sorted(options))})")
    return options[value]


def classify(table: ScoringTable, nature: str, scale: str, trend: str, annual_revenue: Decimal) -> Classification:
    """CRM-4: the sum of the four factors' points; the best class whose minimum the score reaches."""
    score = (
        _points(table.nature, "nature", nature)
        + _points(table.scale, "scale", scale)
        + _points(table.trend, "trend", trend)
        + sales_points(table, annual_revenue)
    )
    for name in CLASSES[:3]:
        if score >= table.class_minimums[name]:
            return Classification(name, score)
    return Classification("D", score)


def visit_interval_for_class(table: ScoringTable, customer_class: str | None) -> int | None:
    """CRM-4: the class drives how often the customer is visited (months between visits)."""
    if customer_class is None:
        return None
    return table.visit_interval_months.get(customer_class)
