"""The one way code reads the time: an aware UTC instant, shown to people in China time elsewhere."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
