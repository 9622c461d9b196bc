"""The movable clock (HTTP only): ops sets it in test stacks; production refuses it (QMS_ENV)."""

from fastapi import APIRouter, Depends, Request

from services.notify.clock.rules import Clock
from services.notify.clock.schemas import ClockIn, ClockOut
from services.notify.roles import Operations
from services.notify.settings import NotifySettings, notify_settings
from shared.errors import Problem

router = APIRouter(prefix="/v1/clock", tags=["clock"])


def clock_of(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def _reading(clock: Clock) -> ClockOut:
    return ClockOut(now=clock.now(), controlled=clock.controlled)


@router.get("", response_model=ClockOut)
async def read_clock(_: Operations, clock: Clock = Depends(clock_of)) -> ClockOut:
    """The time the service's timers go by."""
    return _reading(clock)


@router.put("", response_model=ClockOut, responses={409: {"description": "the clock cannot be set here"}})
async def set_clock(
    _: Operations,
    body: ClockIn,
    clock: Clock = Depends(clock_of),
    settings: NotifySettings = Depends(notify_settings),
) -> ClockOut:
    """Sets the clock (only with QMS_NOTIFY_CLOCK_CONTROL=true, never in production)."""
    if not settings.notify_clock_control:
        raise Problem(409, "clock_not_settable", "Conflict", "this service's clock follows the real time")
    clock.set(body.now)
    return _reading(clock)
