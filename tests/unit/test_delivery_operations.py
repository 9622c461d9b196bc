"""SPEC §9 Delivery, what operations see: the supervisor's backoff and messages, a log line per
request, the console's rendering of the services' log lines, and how a relay judges a lost log."""

import json
import logging
import threading

import httpx
import pytest
from fastapi import FastAPI

from shared.cli import console_line
from shared.http.middleware import RequestContextMiddleware
from shared.messaging.lost_logs import lost_logs, lost_partitions
from shared.stack import Restarts, Supervised, Supervisor, how_it_ended


class FakeChild:
    """A process as the supervisor sees one: how it ended (``None`` while it runs) and a lock."""

    name = "intake"

    def __init__(self, code: int | None) -> None:
        self.code = code
        self.lock = threading.RLock()
        self.starts = 0

    def exit_code(self) -> int | None:
        return self.code

    def start(self) -> None:
        self.starts += 1
        self.code = None


def supervised(child: FakeChild) -> Supervised:
    return Supervised(child, child.start)  # type: ignore[arg-type]


def test_restart_delays_double_from_one_second_up_to_thirty() -> None:
    restarts = Restarts(started_at=0.0)
    assert [restarts.next_delay(1.0) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_restart_delay_starts_again_at_one_second_after_a_process_stayed_up_a_minute() -> None:
    restarts = Restarts(started_at=0.0)
    restarts.next_delay(1.0)
    restarts.next_delay(2.0)
    restarts.started_at = 10.0
    assert restarts.next_delay(75.0) == 1


def test_supervisor_says_a_service_exited_and_restarts_it_after_the_delay() -> None:
    said: list[str] = []
    child = FakeChild(code=1)
    watched = supervised(child)
    supervisor = Supervisor(lambda: [watched], said.append)

    supervisor.look_after(watched, now=100.0)
    supervisor.look_after(watched, now=100.5)
    assert child.starts == 0
    supervisor.look_after(watched, now=101.0)

    assert child.starts == 1
    assert said == ["intake exited with code 1; restarting in 1 s", "intake restarted"]


def test_supervisor_leaves_a_running_or_deliberately_stopped_process_alone() -> None:
    said: list[str] = []
    child = FakeChild(code=None)
    watched = supervised(child)
    supervisor = Supervisor(lambda: [watched], said.append)

    for now in (1.0, 5.0, 50.0):
        supervisor.look_after(watched, now)

    assert child.starts == 0
    assert said == []


def test_a_process_killed_by_a_signal_is_said_so() -> None:
    assert how_it_ended(-9) == "was killed by SIGKILL"
    assert how_it_ended(3) == "exited with code 3"


def test_console_shows_a_services_json_log_line_in_china_time() -> None:
    entry = {
        "time": "2026-12-02T01:02:03+00:00",
        "level": "INFO",
        "logger": "qms.http",
        "message": "GET /v1/x 200 1.0 ms",
    }

    line = console_line("intake", json.dumps(entry).encode() + b"\n")

    assert line == "09:02:03 intake         INFO    GET /v1/x 200 1.0 ms"


def test_console_shows_a_line_that_is_not_json_as_it_is() -> None:
    assert console_line("crm", b"Traceback (most recent call last):\n").endswith(
        "crm            Traceback (most recent call last):"
    )


def request_log_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware, service="probe")

    @app.get("/v1/things")
    async def things() -> dict[str, int]:
        return {"count": 0}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture
async def request_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=request_log_app()), base_url="http://probe")


async def test_each_request_is_logged_at_info_with_method_path_status_and_duration(
    request_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="qms.http"):
        await request_client.get("/v1/things", params={"cursor": "x"})

    lines = [record for record in caplog.records if record.name == "qms.http"]
    assert len(lines) == 1
    assert lines[0].levelno == logging.INFO
    method, path, status, duration, unit = lines[0].getMessage().split()
    assert (method, path, status, unit) == ("GET", "/v1/things", "200", "ms")
    assert float(duration) >= 0


async def test_health_probes_are_not_logged(
    request_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="qms.http"):
        await request_client.get("/healthz")

    assert [record for record in caplog.records if record.name == "qms.http"] == []


def test_a_partition_ending_below_what_the_broker_acknowledged_was_lost() -> None:
    floors = {("qms.intake.returns", 0): 1000, ("qms.intake.returns", 1): 10, ("qms.intake.complaints", 0): 5}
    ends = {("qms.intake.returns", 0): 0, ("qms.intake.returns", 1): 10, ("qms.intake.complaints", 0): 7}

    lost = lost_logs(floors, {"qms.intake.returns", "qms.intake.complaints"}, ends)

    assert list(lost) == ["qms.intake.returns"]


def test_a_topic_gone_from_the_broker_was_lost() -> None:
    assert lost_logs({("qms.crm.customers", 2): 3}, set(), {}) == {"qms.crm.customers": "the topic is gone"}


def test_a_batch_acknowledged_below_an_earlier_one_shows_the_log_was_lost() -> None:
    floors = {("qms.intake.complaints", 0): 51, ("qms.intake.complaints", 1): 8}
    acknowledged = {("qms.intake.complaints", 0): 1, ("qms.intake.complaints", 1): 9}

    assert list(lost_partitions(floors, acknowledged)) == ["qms.intake.complaints"]
    assert lost_partitions(floors, {("qms.intake.complaints", 0): 51}) == {}
