"""CLS-7 emergency plan and CLS-8 归零 closure as pure code."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.classification.levels.rules import Level, ProblemLevel


class EmergencyTrigger(StrEnum):
    """重大质量问题应急预案 §三: what makes a quality problem a major one."""

    CUSTOMER_PUNITIVE_MEASURES = "customer_punitive_measures"  # 抱怨、通报、减少份额或停装
    ASSEMBLY_FAILURES = "assembly_failures"  # 装机过程批量事故, 单一品种 ≥ 5 件
    LOW_LEVEL_PROBLEM_AT_CUSTOMER = "low_level_problem_at_customer"  # 人为可控的低级质量问题
    RELIABILITY_HAZARD_IN_USE = "reliability_hazard_in_use"  # 用户使用过程出现可靠性隐患
    OTHER_MAJOR_IMPACT = "other_major_impact"  # 其他质量问题造成公司重大影响或损失


ASSEMBLY_FAILURE_PIECES = 5

# §四: report to leadership, emergency meeting, rectification notice, approved measures, verification, report.
EMERGENCY_STEPS = (
    "report_to_leadership",
    "meeting",
    "rectification_notice",
    "approved_measures",
    "verification",
    "report",
)


@dataclass(frozen=True)
class TriggerClaim:
    trigger: EmergencyTrigger
    pieces: int | None = None


def emergency_reasons(claims: Iterable[TriggerClaim]) -> list[dict[str, Any]]:
    """CLS-7: the triggers that hold, as reasons; assembly failures count only from 5 pieces of one product."""
    reasons = []
    for claim in claims:
        if claim.trigger is EmergencyTrigger.ASSEMBLY_FAILURES:
            if claim.pieces is not None and claim.pieces >= ASSEMBLY_FAILURE_PIECES:
                reasons.append(_reason(claim.trigger, claim.pieces, ASSEMBLY_FAILURE_PIECES))
        else:
            reasons.append(_reason(claim.trigger, True, True))
    return reasons


def below_threshold(claims: Iterable[TriggerClaim]) -> list[dict[str, Any]]:
    """CLS-7: the triggers claimed that do not hold (fewer than 5 pieces failing at assembly, or no
    count given), each with its threshold, so the caller hears why instead of losing the claim."""
    return [
        {"trigger": claim.trigger.value, "pieces": claim.pieces, "threshold": ASSEMBLY_FAILURE_PIECES}
        for claim in claims
        if claim.trigger is EmergencyTrigger.ASSEMBLY_FAILURES
        and (claim.pieces is None or claim.pieces < ASSEMBLY_FAILURE_PIECES)
    ]


def _reason(trigger: EmergencyTrigger, observed: Any, threshold: Any) -> dict[str, Any]:
    return {"rule": "CLS-7", "fact": trigger.value, "observed": observed, "threshold": threshold}


def next_emergency_step(done: Iterable[str]) -> str | None:
    """The steps run in their order: each needs the one before it."""
    finished = set(done)
    return next((step for step in EMERGENCY_STEPS if step not in finished), None)


class ZeroingGroup(StrEnum):
    TECHNICAL = "technical"
    MANAGEMENT = "management"
    FOUR_NOT_LET_GO = "four_not_let_go"


# 质量问题归零管理制度 §3.2 技术归零: 定位准确 机理清楚 问题复现 措施有效 举一反三.
TECHNICAL = ("located", "mechanism_clear", "reproduced", "measures_effective", "applied_to_similar")
# 管理归零: 过程清楚 责任明确 措施落实 严肃处理 完善规章.
MANAGEMENT = ("process_clear", "responsibility_clear", "measures_in_place", "dealt_with_seriously", "rules_improved")
# 四不放过: 原因不清不放过, 责任者和群众没有受到教育不放过, 没有防范措施不放过, 责任人员没有受到处罚不放过.
FOUR_NOT_LET_GO = ("cause_found", "people_educated", "preventive_measures_taken", "responsible_dealt_with")

ZEROING_ITEMS: dict[str, ZeroingGroup] = {
    **dict.fromkeys(TECHNICAL, ZeroingGroup.TECHNICAL),
    **dict.fromkeys(MANAGEMENT, ZeroingGroup.MANAGEMENT),
    **dict.fromkeys(FOUR_NOT_LET_GO, ZeroingGroup.FOUR_NOT_LET_GO),
}


def zeroing_required(level: str, problem_level: str | None) -> bool:
    """CLS-8: batch and major incidents, and important problems, close only through 归零."""
    return level in (Level.BATCH, Level.MAJOR) or problem_level == ProblemLevel.IMPORTANT


def missing_for_closure(
    level: str, problem_level: str | None, emergency: bool, items_done: Iterable[str], steps_done: Iterable[str]
) -> dict[str, list[str]]:
    """What still stands between the incident and its closure, by group; empty when it may close."""
    missing: dict[str, list[str]] = {}
    if zeroing_required(level, problem_level):
        done = set(items_done)
        for group, items in (
            (ZeroingGroup.TECHNICAL, TECHNICAL),
            (ZeroingGroup.MANAGEMENT, MANAGEMENT),
            (ZeroingGroup.FOUR_NOT_LET_GO, FOUR_NOT_LET_GO),
        ):
            absent = [item for item in items if item not in done]
            if absent:
                missing[group.value] = absent
    if emergency:
        finished = set(steps_done)
        absent_steps = [step for step in EMERGENCY_STEPS if step not in finished]
        if absent_steps:
            missing["emergency_steps"] = absent_steps
    return missing
