"""CLS-7 emergency plan and CLS-8 归零 closure shapes."""

import uuid
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, model_validator

from services.classification.zeroing.rules import EmergencyTrigger
from shared.http.problems import refuse_impossible_time
from shared.schemas import ChinaTime, Strict, Text


class TriggerIn(Strict):
    trigger: EmergencyTrigger
    pieces: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    note: Text | None = None


class EmergencyIn(Strict):
    triggers: list[TriggerIn] = Field(min_length=1, max_length=len(EmergencyTrigger))
    note: Text | None = None


class StepIn(Strict):
    note: Text
    done_at: ChinaTime | None = None

    @model_validator(mode="after")
    def done_already(self) -> Self:
        """CLS-7: a step is recorded once it is done, so it cannot have been done ahead of now."""
        if self.done_at is not None:
            refuse_impossible_time("done_at", self.done_at)
        return self


class StepOut(BaseModel):
    step: str
    position: int
    done: bool
    done_by: str | None = None
    done_by_name: str | None = None
    done_at: ChinaTime | None = None
    note: str | None = None


class EmergencyOut(BaseModel):
    emergency: bool
    triggers: list[dict[str, Any]]
    steps: list[StepOut]
    next_step: str | None


class EvidenceIn(Strict):
    evidence: Text
    documents: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(default_factory=list, max_length=50)
    # ATT: ids of this incident's attachments (POST /v1/incidents/{id}/attachments) that prove the item.
    attachments: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class ZeroingItemOut(BaseModel):
    item: str
    group: str
    done: bool
    evidence: str | None = None
    documents: list[str] = []
    attachments: list[uuid.UUID] = []
    recorded_by: str | None = None
    recorded_at: ChinaTime | None = None


class ZeroingOut(BaseModel):
    required: bool
    items: list[ZeroingItemOut]
    missing: dict[str, list[str]]


class CloseIn(Strict):
    summary: Text
