"""Incident levels as pure code (CLS-1, CLS-3, CLS-4, CLS-5): facts + a rule set → level and reasons.

A reason is exactly the SPEC §8 shape: ``{"rule": "CLS-1", "fact": …, "observed": …, "threshold": …}``.
Money in reasons travels as a two-decimal string, counts as numbers.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

LEVEL_RULE = "CLS-1"


class Level(StrEnum):
    GENERAL = "general"
    BATCH = "batch"
    MAJOR = "major"


LEVEL_ORDER = {Level.GENERAL: 0, Level.BATCH: 1, Level.MAJOR: 2}


def higher_level(a: str, b: str) -> str:
    return a if LEVEL_ORDER[Level(a)] >= LEVEL_ORDER[Level(b)] else b


def is_escalation(previous: str, new: str) -> bool:
    return LEVEL_ORDER[Level(new)] > LEVEL_ORDER[Level(previous)]


class ProblemLevel(StrEnum):
    """CLS-4 (生产质量问题处理流程 §3.2)."""

    MINOR = "minor"
    GENERAL = "general"
    IMPORTANT = "important"


class CauseCategory(StrEnum):
    """CLS-5 (生产质量问题处理流程 §4.1): 人 机 料 法 环 其它."""

    MAN = "man"
    MACHINE = "machine"
    MATERIAL = "material"
    METHOD = "method"
    ENVIRONMENT = "environment"
    OTHER = "other"


def routing_category(cause: str | None) -> CauseCategory:
    """§4.1: a problem not located yet counts as ``other`` until its cause is known."""
    if cause is None or cause not in CauseCategory._value2member_map_:
        return CauseCategory.OTHER
    return CauseCategory(cause)


@dataclass(frozen=True)
class Thresholds:
    """The data of one rule set (CLS-3); ``None`` switches a rule off."""

    major_returns_shipped_batch: int | None = 500
    major_loss_amount: Decimal | None = Decimal("20000.00")
    major_personal_injury: bool = True
    major_reputation_damage: bool = True
    batch_returns_same_model_date: int | None = 50
    batch_scrap_hours: Decimal | None = Decimal("0.5")
    batch_rework_hours: Decimal | None = Decimal("1")
    general_loss_amount: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        """Decimals as strings (money with two places) so nothing is lost on the way through JSON."""
        return {name: _text_if_decimal(name, getattr(self, name)) for name in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Thresholds":
        decimals = {"major_loss_amount", "batch_scrap_hours", "batch_rework_hours", "general_loss_amount"}
        values: dict[str, Any] = {
            name: (Decimal(str(data[name])) if name in decimals and data.get(name) is not None else data.get(name))
            for name in cls.__dataclass_fields__
            if name in data
        }
        return cls(**values)


# 质量问题处理管理规定 §3: the company's own thresholds.
MANUFACTURING = Thresholds()
# 质量问题处理制度 (construction): major when one rework loses ≥ 100,000 CNY, general from 10,000; no batch level.
CONSTRUCTION = Thresholds(
    major_returns_shipped_batch=None,
    major_loss_amount=Decimal("100000.00"),
    batch_returns_same_model_date=None,
    batch_scrap_hours=None,
    batch_rework_hours=None,
    general_loss_amount=Decimal("10000.00"),
)
PRESETS: dict[str, Thresholds] = {"manufacturing": MANUFACTURING, "construction": CONSTRUCTION}


@dataclass(frozen=True)
class Facts:
    """What is known about one quality event; ``None`` means the fact does not apply."""

    returns_shipped_batch: int | None = None
    returns_same_model_date: int | None = None
    scrap_quantity: int | None = None
    rework_quantity: int | None = None
    units_per_hour: Decimal | None = None
    loss_amount: Decimal | None = None
    personal_injury: bool = False
    reputation_damage: bool = False


@dataclass(frozen=True)
class Classification:
    level: Level
    reasons: list[dict[str, Any]] = field(default_factory=list)
    rate_missing: bool = False


MONEY_FACTS = frozenset({"loss_amount"})
MONEY_THRESHOLDS = frozenset({"major_loss_amount", "general_loss_amount"})


def reason(fact: str, observed: Any, threshold: Any) -> dict[str, Any]:
    """The SPEC §8 reason shape; money as "20000.00", counts and outputs as numbers (100, 7.5)."""
    if fact in MONEY_FACTS:
        return {"rule": LEVEL_RULE, "fact": fact, "observed": f"{observed:.2f}", "threshold": f"{threshold:.2f}"}
    return {"rule": LEVEL_RULE, "fact": fact, "observed": _number(observed), "threshold": _number(threshold)}


def classify(facts: Facts, thresholds: Thresholds) -> Classification:
    """CLS-1: major if any major rule holds, else batch if any batch rule holds, else general.
    Every rule that holds is kept as a reason, so a later reader sees all of them."""
    major = _major_reasons(facts, thresholds)
    batch, rate_missing = _batch_reasons(facts, thresholds)
    if major:
        level = Level.MAJOR
    elif batch:
        level = Level.BATCH
    else:
        level = Level.GENERAL
    reasons = major + batch + _general_reasons(facts, thresholds, level)
    return Classification(level, reasons, rate_missing)


def _major_reasons(facts: Facts, t: Thresholds) -> list[dict[str, Any]]:
    reasons = []
    if _reaches(facts.returns_shipped_batch, t.major_returns_shipped_batch):
        reasons.append(reason("returns_shipped_batch", facts.returns_shipped_batch, t.major_returns_shipped_batch))
    if t.major_reputation_damage and facts.reputation_damage:
        reasons.append(reason("reputation_damage", True, True))
    if _reaches(facts.loss_amount, t.major_loss_amount):
        reasons.append(reason("loss_amount", facts.loss_amount, t.major_loss_amount))
    if t.major_personal_injury and facts.personal_injury:
        reasons.append(reason("personal_injury", True, True))
    return reasons


def _batch_reasons(facts: Facts, t: Thresholds) -> tuple[list[dict[str, Any]], bool]:
    """Scrap ≥ 0.5 h and rework ≥ 1 h of output need the model's rate; without one they cannot be
    judged, which the incident shows as ``rate_missing`` (CLS-1)."""
    reasons = []
    rate_missing = False
    for fact, quantity, hours in (
        ("scrap_quantity", facts.scrap_quantity, t.batch_scrap_hours),
        ("rework_quantity", facts.rework_quantity, t.batch_rework_hours),
    ):
        if quantity is None or hours is None:
            continue
        if facts.units_per_hour is None:
            rate_missing = True
            continue
        output = facts.units_per_hour * hours
        if quantity >= output:
            reasons.append(reason(fact, quantity, output))
    if _reaches(facts.returns_same_model_date, t.batch_returns_same_model_date):
        reasons.append(
            reason("returns_same_model_date", facts.returns_same_model_date, t.batch_returns_same_model_date)
        )
    return reasons, rate_missing


def _general_reasons(facts: Facts, t: Thresholds, level: Level) -> list[dict[str, Any]]:
    """The construction preset names a lower bound for general problems; below major it is the reason."""
    if level is Level.GENERAL and _reaches(facts.loss_amount, t.general_loss_amount):
        return [reason("loss_amount", facts.loss_amount, t.general_loss_amount)]
    return []


def _reaches(observed: int | Decimal | None, threshold: int | Decimal | None) -> bool:
    return observed is not None and threshold is not None and observed >= threshold


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _text_if_decimal(name: str, value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if name in MONEY_THRESHOLDS else str(value)
    return value


def with_updated_reason(reasons: list[dict[str, Any]], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Later return lines update the observed value of the same fact instead of adding another reason (CLS-2)."""
    kept = [r for r in reasons if r.get("fact") != new["fact"]]
    return [*kept, new]
