"""clause catalog, violations, notices, monthly summaries, supplier deductions (SAN-1…SAN-7)"""

# The clause texts are kept verbatim, each on one line, however long.
# ruff: noqa: E501

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "20261124_0002"
down_revision = "20261124_0001"

SCHEMA = "sanctions"
FIRST_AGGRAVATION_FACTOR = Decimal("2")

RULE_FIELDS = {
    "amount": None,
    "min_amount": None,
    "max_amount": None,
    "shift_cap_pieces": None,
    "shift_cap_amount": None,
    "aggravated_on_repeat": False,
    "aggravated_by_circumstance": False,
    "compensation": False,
}


def _rule(rule: str, **given: Any) -> dict[str, Any]:
    """An amount rule as the catalog stores it: every field, those not given at their defaults."""
    return {"rule": rule, **RULE_FIELDS, **given}


# SAN-1: version 1 of the clause catalog as it shipped (质量奖惩制度 §5), frozen here so that this
# migration never changes with the code: (code, kind, target, summary, text, cases).
FIRST_CATALOG: list[tuple[str, str, str, str, str, dict[str, dict[str, Any]]]] = [
    (
        "5.1.1.1",
        "penalty",
        "incoming inspector",
        "missed or late incoming inspection causing a general incident or stopping production",
        "未检验,延时检验,项目漏检并造成一般质量事故或影响正常生产得,对相应个人处罚20~100 元。",
        {"standard": _rule("range", min_amount="20.00", max_amount="100.00")},
    ),
    (
        "5.1.1.2",
        "penalty",
        "incoming inspector",
        "false incoming inspection report",
        "检验报告造假,第一次处罚200 元,第二次开除处理。",
        {"standard": _rule("repeat_escalation", amount="200.00")},
    ),
    (
        "5.1.1.3",
        "penalty",
        "responsible person",
        "nonconforming material not handled, causing a general incident",
        "对不合格物料未及时处理、跟进及监督,标识不清楚,导致一般质量事故得,对责任人处罚50 元。",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.1.2.1",
        "reward",
        "incoming inspector",
        "bad material stopped before the workshop",
        "及时发现并阻止不良物资流入车间,检验员奖励100 元。",
        {"standard": _rule("fixed", amount="100.00")},
    ),
    (
        "5.1.3.1",
        "penalty",
        "purchasing",
        "batch bought without an approved sample, unless a leader approved in writing",
        "样品未通过,直接批量进货得(有领导书面特批除外),每次处罚500 元。",
        {"standard": _rule("fixed", amount="500.00")},
    ),
    (
        "5.1.3.2",
        "penalty",
        "purchasing",
        "late material hurting production or quality",
        "来料不及时影响正常生产或质量得,对责任人处罚100 元。",
        {"standard": _rule("fixed", amount="100.00")},
    ),
    (
        "5.1.4.1",
        "reward",
        "purchasing",
        "pointed out an incoming inspection misjudgement",
        "及时指出外检得漏判、误判,避免了供应商抱怨投诉,情况属实得一次奖励50 元。",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.1.5.1",
        "penalty",
        "logistics",
        "product tipped, dropped or mixed while stored or moved; careless damage",
        "任何物料、半成品、成品,在仓储及现场移动、搬运过程中,发生产品倾倒、掉落、混装等情形,视产品损坏程度每发现一次处罚20 元;发生上述情形,当事人未通知品质管理部处理者,加重处分。不爱惜公物,将物品乱丢乱放,致使物品损坏或报废者,由当事人赔偿物品损失费用,并处罚50 元。",
        {
            "standard": _rule("fixed", amount="20.00", aggravated_by_circumstance=True),
            "careless_damage": _rule("fixed", amount="50.00", compensation=True),
        },
    ),
    (
        "5.1.5.2",
        "penalty",
        "logistics",
        "material released to the workshop without paperwork",
        "私自允许生产车间物料员到仓库拉货而未办理手续得,发现一次处罚50 元,造成质量事故得每次处罚500 元。",
        {"standard": _rule("fixed", amount="50.00"), "quality_incident": _rule("fixed", amount="500.00")},
    ),
    (
        "5.2.1.1",
        "penalty",
        "inspector",
        "production anomaly not reported, an incident followed",
        "生产异常(设备、物料等异常),未及时上报造成事故得处罚50 元;",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.2.1.2",
        "penalty",
        "inspector",
        "product misjudged or missed",
        "产品出现错、漏判,每件处罚20 元,情节严重得加重处罚;",
        {"standard": _rule("per_piece", amount="20.00", aggravated_by_circumstance=True)},
    ),
    (
        "5.2.1.3",
        "penalty",
        "inspector",
        "false inspection report",
        "检查报告造假,第一次处罚200 元,第二次开除处理;",
        {"standard": _rule("repeat_escalation", amount="200.00")},
    ),
    (
        "5.2.1.4",
        "penalty",
        "inspector",
        "major deviation from the process not raised in time",
        "发现重大生产不符合工艺要求得,未及时提出处罚50 元;",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.2.1.5",
        "penalty",
        "patrol inspector",
        "signed a rework slip for work not reworked",
        "判定不合格产品需要返工,车间未返工或者只返工一部份,巡检就在返工单上签字,被发现一次处罚100 元;",
        {"standard": _rule("fixed", amount="100.00")},
    ),
    (
        "5.2.1.6",
        "penalty",
        "inspector",
        "hid falsified production data",
        "发现铸造部或机加部记录数据造假,隐瞒不报者每次处罚50 元;",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.2.1.7",
        "penalty",
        "inspector",
        "first-article inspection late or wrong",
        "未及时做好首件检验,首件确认有误者,每次处罚50 元。",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.2.1.8",
        "penalty",
        "inspector",
        "two models on one line",
        "每条生产线上不允许同时存放两种及两种以上型号得物料、半成品及成品,违者对检验员每次处罚50 元。",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.2.1.9",
        "penalty",
        "patrol inspector",
        "misplaced product causing a batch incident",
        "严禁出现产品错放现象,出现批质量事故得对巡检员处罚50 元,影响严重得加重处罚。",
        {"standard": _rule("fixed", amount="50.00", aggravated_by_circumstance=True)},
    ),
    (
        "5.2.1.10",
        "penalty",
        "inspector",
        "work instructions missing or outdated, not stopped",
        "现场须有作业指导书等工艺文件,保证文件正确(最新有效版本),并与操作工位对应且定置摆放,未及时发现并制止给予处罚20 元,重复出现得将加重处罚。",
        {"standard": _rule("fixed", amount="20.00", aggravated_on_repeat=True)},
    ),
    (
        "5.2.1.11",
        "penalty",
        "patrol inspector",
        "nonconforming pieces reached final inspection",
        "因漏检、错检或有明显表面缺陷得不合格品流转到终检,对巡检人员每件处罚10 元,一个班次超过10 件得,对巡检处罚200 元。",
        {"standard": _rule("per_piece_with_shift_cap", amount="10.00", shift_cap_pieces=10, shift_cap_amount="200.00")},
    ),
    (
        "5.2.1.12",
        "penalty",
        "patrol and final inspectors",
        "nonconforming pieces reached packing or the customer, complaint",
        "因漏检、错检或有明显表面缺陷得不合格品流转到包装工序或顾客处,造成顾客抱怨,对巡检人员及终检人员视情况罚款每件处罚50200 元。",
        {"standard": _rule("range_per_piece", min_amount="50.00", max_amount="200.00")},
    ),
    (
        "5.2.1.13",
        "penalty",
        "responsible department head",
        "leadership responsibility for a batch or major incident",
        "发生批质量事故或重大质量事故时,相关部门责任主管负领导责任,视情节处罚501000 元。",
        {"standard": _rule("range", min_amount="50.00", max_amount="1000.00")},
    ),
    (
        "5.2.2.1",
        "reward",
        "inspector",
        "stopped production not following the process documents",
        "及时发现并有效制止生产未按照工艺文件执行操作,避免不良品得产生,每次奖励50 元。",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.2.2.2",
        "reward",
        "inspector",
        "reported falsified workshop data",
        "发现生产车间数据造假,及时上报处理每次奖励20 元。",
        {"standard": _rule("fixed", amount="20.00")},
    ),
    (
        "5.2.2.3",
        "reward",
        "inspector",
        "stopped good and bad product being mixed",
        "发现生产车间合格品与不良品混放,并及时制止,每次奖励20 元。",
        {"standard": _rule("fixed", amount="20.00")},
    ),
    (
        "5.2.2.4",
        "reward",
        "inspector",
        "major quality improvement with good results",
        "在质量管理方面有重大改进并取得良好效果得检验员,查证属实后每次奖励100500。",
        {"standard": _rule("range", min_amount="100.00", max_amount="500.00")},
    ),
    (
        "5.2.3.1",
        "penalty",
        "production",
        "work instructions missing or outdated at the station",
        "现场须有作业指导书等工艺文件,保证文件正确(最新有效版本),并与操作工位对应且定置摆放,违者给予处罚50 元,重复出现得将加重处罚;",
        {"standard": _rule("fixed", amount="50.00", aggravated_on_repeat=True)},
    ),
    (
        "5.2.3.2",
        "penalty",
        "operator",
        "did not follow first-article or work instructions; bears the loss",
        "操作人员不按照首件确认、作业指导书等要求操作,造成得损失全部由作业者承担,并且每次处罚10~100 元。",
        {"standard": _rule("range", min_amount="10.00", max_amount="100.00", compensation=True)},
    ),
    (
        "5.2.3.3",
        "penalty",
        "operator",
        "self-inspection missed defects passed to the next process",
        "因自检不到位致使表面有明显缺陷或尺寸严重不合格(不能修复得)得产品流转到下道工序或总检处,每件处罚20 元。",
        {"standard": _rule("per_piece", amount="20.00")},
    ),
    (
        "5.2.4.1",
        "reward",
        "production (next process)",
        "stopped nonconforming pieces from the previous process",
        "下道工序及时发现上道工序流转过来得不合格品并予以制止,每件奖励20元。",
        {"standard": _rule("per_piece", amount="20.00")},
    ),
    (
        "5.2.4.2",
        "reward",
        "packing",
        "found nonconforming pieces while packing; stopped a major hidden danger",
        "包装工序得生产人员在包装时每发现得不合格品每件奖励20元,如发现重大质量隐患并予以制止,每次奖励100500。",
        {
            "standard": _rule("per_piece", amount="20.00"),
            "major_hidden_danger": _rule("range", min_amount="100.00", max_amount="500.00"),
        },
    ),
    (
        "5.3.1.1",
        "reward",
        "technical",
        "major innovation of a machining plan with results",
        "对原有加工方案有重大革新并取得成效,每次奖励100500 元。",
        {"standard": _rule("range", min_amount="100.00", max_amount="500.00")},
    ),
    (
        "5.3.2.1",
        "penalty",
        "document drafter / reviewer",
        "incomplete process document caused a quality incident",
        "图纸文件:工艺文件就是加工、检验得唯一参照依据,工艺文件得制订人、审核人必须对文件得正确性负责,如因规定不完整导致产品出现质量事故(客户原因/样品除外),工艺文件得制定人处罚50500元,工艺文件得审核人处罚50200元。",
        {
            "drafter": _rule("range", min_amount="50.00", max_amount="500.00"),
            "reviewer": _rule("range", min_amount="50.00", max_amount="200.00"),
        },
    ),
    (
        "5.3.2.2",
        "penalty",
        "executor / department head",
        "old and new documents not exchanged in time",
        "新旧文件交换时,如因交换不及时或不彻底而造成产品不合格,对执行人员处罚50500元,对部门主管领导处罚1001000元。",
        {
            "executor": _rule("range", min_amount="50.00", max_amount="500.00"),
            "head": _rule("range", min_amount="100.00", max_amount="1000.00"),
        },
    ),
    (
        "5.3.2.3",
        "penalty",
        "responsible technician",
        "no clear answer within 1 working day",
        "在生产过程中产生得技术或质量问题,主管技术人员最迟在一个工作日内解决给予明确答复,超过时限未予回复得,对主管技术人员处罚50元。",
        {"standard": _rule("fixed", amount="50.00")},
    ),
    (
        "5.3.2.4",
        "penalty",
        "responsible technician",
        "error in a technical document, per error",
        "为保证产品加工得质量,技术管理部必须保证相关技术文件得正确性与严肃想,每错一处,对主管技术人员处罚10元。",
        {"standard": _rule("per_piece", amount="10.00")},
    ),
    (
        "5.3.2.5",
        "penalty",
        "responsible technician",
        "customer design change not passed on in writing",
        "客户相关产品得设计临时更改得,主管技术人员接收后要及时以书面形式通知相关部门,因延迟或没传递到相关部门造成质量问题引起客户投诉,对主管技术人员处罚200元。",
        {"standard": _rule("fixed", amount="200.00")},
    ),
]


