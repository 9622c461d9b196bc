"""Output types every intake domain shares."""

from shared.http.times import ChinaTime

__all__ = ["ChinaTime"]
