"""Substring search over a GIN-indexed ``text[]`` of character n-grams (SPEC §12 search).

Core Postgres has no trigram extension here, so a searchable row keeps the n-grams of its texts in
an array column with a GIN index: bigrams of runs of CJK characters (Chinese words are one or two
characters long), trigrams of runs of Latin letters and digits. A query is answered by the rows whose
array contains every gram of the query (``@>``, served by the index), rechecked by a substring match,
since holding every gram of a text does not make the text a substring.

Every substring of a text yields a subset of the text's grams: a query run lies inside one run of
the text of the same class, and a run shorter than its gram size yields nothing in a query (only
itself in a text), so such a query is answered by the substring match alone.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, func, literal, literal_column, or_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

CJK_GRAM = 2
LATIN_GRAM = 3

# CJK ideographs (with extension A and compatibility forms), kana and hangul.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<latin>[^\W_{_CJK}]+)")


def normalised(text: str) -> str:
    """Full-width letters and digits as their ASCII forms, and lower case, as people type queries."""
    return unicodedata.normalize("NFKC", text).lower()


def _runs(text: str) -> Iterable[tuple[str, int]]:
    for match in _RUNS.finditer(normalised(text)):
        yield match.group(), CJK_GRAM if match.lastgroup == "cjk" else LATIN_GRAM


def _ngrams(run: str, size: int) -> list[str]:
    return [run[start : start + size] for start in range(len(run) - size + 1)]


def text_grams(*texts: str | None) -> list[str]:
    """The sorted distinct grams a row stores for its texts; a run shorter than its gram size is
    stored whole, so a query of exactly that run still finds it."""
    grams: set[str] = set()
    for text in texts:
        for run, size in _runs(text or ""):
            grams.update(_ngrams(run, size) if len(run) >= size else [run])
    return sorted(grams)


def query_grams(query: str) -> list[str]:
    """The grams every text containing ``query`` holds: those of its runs long enough to have one."""
    return sorted({gram for run, size in _runs(query) for gram in _ngrams(run, size)})


def _normalised_sql(text: SQLColumnExpression[Any]) -> ColumnElement[str]:
    return func.lower(func.normalize(func.coalesce(text, ""), literal_column("NFKC")))


def contains_text(
    grams_column: SQLColumnExpression[Any], texts: Iterable[SQLColumnExpression[Any]], query: str
) -> ColumnElement[bool]:
    """Rows whose ``grams_column`` holds every gram of ``query`` (index-backed) and one of whose
    ``texts`` contains it (the recheck), both normalised as ``text_grams`` normalises them."""
    needle = normalised(query)
    rechecked = or_(*(func.strpos(_normalised_sql(text), literal(needle)) > 0 for text in texts))
    grams = query_grams(query)
    if not grams:
        return rechecked
    return and_(grams_column.contains(literal(grams, ARRAY(Text))), rechecked)
