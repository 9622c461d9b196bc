"""Command line: ``run`` the embedded stack, mint development ``token``s, ``migrate`` a database.

python -m shared.cli run
python -m shared.cli token --role quality_manager --sub E-17 --name 李娜 --department quality
python -m shared.cli migrate
"""

import argparse
import asyncio
import json
import os
import signal
import threading
import warnings
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.auth import MAX_TOKEN_LIFETIME_S, Role, mint_token
from shared.bootstrap import SERVICES
from shared.events import topics
from shared.migrations import REPO_ROOT
from shared.replay import replay_dead_letters, replay_outbox
from shared.settings import MigrateSettings, ServiceSettings
from shared.stack import EmbeddedPostgres, Stack

DEV_PEOPLE = {
    Role.CUSTOMER_SERVICE: ("E-01", "张敏", "customer_service"),
    Role.SALES: ("E-02", "刘洋", "sales"),
    Role.SALES_CLERK: ("E-03", "周婷", "sales"),
    Role.SALES_MANAGER: ("E-04", "吴强", "sales"),
    Role.INSPECTOR: ("E-17", "李娜", "quality"),
    Role.PRODUCTION: ("E-21", "陈刚", "machining"),
    Role.QUALITY_MANAGER: ("E-05", "王芳", "quality"),
    Role.EXECUTIVE: ("E-06", "郑伟", "management"),
    Role.ADMIN_DEPT: ("E-08", "赵静", "administration"),
    Role.FINANCE: ("E-09", "孙丽", "finance"),
    Role.ERP: ("erp", "ERP", "it"),
    Role.OPS: ("ops", "Operations", "it"),
}


def _settings() -> ServiceSettings:
    return ServiceSettings()


# The SPEC fixes the development secret; production uses JWKS or a long secret.
warnings.filterwarnings("ignore", message="The HMAC key is")


def dev_token(role: Role, secret: str) -> str:
    sub, name, department = DEV_PEOPLE[role]
    return mint_token(secret, sub, [role.value], name, department)


def token_lifetime(value: str) -> int:
    """A token the services accept lives at most 12 hours (SPEC §9)."""
    seconds = int(value)
    if not 0 < seconds <= MAX_TOKEN_LIFETIME_S:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_TOKEN_LIFETIME_S} seconds")
    return seconds


def cmd_token(args: argparse.Namespace) -> None:
    secret = _settings().jwt_secret.get_secret_value()
    role = Role(args.role)
    sub, name, department = DEV_PEOPLE[role]
    print(mint_token(secret, args.sub or sub, [role.value], args.name or name, args.department or department, args.ttl))


def external_servers() -> tuple[str | None, str | None]:
    settings = _settings()
    fields = settings.model_fields_set
    database_url = settings.database_url if "database_url" in fields else None
    kafka = settings.kafka_bootstrap_servers if "kafka_bootstrap_servers" in fields else None
    return database_url, kafka


def cmd_migrate(_: argparse.Namespace) -> None:
    database_url, kafka = external_servers()
    settings = MigrateSettings()
    stack = Stack(
        data_dir=REPO_ROOT / ".data",
        database_url=database_url,
        kafka_bootstrap_servers=kafka,
        db_password=settings.db_password.get_secret_value(),
        db_passwords=settings.service_passwords(SERVICES),
        separate_owner=settings.db_separate_owner,
    )
    try:
        stack.start_infrastructure()
    finally:
        stack.stop()
    print("schemas, roles, topics and migrations are up to date")


def cmd_replay_dlq(args: argparse.Namespace) -> None:
    settings = _settings()
    names = topics.ALL if args.topic == "all" else (args.topic,)
    for topic in names:
        count = asyncio.run(replay_dead_letters(settings, topic))
        print(f"{topic}: {count} dead letter(s) re-published")


def database_url_for_commands() -> str:
    """The external server when one is configured, else the embedded one under .data/ (started if needed)."""
    database_url, _ = external_servers()
    return database_url or EmbeddedPostgres(REPO_ROOT / ".data" / "pg").start()


def cmd_replay_outbox(args: argparse.Namespace) -> None:
    settings = _settings()
    database_url = database_url_for_commands()
    since = datetime.fromisoformat(args.since)
    if since.tzinfo is None:
        raise SystemExit("--since needs an offset, e.g. 2026-11-24T00:00:00+08:00")
    names = SERVICES if args.service == "all" else (args.service,)
    for service in names:
        count = asyncio.run(replay_outbox(database_url, service, settings.db_password.get_secret_value(), since))
        print(f"{service}: {count} event(s) queued for re-publication")


