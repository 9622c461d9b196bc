"""ERP return shapes of SPEC §8 (RET-1, RET-2)."""

import uuid
from datetime import timedelta
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.http.problems import FieldError, refuse_impossible_time
from shared.schemas import (
    WHOLE,
    ChinaTime,
    Day,
    ListQuery,
    Out,
    Page,
    Short,
    Strict,
    TextFilter,
    in_the_future,
)

MAX_LINES = 10_000
# 10,000 lines of about 300 bytes each (a short Chinese reason included) are about 3 MiB: 8 MiB leaves
# room for longer reasons and stays far below what would hurt the service.
MAX_BODY_BYTES = 8 * 1024 * 1024


class ReturnLineIn(Strict):
    """RET-1: one line as the ERP sends it; validated on its own so good lines are kept (RET-2)."""

    line_id: Short
    model: Short
    production_date: Day
    batch_no: Short
    shipped_batch_no: Short
    quantity: Annotated[int, Field(strict=True, gt=0, le=1_000_000), WHOLE]
    customer_id: Short | None = None
    reason: Annotated[str, Field(max_length=2000)] | None = None
    returned_at: ChinaTime | None = None
    # CLS-2: the complaint (its id) this return settles: its pieces count once, with the complaint.
    complaint_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def dates_are_possible(self) -> Self:
        refuse_impossible_time("production_date", self.production_date)
        if self.returned_at is not None:
            if in_the_future(self.returned_at):
                raise FieldError("returned_at", "returned_at lies in the future")
            if self.returned_at.date() < self.production_date - timedelta(days=1):
                raise FieldError("returned_at", "returned_at is before production_date")
        return self


class ReturnBatchEnvelope(BaseModel):
    """The request around the lines; the lines themselves are validated one by one."""

    model_config = ConfigDict(extra="forbid")

    lines: Annotated[list[Any], Field(min_length=1, max_length=MAX_LINES)]


class RejectedLine(BaseModel):
    index: int
    line_id: str | None
    errors: list[str]


class BatchResult(BaseModel):
    """RET-2: the SPEC §8 fields, and which line ids were duplicates (each id once)."""

    accepted: int
    duplicates: int
    duplicate_line_ids: list[str]
    rejected: list[RejectedLine]


class ReturnLineOut(Out):
    line_id: str
    model: str
    production_date: Day
    batch_no: str
    shipped_batch_no: str
    quantity: int
    customer_id: str | None
    reason: str | None
    returned_at: ChinaTime | None
    complaint_id: uuid.UUID | None
    pushed_by: str
    recorded_at: ChinaTime


ReturnLinePage = Page[ReturnLineOut]


class ReturnLineQuery(ListQuery):
    """The filters of ``GET /v1/returns``."""

    model: TextFilter = None
    production_date: Day | None = None
    shipped_batch_no: TextFilter = None
    customer_id: TextFilter = None


def batch_request_schema() -> dict[str, Any]:
    """The request body for OpenAPI: the route reads the raw body to validate line by line."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["lines"],
        "properties": {
            "lines": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_LINES,
                # RET-2: a line that is not a return line is rejected on its own, with its errors, and
                # the batch still answers 200 with the good lines kept; so any item is accepted here.
                "items": {
                    "description": "a return line; any other item is reported in `rejected` (RET-2)",
                    "anyOf": [ReturnLineIn.model_json_schema(), {}],
                },
            }
        },
    }
