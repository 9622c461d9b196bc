"""docs/: every rule id the code, the tests or a service README cites is defined in the project's rule pages.

A rule is defined by a Markdown heading that starts with its id (``### CMP-3 SLA``); a mere mention in a
sentence or a table does not count, so a reader who meets an id in the code always finds its own section.
"""

import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CITING_TREES = ("services", "shared", "tests")
CITING_SUFFIXES = {".py", ".md", ".sql", ".yml", ".yaml", ".toml"}

# Not part of a longer identifier: an employee id such as "E-REP-2" cites no rule.
RULE_ID = re.compile(r"(?<![\w-])(?:CMP|RET|REP|CLS|SAN|CRM|NTF|ATT|CON)-\d+\b")
DEFINING_HEADING = re.compile(r"^#{2,6}\s+((?:CMP|RET|REP|CLS|SAN|CRM|NTF|ATT|CON)-\d+)\b", re.MULTILINE)


def cited_ids(texts: Iterable[str]) -> set[str]:
    return {match for text in texts for match in RULE_ID.findall(text)}


def defined_ids(pages: Iterable[str]) -> set[str]:
    return {match for page in pages for match in DEFINING_HEADING.findall(page)}


def undefined_ids(citing: Iterable[str], pages: Iterable[str]) -> set[str]:
    return cited_ids(citing) - defined_ids(pages)


def _citing_texts() -> list[str]:
    return [
        path.read_text(encoding="utf-8")
        for tree in CITING_TREES
        for path in sorted((ROOT / tree).rglob("*"))
        if path.is_file() and path.suffix in CITING_SUFFIXES
    ]


def _doc_pages() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").rglob("*.md"))]


def test_docs_define_every_rule_id_cited_in_services_shared_and_tests() -> None:
    assert cited_ids(_citing_texts()), "no rule id found at all: the scan itself is broken"
    assert undefined_ids(_citing_texts(), _doc_pages()) == set()


def test_docs_an_id_only_mentioned_in_a_sentence_is_not_defined() -> None:
    rule = "-".join(("SAN", "3"))
    page = f"## Sanctions\n\nSee {rule} for acts.\n\n### {'-'.join(('SAN', '4'))} Notices\n"
    assert undefined_ids([f"# {rule}: most severe wins"], [page]) == {rule}


def test_docs_an_id_under_its_own_heading_is_defined() -> None:
    rule = "-".join(("CMP", "3"))
    assert undefined_ids([f"# {rule}: SLA"], [f"### {rule} SLA\n\nInvestigate within a working day.\n"]) == set()
