"""REP-1 as pure code: which facts a report of each kind must (and must not) carry."""

from dataclasses import dataclass

# Kinds that count pieces: a report of zero pieces of scrap is no report.
COUNTED_KINDS = frozenset({"scrap", "rework", "nonconformity", "supplier_material"})
SUPPLIER_FIELDS = ("supplier", "defect_class", "defect_type")


@dataclass(frozen=True)
class ReportFacts:
    kind: str
    quantity: int
    personal_injury: bool | None
    reputation_impact: bool | None
    supplier: str | None
    defect_class: str | None
    defect_type: str | None


def report_problems(facts: ReportFacts) -> list[str]:
    """REP-1/CLS-6: a supplier-material report names the supplier, defect class (A/B/C) and defect
    type; other kinds carry none of them; injury and reputation reports say so."""
    problems = []
    supplier_values = {"supplier": facts.supplier, "defect_class": facts.defect_class, "defect_type": facts.defect_type}
    if facts.kind == "supplier_material":
        problems += [
            f"{name} is required for a supplier_material report" for name, v in supplier_values.items() if v is None
        ]
    else:
        problems += [
            f"{name} belongs to supplier_material reports only" for name, v in supplier_values.items() if v is not None
        ]
    if facts.kind in COUNTED_KINDS and facts.quantity < 1:
        problems.append(f"a {facts.kind} report needs a quantity of at least 1")
    if facts.kind == "customer_injury" and facts.personal_injury is False:
        problems.append("a customer_injury report has personal_injury true")
    if facts.kind == "reputation" and facts.reputation_impact is False:
        problems.append("a reputation report has reputation_impact true")
    return problems


def implied_flags(kind: str, personal_injury: bool | None, reputation_impact: bool | None) -> tuple[bool, bool]:
    """An injury report is a personal injury and a reputation report a reputation impact (CLS-1)."""
    return (
        personal_injury if personal_injury is not None else kind == "customer_injury",
        reputation_impact if reputation_impact is not None else kind == "reputation",
    )
