"""SAN-1: the company's clause catalog (质量奖惩制度 §5) as data: ``catalog.toml`` beside the engine,
read with the standard library. It is version 1 of the catalog, the one the first migration froze."""

import tomllib
from importlib.resources import files
from typing import Any

from services.sanctions.clauses.rules import AmountRule, Clause, Kind

CATALOG_FILE = "catalog.toml"


def read_catalog(text: str) -> tuple[Clause, ...]:
    """The clauses in the file's order, each with its cases in order (the first is the default)."""
    return tuple(_clause(entry) for entry in tomllib.loads(text)["clause"])


def _clause(entry: dict[str, Any]) -> Clause:
    variants = {name: AmountRule.from_json(rule) for name, rule in entry["variants"].items()}
    return Clause(entry["code"], Kind(entry["kind"]), entry["target"], entry["summary"], entry["text"], variants)


DEFAULT_CATALOG: tuple[Clause, ...] = read_catalog(
    files("services.sanctions.clauses").joinpath(CATALOG_FILE).read_text(encoding="utf-8")
)
