"""NTF-1 as a table: who hears what, when, under which SPEC rule, in which words (pure code, no I/O).

A recipient is written as ``role:<role>`` (everyone the directory gives that role), ``pending:<role>``
(everyone with that role, if the occasion's ``pending_steps`` names it), ``head:department`` (the head of
the department named in the occasion's ``department``), ``manager:<parameter>`` (the head of the
departments of the person the parameter names), or a parameter holding a person id (``owner``,
``employee``, ``visitor``). A rule's ``fallback`` is told instead when its recipients name nobody.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"


ROBOTS = (Channel.WECOM, Channel.DINGTALK, Channel.FEISHU)


@dataclass(frozen=True)
class Rule:
    id: str
    spec: str
    when: str
    recipients: tuple[str, ...]
    title: str
    body: str
    fallback: tuple[str, ...] = ()

    def render(self, params: Mapping[str, Any]) -> tuple[str, str]:
        values = {key: "" if value is None else value for key, value in params.items()}
        return self.title.format_map(values), self.body.format_map(values)


COMPLAINT_SERIOUS = Rule(
    "CMP-5.serious",
    "CMP-5",
    "a serious complaint is received: escalated to the decision level",
    ("role:executive", "role:quality_manager"),
    "严重投诉 {complaint_no} 已上报最高决策层",
    "投诉 {complaint_no} 定为严重投诉：{description}\n请最高决策层决定是否启动产品回收及企业危机处理。",
)
COMPLAINT_ESCALATED = Rule(
    "CMP-5.escalated",
    "CMP-5",
    "a complaint's severity is raised to serious after receipt: it goes to the decision level",
    ("role:executive",),
    "投诉 {complaint_no} 升为严重投诉，已上报最高决策层",
    "投诉 {complaint_no} 经质量部门判定为严重投诉：{reason}\n请最高决策层决定是否启动产品回收及企业危机处理。",
)
COMPLAINT_DECIDED = Rule(
    "CMP-5.decision",
    "CMP-5",
    "the decision level records its decision on a serious complaint (recall, crisis handling)",
    ("role:quality_manager",),
    "严重投诉 {complaint_no} 决策：{decision_words}",
    "最高决策层（{decided_by}）对严重投诉 {complaint_no} 的决定：{decision_words}。\n理由：{reason}",
)
INVESTIGATE_DUE = Rule(
    "CMP-3.investigate.due",
    "CMP-3",
    "14:00 China time of investigate_by's working day, investigation not started",
    ("owner",),
    "投诉 {complaint_no} 今日须开始调查",
    "投诉 {complaint_no} 须于今日（{due_date}）下班前开始调查（收到后 1 个工作日内）。",
)
INVESTIGATE_OVERDUE = Rule(
    "CMP-3.investigate.overdue",
    "CMP-3",
    "investigate_by passed, investigation not started",
    ("owner", "role:quality_manager"),
    "投诉 {complaint_no} 调查已超期",
    "投诉 {complaint_no} 应于 {due_date} 前开始调查，至今未开始。",
)
REPLY_DUE = Rule(
    "CMP-3.reply.due",
    "CMP-3",
    "14:00 China time of reply_by's working day, customer not replied to",
    ("owner",),
    "投诉 {complaint_no} 今日须答复客户",
    "投诉 {complaint_no} 须于今日（{due_date}）下班前答复客户（收到后 2 个工作日内）。",
)
REPLY_OVERDUE = Rule(
    "CMP-3.reply.overdue",
    "CMP-3",
    "reply_by passed, customer not replied to",
    ("owner", "role:quality_manager"),
    "投诉 {complaint_no} 答复已超期",
    "投诉 {complaint_no} 应于 {due_date} 前答复客户，至今未答复。",
)
INCIDENT_SERIOUS = Rule(
    "CLS-1.incident",
    "CLS-1",
    "an incident classified or escalated to batch or major",
    ("role:quality_manager", "head:department"),
    "{level_name}：{model} 质量事故",
    "事故 {incident_id} 定为{level_name}，责任部门 {department}。{description}\n请按质量事故处理规定组织调查与归零。",
)
EMERGENCY_PLAN = Rule(
    "CLS-7.emergency",
    "CLS-7",
    "an incident runs the major quality problem emergency plan",
    ("role:executive", "role:quality_manager", "head:department"),
    "重大质量问题应急预案启动：{model}",
    "事故 {incident_id} 启动重大质量问题应急预案，请领导层知悉：报告领导、召开会议、下发整改通知、"
    "批准措施、验证、报告。责任部门 {department}。",
)
NOTICE_ISSUED = Rule(
    "SAN-4.issued",
    "SAN-4",
    "a reward or penalty notice is issued",
    ("employee",),
    "{kind_name}通知：条款 {clause}",
    "您有一份{kind_name}通知 {notice_id}（条款 {clause}，金额 {amount} 元，计入 {month}）。"
    "如有异议，可向行政管理部申诉。",
)
NOTICE_DISPUTED = Rule(
    "SAN-4.disputed",
    "SAN-4",
    "a notice is disputed: the dispute goes to the administration department, whose decision is final",
    ("role:admin_dept",),
    "{kind_name}通知 {notice_id} 有异议待裁决",
    "{employee_name}对{kind_name}通知 {notice_id}（条款 {clause}，金额 {amount} 元）提出异议：{reason}\n"
    "请行政管理部裁决，裁决为最终决定。",
)
DISPUTE_DECIDED = Rule(
    "SAN-4.dispute_decided",
    "SAN-4",
    "administration decides a notice's dispute (final)",
    ("employee",),
    "{kind_name}通知 {notice_id} 异议裁决：{outcome_name}",
    "行政管理部已裁决您对{kind_name}通知 {notice_id}（条款 {clause}）的异议：{outcome_name}，"
    "现金额 {amount} 元。此裁决为最终决定。{note}",
)
STATEMENT_DUE = Rule(
    "CRM-6.statement",
    "CRM-6",
    "09:00 of the 1st working day of a month: each sales rep's statement of the month before is due by the 3rd",
    ("role:sales",),
    "请提交 {month} 客情费结算单",
    "{month} 的客情费结算单须于 {due_date}（本月第 3 个工作日）下班前交销售文员。",
)
SIGN_OFF_DUE = Rule(
    "CRM-6.sign_off",
    "CRM-6",
    "09:00 of the 6th working day: the signers whose step of a statement is still pending verify it by the 8th",
    ("pending:sales_clerk", "pending:sales_manager", "pending:finance"),
    "{month} 客情费结算单待检核",
    "{month} 的客情费结算单须于 {due_date}（本月第 8 个工作日）下班前完成检核，三方缺一则作废。",
)
PAYABLE = Rule(
    "CRM-6.payable",
    "CRM-6",
    "09:00 of the 9th working day: finance pays the verified statements",
    ("role:finance",),
    "{month} 客情费开始兑付",
    "{month} 已检核的客情费结算单自今日（{due_date}，本月第 9 个工作日）起兑付。",
)

VISIT_DUE = Rule(
    "CRM-5.visit.due",
    "CRM-5",
    "14:00 China time of the 3rd-last working day up to a planned visit's due day, the visit not recorded",
    ("visitor",),
    "{month} 客户巡访待完成：{customer_name}",
    "客户 {customer_name}（{customer_id}）{month} 的巡访须于 {due_date} 前完成并提交巡访日报表。"
    "巡访由指定专人负责，不由本地区负责业务员担任。",
    fallback=("role:sales_manager",),
)
VISIT_OVERDUE = Rule(
    "CRM-5.visit.overdue",
    "CRM-5",
    "09:00 of the first working day after a planned visit's due day, the visit still not recorded",
    ("visitor", "manager:visitor"),
    "{month} 客户巡访已超期：{customer_name}",
    "客户 {customer_name}（{customer_id}）{month} 的巡访应于 {due_date} 前完成，至今未提交巡访日报表。",
    fallback=("role:sales_manager",),
)

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        COMPLAINT_SERIOUS,
        COMPLAINT_ESCALATED,
        COMPLAINT_DECIDED,
        INVESTIGATE_DUE,
        INVESTIGATE_OVERDUE,
        REPLY_DUE,
        REPLY_OVERDUE,
        INCIDENT_SERIOUS,
        EMERGENCY_PLAN,
        NOTICE_ISSUED,
        NOTICE_DISPUTED,
        DISPUTE_DECIDED,
        STATEMENT_DUE,
        SIGN_OFF_DUE,
        PAYABLE,
        VISIT_DUE,
        VISIT_OVERDUE,
    )
}

LEVEL_NAMES = {"batch": "批质量事故", "major": "重大质量事故"}
KIND_NAMES = {"penalty": "处罚", "reward": "奖励"}
OUTCOME_NAMES = {"upheld": "维持原通知", "amended": "变更金额", "withdrawn": "撤销通知"}


def decision_words(recall: bool, crisis_handling: bool) -> str:
    """CMP-5 (产品质量投诉处理制度 三.4): both halves of the decision are spelled out, the "no" too, so
    nobody reads a silent half as a yes."""
    recall_words = "启动产品回收" if recall else "不启动产品回收"
    crisis_words = "启动企业危机处理" if crisis_handling else "不启动企业危机处理"
    return f"{recall_words}，{crisis_words}"


def raised_to_decision_level(escalated_before: bool, escalated: bool) -> bool:
    """CMP-5: the decision level hears of a complaint when it newly reaches it, not on every severity edit."""
    return escalated and not escalated_before


def incident_needs_telling(level: str) -> bool:
    """CLS-1: batch and major incidents reach the quality manager and the responsible department's head."""
    return level in LEVEL_NAMES


