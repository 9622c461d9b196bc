"""CRM-6 sign-off state as pure code: which steps of a statement still wait to be signed."""


def still_pending(known: list[str] | None, reported: list[str]) -> list[str]:
    """A signed step is never unsigned, so an older event seen again (a re-published backlog) cannot
    reopen a step a newer one closed: a step is pending only while every event seen says so."""
    if known is None:
        return list(reported)
    return [step for step in reported if step in known]
