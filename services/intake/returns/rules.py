"""RET-2 as pure code: which lines of a batch are well-formed, which repeat a line id of the same batch."""

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from services.intake.returns.schemas import RejectedLine, ReturnLineIn
from shared.schemas import control_character_error


@dataclass(frozen=True)
class Sorted:
    valid: list[ReturnLineIn]
    rejected: list[RejectedLine]
    # A line id's second and later lines in the same batch, one entry per repeated line.
    repeated_in_batch: list[str]
    # Where each valid line stood in the batch, for a rejection found later.
    positions: dict[str, int] = field(default_factory=dict)


def _message(error: Any) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid"))
    return f"{location}: {message}" if location else message


def _line_id_of(raw: Any) -> str | None:
    """The line's id to name it by, unless the id itself is what is wrong with it (a control character
    could not even be kept with the stored response)."""
    if isinstance(raw, dict) and isinstance(raw.get("line_id"), str):
        line_id = str(raw["line_id"])[:200]
        return None if control_character_error(line_id) else line_id
    return None


def sort_lines(raw_lines: list[Any]) -> Sorted:
    """RET-2: each line is judged on its own; a bad line is rejected with its index and errors, and
    a line id repeated inside the batch counts once (the repeats are duplicates)."""
    valid: list[ReturnLineIn] = []
    rejected: list[RejectedLine] = []
    seen: dict[str, int] = {}
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
        seen[line.line_id] = index
        valid.append(line)
    return Sorted(valid, rejected, repeated, seen)


def named_complaints(lines: list[ReturnLineIn]) -> set[uuid.UUID]:
    return {line.complaint_id for line in lines if line.complaint_id is not None}


def without_unknown_complaints(lines: Sorted, known: set[uuid.UUID]) -> Sorted:
    """RET-1/CLS-2: a line that says it settles a product complaint intake has not recorded is a bad
    line: counting it against nothing would hide the mistake."""
    unknown = [line for line in lines.valid if line.complaint_id is not None and line.complaint_id not in known]
    if not unknown:
        return lines
    refused = [
        RejectedLine(
            index=lines.positions[line.line_id],
            line_id=line.line_id,
            errors=[f"complaint_id: no product complaint {line.complaint_id}"],
        )
        for line in unknown
    ]
    kept = [line for line in lines.valid if line not in unknown]
    return replace(lines, valid=kept, rejected=sorted([*lines.rejected, *refused], key=lambda r: r.index))


def duplicate_line_ids(lines: Sorted, stored: set[str]) -> list[str]:
    """RET-2: the ids of the lines counted nowhere again — seen in an earlier push, or repeated in this
    one — each id once, in the order the batch gave them."""
    found = {line.line_id for line in lines.valid if line.line_id not in stored} | set(lines.repeated_in_batch)
    return sorted(found, key=lambda line_id: lines.positions[line_id])
