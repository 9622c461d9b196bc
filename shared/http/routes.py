"""Route helpers shared by the routers: a table of step routes.

A step is a POST that moves one object on (a complaint replied, a notice stamped, an incident
reclassified). Its routes differ only in their path, their name, the body they take, who may take
them and what they do, so a router lists them in a table and builds every endpoint with one function.
``add_api_route(..., name=step.name)`` keeps each route's operation id (the name, the path and the
method) and its summary (from the name) as a decorated function of that name would have them.
"""

import inspect
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, require_roles
from shared.http.session import WriteSession

Endpoint = Callable[..., Awaitable[Any]]
# What a step does: (the request's transaction, the object's id, the body, the caller) → the answer.
StepAct = Callable[[AsyncSession, uuid.UUID, Any, Principal], Awaitable[Any]]


@dataclass(frozen=True)
class Step:
    """One step route: ``path`` under the router's prefix, ``name`` (its operation id and summary),
    what it does (``act``), the ``body`` model, the ``roles`` that may take it, its description
    (``doc``, a docstring's text) and whether the body may be left out (``optional``: then ``act``
    gets the model's defaults)."""

    path: str
    name: str
    act: StepAct
    body: type[BaseModel]
    roles: tuple[Role, ...]
    doc: str = ""
    optional: bool = False


def step_endpoint(step: Step, object_id: str, body: str) -> Endpoint:
    """The endpoint of one step: the object's id from the path parameter ``object_id``, the body
    (named ``body``) as the step's model, a ``WriteSession`` and a caller of one of the step's roles."""

    async def take_step(**values: Any) -> Any:
        taken = values[body] if values[body] is not None else step.body()
        return await step.act(values["session"], values[object_id], taken, values["principal"])

    keyword = inspect.Parameter.KEYWORD_ONLY
    body_parameter = (
        inspect.Parameter(body, keyword, annotation=step.body | None, default=None)
        if step.optional
        else inspect.Parameter(body, keyword, annotation=step.body)
    )
    take_step.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(object_id, keyword, annotation=uuid.UUID),
            inspect.Parameter("session", keyword, annotation=WriteSession),
            body_parameter,
            inspect.Parameter("principal", keyword, annotation=Principal, default=Depends(require_roles(*step.roles))),
        ]
    )
    return take_step


def add_steps(router: APIRouter, steps: Iterable[Step], *, object_id: str, body: str = "body", **route: Any) -> None:
    """Adds each step as a POST on ``router`` (see ``step_endpoint``); ``route`` holds what every
    step's route shares (``response_model``…)."""
    for step in steps:
        router.add_api_route(
            step.path,
            step_endpoint(step, object_id, body),
            methods=["POST"],
            name=step.name,
            description=inspect.cleandoc(step.doc),
            **route,
        )
