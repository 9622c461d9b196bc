"""RET-2 as pure code: which lines of a batch are well-formed, which repeat a line id of the same batch."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from services.intake.returns.schemas import RejectedLine, ReturnLineIn


@dataclass(frozen=True)
class Sorted:
    valid: list[ReturnLineIn]
    rejected: list[RejectedLine]
    # A line id's second and later lines in the same batch, one entry per repeated line.
    repeated_in_batch: list[str]


def _message(error: Any) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid"))
    return f"{location}: {message}" if location else message


def _line_id_of(raw: Any) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("line_id"), str):
        return str(raw["line_id"])[:200]
    return None


def sort_lines(raw_lines: list[Any]) -> Sorted:
    """RET-2: each line is judged on its own; a bad line is rejected with its index and errors, and
    a line id repeated inside the batch counts once (the repeats are duplicates)."""
    valid: list[ReturnLineIn] = []
    rejected: list[RejectedLine] = []
    seen: set[str] = set()
    repeated: list[str] = []
    for index, raw in enumerate(raw_lines):
        try:
            line = ReturnLineIn.model_validate(raw)
        except ValidationError as exc:
            errors = [_message(e) for e in exc.errors(include_url=False)]
            rejected.append(RejectedLine(index=index, line_id=_line_id_of(raw), errors=errors))
            continue
        if line.line_id in seen:
            repeated.append(line.line_id)
            continue
        seen.add(line.line_id)
        valid.append(line)
    return Sorted(valid, rejected, repeated)


def duplicate_line_ids(valid: list[ReturnLineIn], stored: set[str], repeated_in_batch: list[str]) -> list[str]:
    """RET-2: the ids of the lines counted nowhere again — seen in an earlier push, or repeated in this
    one — each id once, in the order the batch gave them."""
    repeated = set(repeated_in_batch)
    return [line.line_id for line in valid if line.line_id not in stored or line.line_id in repeated]
