"""SAN-1 and SAN-2 as pure code: the shape of a clause of 质量奖惩制度 §5 and the amount engine (the
catalog itself is data, ``catalog.toml``, read by ``catalog.py``).

No I/O here: the service feeds in what the database knows (earlier offences, pieces already charged in
the shift) and gets back what to charge.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from shared.errors import Unprocessable

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


class AmountError(Unprocessable):
    """A violation or a catalog edit the amount rules cannot accept: a 422 with the rule's own code."""


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
