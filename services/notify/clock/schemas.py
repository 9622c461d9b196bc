from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict


class ClockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    now: AwareDatetime


class ClockOut(BaseModel):
    now: datetime
    controlled: bool
