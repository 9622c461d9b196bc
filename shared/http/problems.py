"""RFC 9457 problem details for every error, with a machine-readable ``code`` (SPEC §7)."""

import logging
from datetime import date, datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from shared.errors import Problem
from shared.schemas import impossible_time, wire_value

log = logging.getLogger("qms.http")

PROBLEM_JSON = "application/problem+json"


class FieldError(ValueError):
    """Raised by a model validator that judges one field: the problem's ``loc`` names that field, not
    the whole body (``FieldError("service_aspect", "a service complaint needs service_aspect")``)."""

    def __init__(self, field: str | tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = (field,) if isinstance(field, str) else field


def refuse_impossible_time(field: str, at: date | datetime) -> None:
    """A model validator's refusal, on ``field``, of a reported day or time that cannot be true (ahead of
    now or before 2000: ``shared.schemas.impossible_time``)."""
    impossible = impossible_time(field, at)
    if impossible is not None:
        raise FieldError(field, impossible)


def problem_response(
    request: Request,
    status: int,
    code: str,
    title: str,
    detail: str | None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://qms.example/problems/{code.replace('_', '-')}",
        "title": title,
        "status": status,
        "code": code,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    body.update(wire_value(extensions))
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


# Pydantic's prefixes for errors raised by our own validators: the message after them is the rule's.
VALIDATOR_PREFIXES = ("Value error, ", "Assertion failed, ")


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", ""))
    for prefix in VALIDATOR_PREFIXES:
        if message.startswith(prefix):
            return message.removeprefix(prefix)
    return message


def _location(error: dict[str, Any]) -> list[str | int]:
    """Where the error is: a model validator's FieldError points at its field inside the model."""
    loc = list(error.get("loc", ()))
    raised = (error.get("ctx") or {}).get("error")
    if isinstance(raised, FieldError):
        loc.extend(raised.loc)
    return loc


def clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as a problem's ``errors``: where, the rule's own message, the error type."""
    return [{"loc": _location(error), "msg": _message(error), "type": error.get("type")} for error in errors]


STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


# Connection failures, and Postgres refusing or ending sessions while it shuts down or starts (class 57).
DATABASE_AWAY = (
    OSError,
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
)


def database_unavailable(exc: BaseException) -> bool:
    """The database is away (restart, network): a 503 the client may retry, not a bug."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (sa_exc.TimeoutError, sa_exc.DisconnectionError, sa_exc.InterfaceError)):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and isinstance(exc.orig, OSError | ConnectionError):
        return True
    cause = exc.__cause__ or exc.__context__
    return isinstance(exc, DATABASE_AWAY) or (cause is not None and cause is not exc and database_unavailable(cause))


def invalid_text(exc: BaseException) -> bool:
    """Input the database cannot store as text (NUL characters, lone surrogates): the client's fault."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UnicodeEncodeError | asyncpg.CharacterNotInRepertoireError):
            return True
        if isinstance(current, asyncpg.UntranslatableCharacterError):
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__ or current.__context__
    return False


def allowed_methods(request: Request) -> list[str]:
    """RFC 9110 §15.5.6: a 405 lists every method the path answers, across all routes that match it."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods.update(route.methods or ())
    return sorted(methods)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc.status, exc.code, exc.title, exc.detail, **exc.extensions)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = clean_errors(list(exc.errors()))
        malformed = any(e["type"] == "json_invalid" for e in errors)
        return problem_response(
            request,
            400 if malformed else 422,
            "malformed_json" if malformed else "validation_failed",
            "Request body is not valid JSON" if malformed else "Request is not valid",
            f"{len(errors)} error(s) in the request",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        title = code.replace("_", " ").capitalize()
        return problem_response(request, exc.status_code, code, title, detail, headers=headers)

    async def _infrastructure(request: Request, exc: Exception) -> JSONResponse:
        if invalid_text(exc):
            return problem_response(
                request, 422, "invalid_text", "Request is not valid", "text contains characters that cannot be stored"
            )
        if database_unavailable(exc):
            response = problem_response(
                request, 503, "database_unavailable", "Service unavailable", "the database is not reachable; retry"
            )
            response.headers["Retry-After"] = "2"
            return response
        return await _unexpected(request, exc)

    # Registered by class so the answer passes through the middleware (metrics see the real status).
    for error in (sa_exc.SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError, UnicodeError, OSError):
        app.add_exception_handler(error, _infrastructure)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, "internal_error", "Internal error", "the error was logged")
