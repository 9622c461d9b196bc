"""The one error type of every layer (SPEC §7): a decision that refuses carries its status, a
machine-readable ``code``, a title, a detail and any extra fields the client reads
(``allowed``, ``current_status``…). Domain code (``service.py``, ``rules.py``) raises it and knows
nothing of HTTP; ``shared.http.problems`` renders it, by one handler, as an RFC 9457 problem, and the
request's transaction keeps nothing of it."""

from typing import Any, TypeVar

T = TypeVar("T")


class Problem(Exception):
    """Raise from any layer to answer with a problem response; nothing in the transaction is kept."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.extensions = extensions


class Conflict(Problem):
    """A 409: the object's state forbids the step. A rule's own refusal subclasses it, so the rule
    raises what the client reads and nothing translates one exception into another."""

    def __init__(self, code: str, detail: str, **extensions: Any) -> None:
        super().__init__(409, code, "Conflict", detail, **extensions)


class Unprocessable(Problem):
    """A 422: content that is well-formed but cannot be accepted; subclassed as ``Conflict`` is."""

    def __init__(self, code: str, detail: str, **extensions: Any) -> None:
        super().__init__(422, code, "Unprocessable content", detail, **extensions)
        self.detail: str = detail


def not_found(what: str, identifier: str) -> Problem:
    return Problem(404, "not_found", f"{what} not found", f"no {what} with id {identifier!r}")


def found(value: T | None, what: str, identifier: object) -> T:
    """The object looked up, or the 404 that names what was not found."""
    if value is None:
        raise not_found(what, str(identifier))
    return value


def conflict(code: str, detail: str, **extensions: Any) -> Problem:
    return Conflict(code, detail, **extensions)


def unprocessable(code: str, detail: str, **extensions: Any) -> Problem:
    return Unprocessable(code, detail, **extensions)