def print_banner(stack: Stack) -> None:
    secret = _settings().jwt_secret.get_secret_value()
    print("\nQMS is running.\n")
    if stack.console is not None:
        print(f"  console    {stack.console.url}   sign in by picking a person (development tokens)\n")
    print(f"  Postgres   {stack.database_url}")
    print(f"  Kafka      {stack.kafka_bootstrap_servers}")
    if stack.mail is not None:
        print(f"  SMTP       127.0.0.1:{stack.mail.port}   every message kept under {stack.mail.directory}/")
    for name, service in stack.services.items():
        print(f"  {name:<15}{service.url}   docs {service.url}/docs   metrics {service.url}/metrics")
    print("\nDevelopment tokens (Authorization: Bearer …):")
    for role in Role:
        print(f"  {role.value:<17}{dev_token(role, secret)}")
    print("\nCtrl-C stops everything.\n", flush=True)


CHINA = ZoneInfo("Asia/Shanghai")
CONSOLE_PORT = 8000


def console_line(name: str, line: bytes) -> str:
    """A service's log line as a person reads it: China time, service, level, message. The JSON entry
    stays as it is in the service's log file; a line that is not one (a traceback) is shown as is."""
    raw = line.decode("utf-8", errors="replace").rstrip()
    try:
        entry = json.loads(raw)
        when = datetime.fromisoformat(entry["time"]).astimezone(CHINA).strftime("%H:%M:%S")
        shown = f"{when} {name:<15}{entry['level']:<8}{entry['message']}"
    except (ValueError, TypeError, KeyError):
        return f"{'':9}{name:<15}{raw}"
    exception = entry.get("exception")
    return f"{shown}\n{exception}" if exception else shown


class Console:
    """Lines from several threads (each service's output, the supervisor), never interleaved."""

    def __init__(self) -> None:
        # Held by a block of lines that belong together (the banner).
        self.lock = threading.RLock()

    def show(self, name: str, line: bytes) -> None:
        self._print(console_line(name, line))

    def say(self, message: str) -> None:
        self._print(f"{datetime.now(CHINA).strftime('%H:%M:%S')} {'qms':<15}{'WARNING':<8}{message}")

    def _print(self, text: str) -> None:
        with self.lock:
            print(text, flush=True)


def cmd_run(args: argparse.Namespace) -> None:
    database_url, kafka = external_servers()
    console = Console()
    stack = Stack(
        data_dir=Path(args.data_dir).resolve(),
        database_url=database_url,
        kafka_bootstrap_servers=kafka,
        db_password=_settings().db_password.get_secret_value(),
        extra_env={"QMS_LOG_LEVEL": os.environ.get("QMS_LOG_LEVEL", "INFO")},
        supervised=True,
        console_port=CONSOLE_PORT,
        report=console.say,
        echo=console.show,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stack.start()
        with console.lock:
            print_banner(stack)
        while not stopped.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping…", flush=True)
        stack.stop()
        print("stopped.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the whole system on embedded defaults")
    run.add_argument("--data-dir", default=str(REPO_ROOT / ".data"))
    run.set_defaults(func=cmd_run)
    token = commands.add_parser("token", help="mint a development JWT")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--sub")
    token.add_argument("--name")
    token.add_argument("--department")
    token.add_argument("--ttl", type=token_lifetime, default=8 * 3600, help="seconds, at most 12 hours")
    token.set_defaults(func=cmd_token)
    migrate = commands.add_parser("migrate", help="create schemas, roles and topics; run every migration")
    migrate.set_defaults(func=cmd_migrate)
    dlq = commands.add_parser("replay-dlq", help="re-publish dead letters to their original topic")
    dlq.add_argument("--topic", default="all", choices=["all", *topics.ALL])
    dlq.set_defaults(func=cmd_replay_dlq)
    outbox = commands.add_parser("replay-outbox", help="re-publish a service's events since a time")
    outbox.add_argument("--service", default="all", choices=["all", *SERVICES])
    outbox.add_argument("--since", required=True, help="ISO 8601 time with offset")
    outbox.set_defaults(func=cmd_replay_outbox)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