def roles_of(rule: Rule, params: Mapping[str, Any] | None = None) -> list[str]:
    """The roles whose holders hear this occasion: the rule's own, and of its pending ones only those the
    occasion still waits on (CRM-6: a signer whose step is done on every statement is not reminded)."""
    pending = set((params or {}).get("pending_steps") or ())
    roles = []
    for recipient in rule.recipients:
        kind, _, role = recipient.partition(":")
        if kind == "role" or (kind == "pending" and role in pending):
            roles.append(role)
    return roles


def managed_people(rule: Rule, params: Mapping[str, Any]) -> list[str]:
    """The person ids whose managers (the heads of their departments) hear this occasion."""
    return [
        str(params[recipient.removeprefix("manager:")])
        for recipient in rule.recipients
        if recipient.startswith("manager:") and params.get(recipient.removeprefix("manager:"))
    ]


def fallback_of(rule: Rule) -> Rule | None:
    """The rule told to its fallback recipients instead, when it has any."""
    return replace(rule, recipients=rule.fallback, fallback=()) if rule.fallback else None


def heads_of(rule: Rule, params: Mapping[str, Any]) -> list[str]:
    """The departments whose head hears this rule's occasion."""
    department = params.get("department")
    return [department] if "head:department" in rule.recipients and department else []


def named_people(rule: Rule, params: Mapping[str, Any]) -> list[str]:
    """The person ids the occasion itself names (a complaint's owner, a notice's employee)."""
    return [str(params[recipient]) for recipient in rule.recipients if ":" not in recipient and params.get(recipient)]


def deliveries_for(channels: list[str]) -> list[Channel]:
    """The channels besides the inbox a person is reached on; the inbox always holds the message."""
    return [Channel(channel) for channel in dict.fromkeys(channels) if channel != Channel.INBOX]
