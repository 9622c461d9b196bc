"""Catalog shapes (SAN-1). Money travels as a string with two decimals; input may be a number or a string."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StrictBool, model_validator

from services.sanctions.clauses.models import CatalogVersion
from services.sanctions.clauses.rules import Catalog, Clause, Kind, RuleKind
from shared.schemas import ChinaTime, MoneyOut, Out, PlainMoney, Strict, attributes_of, money_schema

MAX_CLAUSE_AMOUNT = Decimal(10_000_000)
# A clause's amounts, and the amounts a notice is given, stay within what the policy could ever set.
ClauseMoneyIn = Annotated[
    Decimal,
    PlainMoney,
    Field(ge=0, le=MAX_CLAUSE_AMOUNT, decimal_places=2),
    money_schema(ge=Decimal(0), le=MAX_CLAUSE_AMOUNT),
]
ClauseCode = Annotated[str, Field(pattern=r"^\d{1,2}(\.\d{1,3}){1,5}$", max_length=20)]
VariantName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,49}$")]


class AmountRuleOut(Out):
    rule: RuleKind
    amount: MoneyOut | None
    min_amount: MoneyOut | None
    max_amount: MoneyOut | None
    shift_cap_pieces: int | None
    shift_cap_amount: MoneyOut | None
    aggravated_on_repeat: bool
    aggravated_by_circumstance: bool
    compensation: bool


class ClauseOut(AmountRuleOut):
    """A clause with its default case flattened in, and every case under ``variants``."""

    code: str
    kind: Kind
    target: str
    summary: str
    text: str
    default_variant: str
    variants: dict[str, AmountRuleOut]

    @model_validator(mode="before")
    @classmethod
    def _flattened(cls, source: Any) -> Any:
        if not isinstance(source, Clause):
            return source
        variants = {name: rule.to_json() for name, rule in source.variants.items()}
        return {
            **variants[source.default_variant],
            "code": source.code,
            "kind": source.kind,
            "target": source.target,
            "summary": source.summary,
            "text": source.text,
            "default_variant": source.default_variant,
            "variants": variants,
        }


# Read from the pair the catalog service returns: the version's row and its clauses.
class CatalogOut(Out):
    version: int
    aggravation_factor: MoneyOut
    note: str | None
    created_by: str
    created_at: ChinaTime
    items: list[ClauseOut]

    @model_validator(mode="before")
    @classmethod
    def _of_version(cls, source: Any) -> Any:
        if not isinstance(source, tuple):
            return source
        version, catalog = source
        assert isinstance(version, CatalogVersion) and isinstance(catalog, Catalog)
        return {**attributes_of(version, cls), "items": list(catalog.clauses.values())}


class AmountRuleIn(Strict):
    """Fields sent replace the case's fields; a new case must be complete."""

    rule: RuleKind | None = None
    amount: ClauseMoneyIn | None = None
    min_amount: ClauseMoneyIn | None = None
    max_amount: ClauseMoneyIn | None = None
    shift_cap_pieces: Annotated[int, Field(ge=1, le=100_000)] | None = None
    shift_cap_amount: ClauseMoneyIn | None = None
    aggravated_on_repeat: StrictBool | None = None
    aggravated_by_circumstance: StrictBool | None = None
    compensation: StrictBool | None = None


class ClauseEdit(Strict):
    """An amount change, or (§6.7) a new case added to the catalog with all its fields."""

    code: ClauseCode
    kind: Kind | None = None
    target: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    summary: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    text: Annotated[str, Field(min_length=1, max_length=4000)] | None = None
    variants: Annotated[dict[VariantName, AmountRuleIn], Field(max_length=10)] = {}


class CatalogEdit(Strict):
    note: Annotated[str, Field(max_length=2000)] | None = None
    aggravation_factor: Annotated[Decimal, Field(ge=1, le=10, max_digits=6, decimal_places=2)] | None = None
    clauses: Annotated[list[ClauseEdit], Field(max_length=200)] = []
