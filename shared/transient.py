"""Which database errors are transient: the same work succeeds when tried again in a fresh transaction
(SPEC §9 Delivery). A consumer retries those with backoff and never dead-letters for them; every other
error of a handler is the handler's, counts toward ``consumer_max_retries`` and ends in the DLQ."""

from collections.abc import Iterator

import asyncpg
from sqlalchemy import exc as sa_exc

# serialization_failure, deadlock_detected, lock_not_available (lock_timeout, NOWAIT),
# too_many_connections, admin/crash shutdown, cannot_connect_now, and class 08 (connection exception).
TRANSIENT_SQLSTATES = frozenset(
    {"40001", "40P01", "55P03", "53300", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"}
)

# The connection itself failed or is gone: the database restarts, the network drops, a backend is killed.
CONNECTION_LOST = (
    OSError,
    ConnectionError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps: SQLAlchemy's ``orig``, then the explicit or implicit cause."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__ or current.__context__


def is_transient(exc: BaseException) -> bool:
    for error in _causes(exc):
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        if getattr(error, "sqlstate", None) in TRANSIENT_SQLSTATES:
            return True
        if isinstance(error, CONNECTION_LOST):
            return True
    return False
