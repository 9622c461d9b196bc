"""RET-2 as pure code: which lines of a batch are well-formed, which repeat a line id of the same batch."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from services.intake.returns.schemas import RejectedLine, ReturnLineIn
from shared.inputs import control_character_error


@dataclass(frozen=True)
class Sorted:
    valid: list[ReturnLineIn]
    rejected: list[RejectedLine]
    repeated_in_batch: int


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
    seen: set[str] = set()
    repeated = 0
    for index, raw in enumerate(raw_lines):
        try:
            line = ReturnLineIn.model_validate(raw)
        except ValidationError as exc:
            errors = [_message(e) for e in exc.errors(include_url=False)]
            rejected.append(RejectedLine(index=index, line_id=_line_id_of(raw), errors=errors))
            continue
        if line.line_id in seen:
            repeated += 1
            continue
        seen.add(line.line_id)
        valid.append(line)
    return Sorted(valid, rejected, repeated)
