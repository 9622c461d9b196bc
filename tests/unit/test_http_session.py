"""SPEC §9, nothing half-written: a write route's transaction commits before its answer is sent, a
commit that fails is answered as a problem, and a route that raises keeps nothing."""

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc
from starlette.types import Message, Receive, Scope, Send

from shared.errors import Problem
from shared.http.problems import install_problem_handlers
from shared.http.session import WriteSession


class Transaction:
    def __init__(self, log: list[str], commit_error: BaseException | None) -> None:
        self.log, self.commit_error = log, commit_error

    async def __aenter__(self) -> "Transaction":
        return self

    async def __aexit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            self.log.append("rollback")
            return
        if self.commit_error is not None:
            raise self.commit_error
        self.log.append("commit")


class Session:
    def __init__(self, log: list[str], commit_error: BaseException | None) -> None:
        self.log, self.commit_error = log, commit_error

    async def __aenter__(self) -> "Session":
        return self

    async def __aexit__(self, *_: Any) -> None:
        self.log.append("close")

    def begin(self) -> Transaction:
        return Transaction(self.log, self.commit_error)


def app_with(log: list[str], commit_error: BaseException | None = None) -> Any:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.sessions = lambda: Session(log, commit_error)

    @app.post("/things", status_code=201)
    async def create(session: WriteSession) -> dict[str, str]:
        log.append("route")
        return {"id": "T-1"}

    @app.post("/refused")
    async def refuse(session: WriteSession) -> None:
        raise Problem(409, "refused", "Conflict", "not in this state")

    async def recording_sends(scope: Scope, receive: Receive, send: Send) -> None:
        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                log.append("sent")
            await send(message)

        await app(scope, receive, record)

    return recording_sends


async def post(app: Any, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post(path)


async def test_write_session_commits_before_the_answer_is_sent() -> None:
    log: list[str] = []

    response = await post(app_with(log), "/things")

    assert response.status_code == 201
    assert log == ["route", "commit", "close", "sent"]


async def test_a_commit_that_fails_is_answered_as_a_problem_not_a_success() -> None:
    log: list[str] = []
    lost = sa_exc.OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))
    lost.connection_invalidated = True

    response = await post(app_with(log, commit_error=lost), "/things")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"


async def test_a_route_that_raises_keeps_nothing_of_its_transaction() -> None:
    log: list[str] = []

    response = await post(app_with(log), "/refused")

    assert (response.status_code, response.json()["code"]) == (409, "refused")
    assert "commit" not in log and "rollback" in log
