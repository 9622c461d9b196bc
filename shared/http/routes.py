"""Route helpers shared by the routers: a table of step routes, and the 404 of an object not found.

A step is a POST that moves one object on (a complaint replied, a notice stamped, an incident
reclassified). Its routes differ only in their path, their name, the body they take, who may take
them and what they do, so a router lists them in a table and builds every endpoint with one function.
``add_api_route(..., name=step.name)`` keeps each route's operation id (the name, the path and the
method) and its summary (from the name) as a decorated function of that name would have them.
"""

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel

from shared.auth import Role
from shared.errors import not_found

A = TypeVar("A")
T = TypeVar("T")
Endpoint = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Step(Generic[A]):
    """One step route: ``path`` under the router's prefix, ``name`` (its operation id and summary),
    ``act`` (what the router's endpoint does with it), the ``body`` model, the ``roles`` that may take
    it, its description (``doc``, a docstring's text) and whether the body may be left out
    (``optional``: the endpoint then gets ``None`` and takes the model's defaults)."""

    path: str
    name: str
    act: A
    body: type[BaseModel]
    roles: tuple[Role, ...]
    doc: str = ""
    optional: bool = False


def declaring_body(endpoint: Endpoint, body: type[BaseModel], optional: bool) -> Endpoint:
    """The endpoint with its parameter annotated ``BaseModel`` declared as ``body`` (``body | None``
    with ``None`` as default when it is optional): FastAPI reads the request body's model from it."""
    signature = inspect.signature(endpoint)

    def declared(parameter: inspect.Parameter) -> inspect.Parameter:
        if parameter.annotation is not BaseModel:
            return parameter
        if optional:
            return parameter.replace(annotation=body | None, default=None)
        return parameter.replace(annotation=body)

    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[declared(parameter) for parameter in signature.parameters.values()]
    )
    return endpoint


def add_steps(
    router: APIRouter, steps: Iterable[Step[A]], endpoint_of: Callable[[Step[A]], Endpoint], **route: Any
) -> None:
    """Adds each step as a POST on ``router``, its endpoint built by ``endpoint_of(step)``; ``route``
    holds what every step's route shares (``response_model``…)."""
    for step in steps:
        router.add_api_route(
            step.path,
            declaring_body(endpoint_of(step), step.body, step.optional),
            methods=["POST"],
            name=step.name,
            description=inspect.cleandoc(step.doc),
            **route,
        )


def found(value: T | None, what: str, identifier: object) -> T:
    """The object a route looked up, or the 404 that names what was not found."""
    if value is None:
        raise not_found(what, str(identifier))
    return value
