"""SAN-1 and SAN-2 as pure code: the clause catalog of 质量奖惩制度 §5 as data, and the amount engine.

No I/O here: the service feeds in what the database knows (earlier offences, pieces already charged in
the shift) and gets back what to charge.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

CENT = Decimal("0.01")
DEFAULT_AGGRAVATION_FACTOR = Decimal("2")
# No single notice is larger; beyond it a request is a typo, not a penalty.
MAX_AMOUNT = Decimal("10000000.00")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Kind(StrEnum):
    PENALTY = "penalty"
    REWARD = "reward"


class RuleKind(StrEnum):
    FIXED = "fixed"
    RANGE = "range"
    PER_PIECE = "per_piece"
    PER_PIECE_WITH_SHIFT_CAP = "per_piece_with_shift_cap"
    RANGE_PER_PIECE = "range_per_piece"
    REPEAT_ESCALATION = "repeat_escalation"


class AmountError(ValueError):
    """A violation or a catalog edit the amount rules cannot accept (answered as 422)."""

    def __init__(self, code: str, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.extensions = extensions


@dataclass(frozen=True)
class AmountRule:
    """How one clause (or one case of it) is priced.

    ``amount`` is the fixed amount, the rate per piece, or the first amount of a repeat escalation.
    """

    rule: RuleKind
    amount: Decimal | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    shift_cap_pieces: int | None = None
    shift_cap_amount: Decimal | None = None
    # SAN-2: 重复出现得将加重处罚 (5.2.1.10, 5.2.3.1) aggravates a repeat; 情节严重 / 未通知 (5.1.5.1,
    # 5.2.1.2, 5.2.1.9) aggravates a circumstance the quality department states.
    aggravated_on_repeat: bool = False
    aggravated_by_circumstance: bool = False
    compensation: bool = False

    @property
    def is_range(self) -> bool:
        return self.rule in (RuleKind.RANGE, RuleKind.RANGE_PER_PIECE)

    @property
    def aggravated(self) -> bool:
        return self.aggravated_on_repeat or self.aggravated_by_circumstance

    @property
    def needs_pieces(self) -> bool:
        return self.rule in (RuleKind.PER_PIECE, RuleKind.PER_PIECE_WITH_SHIFT_CAP, RuleKind.RANGE_PER_PIECE)

    def problems(self) -> list[str]:
        """Why this rule cannot be priced; empty when it is consistent (checked on every catalog edit)."""
        found: list[str] = []
        if self.is_range:
            if self.min_amount is None or self.max_amount is None:
                found.append(f"{self.rule} needs min_amount and max_amount")
            elif not Decimal(0) <= self.min_amount <= self.max_amount:
                found.append("a range needs 0 <= min_amount <= max_amount")
        elif self.amount is None or self.amount < 0:
            found.append(f"{self.rule} needs a non-negative amount")
        if self.rule is RuleKind.PER_PIECE_WITH_SHIFT_CAP and (
            self.shift_cap_pieces is None
            or self.shift_cap_pieces < 1
            or self.shift_cap_amount is None
            or self.shift_cap_amount < 0
        ):
            found.append("per_piece_with_shift_cap needs shift_cap_pieces >= 1 and shift_cap_amount >= 0")
        if self.aggravated and self.rule not in (RuleKind.FIXED, RuleKind.PER_PIECE):
            found.append("only fixed and per_piece amounts can be aggravated")
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "amount": _text(self.amount),
            "min_amount": _text(self.min_amount),
            "max_amount": _text(self.max_amount),
            "shift_cap_pieces": self.shift_cap_pieces,
            "shift_cap_amount": _text(self.shift_cap_amount),
            "aggravated_on_repeat": self.aggravated_on_repeat,
            "aggravated_by_circumstance": self.aggravated_by_circumstance,
            "compensation": self.compensation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "AmountRule":
        return cls(
            rule=RuleKind(data["rule"]),
            amount=_decimal(data.get("amount")),
            min_amount=_decimal(data.get("min_amount")),
            max_amount=_decimal(data.get("max_amount")),
            shift_cap_pieces=data.get("shift_cap_pieces"),
            shift_cap_amount=_decimal(data.get("shift_cap_amount")),
            aggravated_on_repeat=bool(data.get("aggravated_on_repeat", False)),
            aggravated_by_circumstance=bool(data.get("aggravated_by_circumstance", False)),
            compensation=bool(data.get("compensation", False)),
        )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(money(value))


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return money(value)
    except InvalidOperation:
        raise AmountError("invalid_amount", f"{value!r} is not an amount") from None


@dataclass(frozen=True)
class Clause:
    """One clause of 质量奖惩制度 §5. ``variants`` are its named cases; the first is the default."""

    code: str
    kind: Kind
    target: str
    summary: str
    text: str
    variants: dict[str, AmountRule] = field(default_factory=dict)

    @property
    def default_variant(self) -> str:
        return next(iter(self.variants))

    def variant(self, name: str | None) -> tuple[str, AmountRule]:
        chosen = name or self.default_variant
        if chosen not in self.variants:
            raise AmountError(
                "unknown_variant",
                f"clause {self.code} has no case {chosen!r}",
                variants=list(self.variants),
            )
        return chosen, self.variants[chosen]

    def problems(self) -> list[str]:
        if not self.variants:
            return [f"clause {self.code} needs at least one amount rule"]
        found: list[str] = []
        for name, rule in self.variants.items():
            found.extend(f"{self.code}/{name}: {problem}" for problem in rule.problems())
            if self.kind is Kind.REWARD and (rule.aggravated or rule.compensation):
                found.append(f"{self.code}/{name}: a reward is neither aggravated nor compensated")
            if self.kind is Kind.REWARD and rule.rule is RuleKind.REPEAT_ESCALATION:
                found.append(f"{self.code}/{name}: a reward does not escalate to dismissal")
        return found


def fixed(
    amount: int, *, on_repeat: bool = False, on_circumstance: bool = False, compensation: bool = False
) -> AmountRule:
    return AmountRule(
        RuleKind.FIXED,
        amount=money(amount),
        aggravated_on_repeat=on_repeat,
        aggravated_by_circumstance=on_circumstance,
        compensation=compensation,
    )


def ranged(low: int, high: int, *, compensation: bool = False) -> AmountRule:
    return AmountRule(RuleKind.RANGE, min_amount=money(low), max_amount=money(high), compensation=compensation)


def per_piece(rate: int, *, on_repeat: bool = False, on_circumstance: bool = False) -> AmountRule:
    return AmountRule(
        RuleKind.PER_PIECE,
        amount=money(rate),
        aggravated_on_repeat=on_repeat,
        aggravated_by_circumstance=on_circumstance,
    )


def ranged_per_piece(low: int, high: int) -> AmountRule:
    return AmountRule(RuleKind.RANGE_PER_PIECE, min_amount=money(low), max_amount=money(high))


def shift_capped(rate: int, *, cap_pieces: int, cap_amount: int) -> AmountRule:
    return AmountRule(
        RuleKind.PER_PIECE_WITH_SHIFT_CAP,
        amount=money(rate),
        shift_cap_pieces=cap_pieces,
        shift_cap_amount=money(cap_amount),
    )


def escalation(first_amount: int) -> AmountRule:
    return AmountRule(RuleKind.REPEAT_ESCALATION, amount=money(first_amount))


# SAN-1: the SPEC table, version 1 of the catalog. Texts are verbatim from 质量奖惩制度 §5.
DEFAULT_CATALOG: tuple[Clause, ...] = (
    Clause(
        "5.1.1.1",
        Kind.PENALTY,
        "incoming inspector",
        "missed or late incoming inspection causing a general incident or stopping production",
        "未检验,延时检验,项目漏检并造成一般质量事故或影响正常生产得,对相应个人处罚20~100 元。",
        {"standard": ranged(20, 100)},
    ),
    Clause(
        "5.1.1.2",
        Kind.PENALTY,
        "incoming inspector",
        "false incoming inspection report",
        "检验报告造假,第一次处罚200 元,第二次开除处理。",
        {"standard": escalation(200)},
    ),
    Clause(
        "5.1.1.3",
        Kind.PENALTY,
        "responsible person",
        "nonconforming material not handled, causing a general incident",
        "对不合格物料未及时处理、跟进及监督,标识不清楚,导致一般质量事故得,对责任人处罚50 元。",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.1.2.1",
        Kind.REWARD,
        "incoming inspector",
        "bad material stopped before the workshop",
        "及时发现并阻止不良物资流入车间,检验员奖励100 元。",
        {"standard": fixed(100)},
    ),
    Clause(
        "5.1.3.1",
        Kind.PENALTY,
        "purchasing",
        "batch bought without an approved sample, unless a leader approved in writing",
        "样品未通过,直接批量进货得(有领导书面特批除外),每次处罚500 元。",
        {"standard": fixed(500)},
    ),
    Clause(
        "5.1.3.2",
        Kind.PENALTY,
        "purchasing",
        "late material hurting production or quality",
        "来料不及时影响正常生产或质量得,对责任人处罚100 元。",
        {"standard": fixed(100)},
    ),
    Clause(
        "5.1.4.1",
        Kind.REWARD,
        "purchasing",
        "pointed out an incoming inspection misjudgement",
        "及时指出外检得漏判、误判,避免了供应商抱怨投诉,情况属实得一次奖励50 元。",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.1.5.1",
        Kind.PENALTY,
        "logistics",
        "product tipped, dropped or mixed while stored or moved; careless damage",
        (
            "任何物料、半成品、成品,在仓储及现场移动、搬运过程中,发生产品倾倒、掉落、混装等情形,视产"
            "品损坏程度每发现一次处罚20 元;发生上述情形,当事人未通知品质管理部处理者,加重处分。不"
            "爱惜公物,将物品乱丢乱放,致使物品损坏或报废者,由当事人赔偿物品损失费用,并处罚50 元。"
        ),
        {"standard": fixed(20, on_circumstance=True), "careless_damage": fixed(50, compensation=True)},
    ),
    Clause(
        "5.1.5.2",
        Kind.PENALTY,
        "logistics",
        "material released to the workshop without paperwork",
        ("私自允许生产车间物料员到仓库拉货而未办理手续得,发现一次处罚50 元,造成质量事故得每次处罚500 元。"),
        {"standard": fixed(50), "quality_incident": fixed(500)},
    ),
    Clause(
        "5.2.1.1",
        Kind.PENALTY,
        "inspector",
        "production anomaly not reported, an incident followed",
        "生产异常(设备、物料等异常),未及时上报造成事故得处罚50 元;",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.2.1.2",
        Kind.PENALTY,
        "inspector",
        "product misjudged or missed",
        "产品出现错、漏判,每件处罚20 元,情节严重得加重处罚;",
        {"standard": per_piece(20, on_circumstance=True)},
    ),
    Clause(
        "5.2.1.3",
        Kind.PENALTY,
        "inspector",
        "false inspection report",
        "检查报告造假,第一次处罚200 元,第二次开除处理;",
        {"standard": escalation(200)},
    ),
    Clause(
        "5.2.1.4",
        Kind.PENALTY,
        "inspector",
        "major deviation from the process not raised in time",
        "发现重大生产不符合工艺要求得,未及时提出处罚50 元;",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.2.1.5",
        Kind.PENALTY,
        "patrol inspector",
        "signed a rework slip for work not reworked",
        ("判定不合格产品需要返工,车间未返工或者只返工一部份,巡检就在返工单上签字,被发现一次处罚100 元;"),
        {"standard": fixed(100)},
    ),
    Clause(
        "5.2.1.6",
        Kind.PENALTY,
        "inspector",
        "hid falsified production data",
        "发现铸造部或机加部记录数据造假,隐瞒不报者每次处罚50 元;",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.2.1.7",
        Kind.PENALTY,
        "inspector",
        "first-article inspection late or wrong",
        "未及时做好首件检验,首件确认有误者,每次处罚50 元。",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.2.1.8",
        Kind.PENALTY,
        "inspector",
        "two models on one line",
        ("每条生产线上不允许同时存放两种及两种以上型号得物料、半成品及成品,违者对检验员每次处罚50 元。"),
        {"standard": fixed(50)},
    ),
    Clause(
        "5.2.1.9",
        Kind.PENALTY,
        "patrol inspector",
        "misplaced product causing a batch incident",
        "严禁出现产品错放现象,出现批质量事故得对巡检员处罚50 元,影响严重得加重处罚。",
        {"standard": fixed(50, on_circumstance=True)},
    ),
    Clause(
        "5.2.1.10",
        Kind.PENALTY,
        "inspector",
        "work instructions missing or outdated, not stopped",
        (
            "现场须有作业指导书等工艺文件,保证文件正确(最新有效版本),并与操作工位对应且定置摆放,未"
            "及时发现并制止给予处罚20 元,重复出现得将加重处罚。"
        ),
        {"standard": fixed(20, on_repeat=True)},
    ),
    Clause(
        "5.2.1.11",
        Kind.PENALTY,
        "patrol inspector",
        "nonconforming pieces reached final inspection",
        (
            "因漏检、错检或有明显表面缺陷得不合格品流转到终检,对巡检人员每件处罚10 元,一个班次超过"
            "10 件得,对巡检处罚200 元。"
        ),
        {"standard": shift_capped(10, cap_pieces=10, cap_amount=200)},
    ),
    Clause(
        "5.2.1.12",
        Kind.PENALTY,
        "patrol and final inspectors",
        "nonconforming pieces reached packing or the customer, complaint",
        (
            "因漏检、错检或有明显表面缺陷得不合格品流转到包装工序或顾客处,造成顾客抱怨,对巡检人员及终"
            "检人员视情况罚款每件处罚50200 元。"
        ),
        {"standard": ranged_per_piece(50, 200)},
    ),
    Clause(
        "5.2.1.13",
        Kind.PENALTY,
        "responsible department head",
        "leadership responsibility for a batch or major incident",
        "发生批质量事故或重大质量事故时,相关部门责任主管负领导责任,视情节处罚501000 元。",
        {"standard": ranged(50, 1000)},
    ),
    Clause(
        "5.2.2.1",
        Kind.REWARD,
        "inspector",
        "stopped production not following the process documents",
        "及时发现并有效制止生产未按照工艺文件执行操作,避免不良品得产生,每次奖励50 元。",
        {"standard": fixed(50)},
    ),
    Clause(
        "5.2.2.2",
        Kind.REWARD,
        "inspector",
        "reported falsified workshop data",
        "发现生产车间数据造假,及时上报处理每次奖励20 元。",
        {"standard": fixed(20)},
    ),
    Clause(
        "5.2.2.3",
        Kind.REWARD,
        "inspector",
        "stopped good and bad product being mixed",
        "发现生产车间合格品与不良品混放,并及时制止,每次奖励20 元。",
        {"standard": fixed(20)},
    ),
    Clause(
        "5.2.2.4",
        Kind.REWARD,
        "inspector",
        "major quality improvement with good results",
        "在质量管理方面有重大改进并取得良好效果得检验员,查证属实后每次奖励100500。",
        {"standard": ranged(100, 500)},
    ),
    Clause(
        "5.2.3.1",
        Kind.PENALTY,
        "production",
        "work instructions missing or outdated at the station",
        (
            "现场须有作业指导书等工艺文件,保证文件正确(最新有效版本),并与操作工位对应且定置摆放,违"
            "者给予处罚50 元,重复出现得将加重处罚;"
        ),
        {"standard": fixed(50, on_repeat=True)},
    ),
    Clause(
        "5.2.3.2",
        Kind.PENALTY,
        "operator",
        "did not follow first-article or work instructions; bears the loss",
        ("操作人员不按照首件确认、作业指导书等要求操作,造成得损失全部由作业者承担,并且每次处罚10~100 元。"),
        {"standard": ranged(10, 100, compensation=True)},
    ),
    Clause(
        "5.2.3.3",
        Kind.PENALTY,
        "operator",
        "self-inspection missed defects passed to the next process",
        ("因自检不到位致使表面有明显缺陷或尺寸严重不合格(不能修复得)得产品流转到下道工序或总检处,每件处罚20 元。"),
        {"standard": per_piece(20)},
    ),
    Clause(
        "5.2.4.1",
        Kind.REWARD,
        "production (next process)",
        "stopped nonconforming pieces from the previous process",
        "下道工序及时发现上道工序流转过来得不合格品并予以制止,每件奖励20元。",
        {"standard": per_piece(20)},
    ),
    Clause(
        "5.2.4.2",
        Kind.REWARD,
        "packing",
        "found nonconforming pieces while packing; stopped a major hidden danger",
        ("包装工序得生产人员在包装时每发现得不合格品每件奖励20元,如发现重大质量隐患并予以制止,每次奖励100500。"),
        {"standard": per_piece(20), "major_hidden_danger": ranged(100, 500)},
    ),
    Clause(
        "5.3.1.1",
        Kind.REWARD,
        "technical",
        "major innovation of a machining plan with results",
        "对原有加工方案有重大革新并取得成效,每次奖励100500 元。",
        {"standard": ranged(100, 500)},
    ),
    Clause(
        "5.3.2.1",
        Kind.PENALTY,
        "document drafter / reviewer",
        "incomplete process document caused a quality incident",
        (
            "图纸文件:工艺文件就是加工、检验得唯一参照依据,工艺文件得制订人、审核人必须对文件得正确性"
            "负责,如因规定不完整导致产品出现质量事故(客户原因/样品除外),工艺文件得制定人处罚505"
            "00元,工艺文件得审核人处罚50200元。"
        ),
        {"drafter": ranged(50, 500), "reviewer": ranged(50, 200)},
    ),
    Clause(
        "5.3.2.2",
        Kind.PENALTY,
        "executor / department head",
        "old and new documents not exchanged in time",
        ("新旧文件交换时,如因交换不及时或不彻底而造成产品不合格,对执行人员处罚50500元,对部门主管领导处罚1001000元。"),
        {"executor": ranged(50, 500), "head": ranged(100, 1000)},
    ),
    Clause(
        "5.3.2.3",
        Kind.PENALTY,
        "responsible technician",
        "no clear answer within 1 working day",
        (
            "在生产过程中产生得技术或质量问题,主管技术人员最迟在一个工作日内解决给予明确答复,超过时限"
            "未予回复得,对主管技术人员处罚50元。"
        ),
        {"standard": fixed(50)},
    ),
    Clause(
        "5.3.2.4",
        Kind.PENALTY,
        "responsible technician",
        "error in a technical document, per error",
        ("为保证产品加工得质量,技术管理部必须保证相关技术文件得正确性与严肃想,每错一处,对主管技术人员处罚10元。"),
        {"standard": per_piece(10)},
    ),
    Clause(
        "5.3.2.5",
        Kind.PENALTY,
        "responsible technician",
        "customer design change not passed on in writing",
        (
            "客户相关产品得设计临时更改得,主管技术人员接收后要及时以书面形式通知相关部门,因延迟或没传"
            "递到相关部门造成质量问题引起客户投诉,对主管技术人员处罚200元。"
        ),
        {"standard": fixed(200)},
    ),
)


@dataclass(frozen=True)
class Offence:
    """What the quality department recorded about one violation or merit."""

    pieces: int | None = None
    chosen_amount: Decimal | None = None
    compensation: Decimal | None = None
    aggravating: bool = False
    shift: str | None = None
    # The circumstance that aggravates (SAN-2: the reason is kept in the violation's note).
    note: str | None = None


@dataclass(frozen=True)
class PriorRecord:
    """What earlier notices of the same person under the same clause say (read by the service)."""

    repeats_within_12_months: int = 0
    earlier_offences: int = 0
    shift_pieces_before: int = 0


@dataclass(frozen=True)
class Charge:
    amount: Decimal
    dismissal: bool = False
    compensation: Decimal = Decimal("0.00")
    amount_chosen: bool = True
    aggravated: bool = False
    basis: str = ""


def charge(kind: Kind, rule: AmountRule, offence: Offence, prior: PriorRecord, factor: Decimal) -> Charge:
    """SAN-2: the amount of one notice under ``rule``."""
    _check_pieces(rule, offence.pieces)
    if rule.rule is RuleKind.PER_PIECE_WITH_SHIFT_CAP and offence.shift is None:
        raise AmountError("shift_required", "this clause caps the amount per shift; send shift")
    compensation = _compensation(rule, offence.compensation)
    if rule.is_range:
        base = _ranged(rule, offence)
    else:
        if offence.chosen_amount is not None:
            raise AmountError("amount_not_choosable", f"a {rule.rule} amount is set by the catalog; send amount: null")
        base = _computed(rule, offence, prior)
    if kind is Kind.PENALTY and rule.rule is RuleKind.REPEAT_ESCALATION and prior.earlier_offences > 0:
        # 5.1.1.2 / 5.2.1.3: 第二次开除处理 — dismissal is the whole sanction, not a fine on top.
        base = Charge(amount=money(0), dismissal=True, basis="second offence → dismissal (第二次开除处理), no fine")
    aggravation = _aggravation(kind, rule, offence, prior)
    if aggravation:
        basis = f"{base.basis} × {factor} ({aggravation})"
        base = replace(base, amount=money(base.amount * factor), aggravated=True, basis=basis)
    if base.amount > MAX_AMOUNT:
        raise AmountError("amount_too_large", f"{base.amount} is more than one notice may carry ({MAX_AMOUNT})")
    return replace(base, compensation=compensation)


def _check_pieces(rule: AmountRule, pieces: int | None) -> None:
    if rule.needs_pieces and (pieces is None or pieces < 1):
        raise AmountError("pieces_required", f"a {rule.rule} amount needs pieces >= 1")


def _compensation(rule: AmountRule, compensation: Decimal | None) -> Decimal:
    """5.2.3.2 / 5.1.5.1: the loss the operator bears is kept apart from the penalty."""
    if compensation is None or compensation == 0:
        return money(0)
    if not rule.compensation:
        raise AmountError("compensation_not_applicable", "this clause does not make the person bear the loss")
    if compensation < 0:
        raise AmountError("invalid_amount", "compensation cannot be negative")
    return money(compensation)


def range_bounds(rule: AmountRule, pieces: int | None) -> tuple[Decimal, Decimal]:
    """The total a range clause allows; a per-piece range scales with the pieces."""
    assert rule.min_amount is not None and rule.max_amount is not None
    scale = pieces if rule.rule is RuleKind.RANGE_PER_PIECE and pieces else 1
    return money(rule.min_amount * scale), money(rule.max_amount * scale)


def check_chosen(rule: AmountRule, pieces: int | None, amount: Decimal) -> Decimal:
    """SAN-2: a range amount chosen by the quality department must lie inside the range."""
    low, high = range_bounds(rule, pieces)
    if not low <= amount <= high:
        raise AmountError(
            "amount_out_of_range",
            f"the amount must lie between {low} and {high}",
            min_amount=str(low),
            max_amount=str(high),
        )
    return money(amount)


def _ranged(rule: AmountRule, offence: Offence) -> Charge:
    if offence.chosen_amount is None:
        low, high = range_bounds(rule, offence.pieces)
        return Charge(amount=low, amount_chosen=False, basis=f"range {low}–{high}: the draft proposes the minimum")
    amount = check_chosen(rule, offence.pieces, offence.chosen_amount)
    return Charge(amount=amount, basis="amount chosen within the range")


def _computed(rule: AmountRule, offence: Offence, prior: PriorRecord) -> Charge:
    assert rule.amount is not None
    if rule.rule is RuleKind.PER_PIECE:
        assert offence.pieces is not None
        return Charge(amount=money(rule.amount * offence.pieces), basis=f"{offence.pieces} × {rule.amount}")
    if rule.rule is RuleKind.PER_PIECE_WITH_SHIFT_CAP:
        assert offence.pieces is not None
        return _shift_capped(rule, prior.shift_pieces_before, offence.pieces)
    return Charge(amount=money(rule.amount), basis=f"{rule.rule} {rule.amount}")


def shift_amount(rule: AmountRule, pieces: int) -> Decimal:
    """5.2.1.11: 10 per piece; more than ``shift_cap_pieces`` in one shift is ``shift_cap_amount`` for it."""
    assert rule.amount is not None and rule.shift_cap_pieces is not None and rule.shift_cap_amount is not None
    if pieces > rule.shift_cap_pieces:
        return money(rule.shift_cap_amount)
    return money(rule.amount * pieces)


def _shift_capped(rule: AmountRule, before: int, pieces: int) -> Charge:
    """What this violation adds to the shift's total, so several reports of one shift never exceed the cap."""
    total = before + pieces
    amount = max(shift_amount(rule, total) - shift_amount(rule, before), money(0))
    return Charge(amount=amount, basis=f"{total} piece(s) in the shift, {before} charged before")