def _money(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Numeric(14, 2), nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    versions = op.create_table(
        "catalog_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("aggravation_factor", sa.Numeric(6, 2), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    clauses = op.create_table(
        "clauses",
        sa.Column("version", sa.Integer, sa.ForeignKey(f"{SCHEMA}.catalog_versions.version"), primary_key=True),
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("variants", JSONB, nullable=False),
        schema=SCHEMA,
    )
    # SAN-1: version 1 is the SPEC table; later versions are made through PUT /v1/clauses only.
    op.bulk_insert(
        versions,
        [
            {
                "version": 1,
                "aggravation_factor": FIRST_AGGRAVATION_FACTOR,
                "note": "质量奖惩制度 §5",
                "created_by": "system",
            }
        ],
    )
    op.bulk_insert(
        clauses,
        [
            {
                "version": 1,
                "code": code,
                "kind": kind,
                "target": target,
                "summary": summary,
                "text": text,
                "variants": variants,
            }
            for code, kind, target, summary, text, variants in FIRST_CATALOG
        ],
    )
    op.create_table(
        "violations",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("clause", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(50), nullable=False),
        sa.Column("employee_id", sa.String(100), nullable=False),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("department", sa.String(200)),
        sa.Column("pieces", sa.Integer),
        sa.Column("shift", sa.String(100)),
        _at("occurred_at"),
        sa.Column("act_id", sa.String(200)),
        sa.Column("incident_id", sa.String(200)),
        _money("requested_amount", nullable=True),
        _money("compensation", nullable=True),
        sa.Column("aggravating", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "notices",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("violation_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("clause", sa.String(20), nullable=False),
        sa.Column("variant", sa.String(50), nullable=False),
        sa.Column("catalog_version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("employee_id", sa.String(100), nullable=False),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("department", sa.String(200)),
        sa.Column("pieces", sa.Integer),
        sa.Column("shift", sa.String(100)),
        _at("occurred_at"),
        sa.Column("act_key", sa.String(250)),
        sa.Column("incident_id", sa.String(200)),
        _money("amount"),
        _money("compensation"),
        sa.Column("dismissal", sa.Boolean, nullable=False),
        sa.Column("amount_chosen", sa.Boolean, nullable=False),
        sa.Column("aggravated", sa.Boolean, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("superseded_by", UUID(as_uuid=True)),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("dispute_status", sa.String(20)),
        sa.Column("issued_by", sa.String(200)),
        _at("issued_at", nullable=True),
        _at("created_at"),
        _at("updated_at"),
        schema=SCHEMA,
    )
    op.create_index("ix_notices_employee_clause", "notices", ["employee_id", "clause", "occurred_at"], schema=SCHEMA)
    op.create_index("ix_notices_employee_act", "notices", ["employee_id", "act_key"], schema=SCHEMA)
    op.create_index("ix_notices_month_status", "notices", ["month", "status"], schema=SCHEMA)
    op.create_index("ix_notices_created", "notices", ["created_at", "id"], schema=SCHEMA)
    op.create_table(
        "notice_steps",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("notice_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        _at("at"),
        sa.Column("detail", JSONB, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "incident_drafts",
        sa.Column("incident_id", sa.String(200), primary_key=True),
        sa.Column("clause", sa.String(20), primary_key=True),
        sa.Column("notice_id", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "closed_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("closed_by", sa.String(200), nullable=False),
        _at("closed_at"),
        _money("total_rewards"),
        _money("total_penalties"),
        _money("total_compensation"),
        sa.Column("notice_count", sa.Integer, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "summary_lines",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("employee_id", sa.String(100), primary_key=True),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("department", sa.String(200)),
        _money("rewards"),
        _money("penalties"),
        _money("compensation"),
        _money("net"),
        sa.Column("dismissals", sa.Integer, nullable=False),
        sa.Column("notice_count", sa.Integer, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "supplier_deductions",
        sa.Column("deduction_id", sa.String(200), primary_key=True),
        sa.Column("incident_id", sa.String(200), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("concession_kind", sa.String(50), nullable=False),
        sa.Column("hours", sa.Numeric(10, 2), nullable=False),
        _money("rate_per_hour"),
        _money("amount"),
        _at("occurred_at"),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_supplier_deductions_month", "supplier_deductions", ["month", "supplier"], schema=SCHEMA)


def downgrade() -> None:
    for table in (
        "supplier_deductions",
        "summary_lines",
        "closed_months",
        "incident_drafts",
        "notice_steps",
        "notices",
        "violations",
        "clauses",
        "catalog_versions",
    ):
        op.drop_table(table, schema=SCHEMA)
