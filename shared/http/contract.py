"""The HTTP contract every route keeps without saying so (SPEC §9 Contract).

Each operation's OpenAPI document lists the problems it can answer, derived from the route itself
(its roles, path parameters, body, method), and a query parameter the route does not declare is
refused: a filter that silently does nothing looks like a real, unfiltered result.
"""

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel

from shared.auth import current_principal
from shared.http.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `code` is machine-readable, further members are the "
    "problem's own extensions (what was expected, what is missing).",
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
    },
    "additionalProperties": True,
}
PROBLEM_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ProblemError",
    "description": 'One invalid input: where (`loc`, e.g. `["body", "received_at"]`), what is wrong.',
    "type": "object",
    "required": ["loc", "msg", "type"],
    "properties": {
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"},
        "type": {"type": "string"},
    },
}

DESCRIPTIONS = {
    400: "Malformed request: the body is not JSON, or the cursor is not one this API returned",
    401: "No valid bearer token",
    403: "The token lacks a role or a right this operation needs",
    404: "No such resource",
    409: "Conflicts with the resource's state (a step out of order, a key used with another body)",
    413: "Request body over the limit",
    422: "Invalid input: `errors` names each field, an unknown query parameter included",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _dependencies(dependant: Dependant | None) -> Iterator[Dependant]:
    if dependant is None:
        return
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependencies(sub)


def api_routes(app: FastAPI) -> Iterator[RouteContext]:
    """Every operation as it is served: an included router's route with that inclusion's dependencies."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def _calls(route: RouteContext) -> list[Any]:
    return [dependency.call for dependency in _dependencies(route.dependant) if dependency.call is not None]


def _needs_token(route: RouteContext) -> bool:
    return current_principal in _calls(route)


def _needs_role(route: RouteContext) -> bool:
    return any(hasattr(call, "roles") for call in _calls(route))


def _has_body(route: RouteContext) -> bool:
    """A body parameter, or a body the route reads itself and documents in ``openapi_extra``."""
    declared = any(dependency.body_params for dependency in _dependencies(route.dependant))
    return declared or "requestBody" in (route.openapi_extra or {})


def _query_names(route: RouteContext) -> frozenset[str]:
    """The names a route's query takes: its parameters, a query model's (``shared.schemas.ListQuery``)
    field by field."""
    names: set[str] = set()
    for dependency in _dependencies(route.dependant):
        for param in dependency.query_params:
            model = param.field_info.annotation
            if isinstance(model, type) and issubclass(model, BaseModel):
                names.update(field.alias or name for name, field in model.model_fields.items())
            else:
                names.add(param.alias)
    return frozenset(names)


def declared_problems(route: RouteContext) -> set[int]:
    """Problem statuses a route names itself (``responses={404: {...}}``) for what its shape cannot tell."""
    return {int(status) for status in route.responses or {} if str(status).isdigit() and int(status) >= 400}


def problem_statuses(route: RouteContext, method: str) -> list[int]:
    """The problem statuses an operation can answer, judged from what the route declares."""
    # Every operation validates its query, at least against unknown parameters: 422 always.
    statuses = {422, *declared_problems(route)}
    if _needs_token(route):
        statuses.add(401)
    if _needs_role(route):
        statuses.add(403)
    if route.param_convertors:
        statuses.add(404)
    if method in UNSAFE_METHODS:
        statuses.add(409)
    if _has_body(route):
        statuses.update({400, 413})
    if "cursor" in _query_names(route):
        statuses.add(400)
    return sorted(statuses)


def _problem_response(status: int, declared: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": declared.get("description") or DESCRIPTIONS.get(status, "Problem"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_problems(app: FastAPI, schema: dict[str, Any]) -> None:
    """Adds each operation's problem responses to ``schema`` (in place), as ``application/problem+json``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    components["ProblemError"] = PROBLEM_ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for route in api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = schema["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in problem_statuses(route, method):
                responses[str(status)] = _problem_response(status, responses.get(str(status), {}))


def install_contract(app: FastAPI) -> None:
    """``app.openapi()`` documents every route's problems; call once the routes are included."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            document_problems(app, schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def declared_query_parameters(app: FastAPI) -> dict[int, frozenset[str]]:
    """Each route's query parameters (by the route's id), read once from the app's routes."""
    declared: dict[int, frozenset[str]] | None = getattr(app.state, "declared_query_parameters", None)
    if declared is None:
        declared = {}
        for route in api_routes(app):
            key = id(route.original_route)
            declared[key] = declared.get(key, frozenset()) | _query_names(route)
        app.state.declared_query_parameters = declared
    return declared


async def refuse_unknown_query_parameters(request: Request) -> None:
    """App-wide dependency: a query parameter the route does not declare is a 422 naming it."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    declared = declared_query_parameters(request.app).get(id(route), frozenset())
    unknown = sorted({name for name in request.query_params if name not in declared})
    if unknown:
        takes = ", ".join(sorted(declared)) or "no query parameters"
        raise RequestValidationError(
            [
                {
                    "type": "unknown_query_parameter",
                    "loc": ("query", name),
                    "msg": f"unknown query parameter {name}; this operation takes {takes}",
                    "input": request.query_params.get(name),
                }
                for name in unknown
            ]
        )
