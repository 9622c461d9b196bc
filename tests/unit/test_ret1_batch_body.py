"""RET-1: what a batch body may be before its lines are judged one by one."""

import pytest

from services.intake.returns.router import parse_batch
from shared.errors import Problem


def test_ret1_a_deeply_nested_body_is_a_400_problem() -> None:
    body = b'{"lines": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    with pytest.raises(Problem) as refused:
        parse_batch(body)
    assert (refused.value.status, refused.value.code) == (400, "too_deeply_nested")
