"""Output types every intake domain shares."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator

from shared.workcalendar import CHINA

# Times go out with the China offset, whatever offset they came in with: the desk, the shop floor
# and the deadlines of CMP-3 all read Asia/Shanghai, and the same resource reads the same twice.
ChinaTime = Annotated[datetime, AfterValidator(lambda moment: moment.astimezone(CHINA))]
