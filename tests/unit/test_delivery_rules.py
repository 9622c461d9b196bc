"""SPEC §9 Delivery: which errors a consumer retries, and how an unknown event is told apart."""

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from shared.messaging.dead_letters import UNKNOWN_TYPE, UNKNOWN_VERSION, unknown_event
from shared.transient import is_transient


def wrapped(error: BaseException) -> sa_exc.DBAPIError:
    """As SQLAlchemy raises a driver error: the DBAPI error, caused by the driver's own."""
    try:
        try:
            raise error
        except BaseException as cause:
            raise sa_exc.DBAPIError("SELECT 1", {}, cause) from cause
    except sa_exc.DBAPIError as raised:
        return raised


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.LockNotAvailableError("canceling statement due to lock timeout"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.InterfaceError("cannot call Connection.execute(): connection is closed"),
        ConnectionResetError("connection reset by peer"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_spec9_database_errors_that_pass_are_transient(error: BaseException) -> None:
    assert is_transient(wrapped(error))


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key value"),
        asyncpg.exceptions.RaiseError("return lines refused"),
        ValueError("return lines with a quantity of 0 or less"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_spec9_a_handlers_own_errors_are_not_transient(error: BaseException) -> None:
    assert not is_transient(wrapped(error))


def test_spec9_an_invalidated_connection_is_transient() -> None:
    error = sa_exc.DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True)
    assert is_transient(error)


def test_spec9_a_new_version_of_a_known_event_is_an_unknown_version() -> None:
    reason, error = unknown_event("qms.intake.complaint.received.v9")
    assert reason == UNKNOWN_VERSION
    assert "qms.intake.complaint.received.v9" in error


def test_spec9_an_event_the_registry_knows_nothing_of_is_an_unknown_type() -> None:
    reason, _ = unknown_event("qms.elsewhere.thing.happened.v1")
    assert reason == UNKNOWN_TYPE