def _aggravation(kind: Kind, rule: AmountRule, offence: Offence, prior: PriorRecord) -> str | None:
    """Why the amount is aggravated, or None: 重复出现得将加重处罚 is a repeat within 12 months (5.2.1.10,
    5.2.3.1); 情节严重 / 未通知 (5.1.5.1, 5.2.1.2, 5.2.1.9) is a circumstance the quality department states."""
    if offence.aggravating:
        _check_circumstance(rule, offence.note)
    if kind is not Kind.PENALTY:
        return None
    if offence.aggravating:
        return "aggravating circumstance"
    if rule.aggravated_on_repeat and prior.repeats_within_12_months > 0:
        return "repeat within 12 months"
    return None


def _check_circumstance(rule: AmountRule, note: str | None) -> None:
    if not rule.aggravated_by_circumstance:
        detail = (
            "this clause is aggravated only by a repeat within 12 months, which is found by itself"
            if rule.aggravated_on_repeat
            else "this clause is not aggravated"
        )
        raise AmountError("not_aggravatable", f"{detail}; send aggravating: false")
    if not (note and note.strip()):
        raise AmountError("aggravation_reason_required", "an aggravating circumstance needs its reason in note")


def twelve_months_before(moment: datetime) -> datetime:
    """The start of the 12-month window of SAN-2's repeat rule (29 February falls back to the 28th)."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


def check_factor(factor: Decimal) -> Decimal:
    if not Decimal(1) <= factor <= Decimal(10):
        raise AmountError("invalid_aggravation_factor", "the aggravation factor must lie between 1 and 10")
    return factor


@dataclass(frozen=True)
class Catalog:
    """One version of the whole catalog (SAN-1)."""

    version: int
    aggravation_factor: Decimal
    clauses: dict[str, Clause]

    def clause(self, code: str) -> Clause:
        try:
            return self.clauses[code]
        except KeyError:
            raise AmountError(
                "unknown_clause", f"the catalog (version {self.version}) has no clause {code!r}"
            ) from None
