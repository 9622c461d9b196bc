"""idle_cpu_percent: the whole stack of ``make run`` (the five services, Postgres, the broker, the local
SMTP server and the supervisor) left idle, its CPU as % of one core. ``python -m bench.idle`` prints
the figure of each part.

Read from ``/proc/<pid>/stat`` (utime + stime) at the start and the end of the window, for every
process of the stack: each service, Postgres's postmaster and every backend and worker under it, the
broker, and the stack's host process (the SMTP server and the supervisor are threads of it). A
process born in the window counts whole; one that ended in it is counted by its parent's reaped
children's time (cutime + cstime), which may add what it had spent before the window.
"""

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.env import start_env, stop_env
from shared.stack import SERVICES, Stack, Supervisor, free_port

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
# After start-up: migrations done, every consumer assigned, the first relay rounds over.
SETTLE_S = 15.0
WINDOW_S = 30.0


@dataclass(frozen=True)
class Times:
    """CPU seconds of one process: its own, and its reaped children's."""

    own: float
    children: float


def read_times(pid: int) -> Times | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return Times((utime + stime) / TICKS_PER_S, (cutime + cstime) / TICKS_PER_S)


def children_of(pids: Iterable[int]) -> set[int]:
    """Every process whose parent chain reaches one of ``pids`` (and the pids themselves)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found = set(pids)
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found and pid not in found}
        found |= more
        grew = bool(more)
    return found


def stack_roots(stack: Stack) -> dict[str, int]:
    """The stack's top processes by name; Postgres runs detached, its postmaster named in its pid file."""
    roots = {name: service.process.pid for name, service in stack.services.items() if service.process is not None}
    if stack.broker is not None and stack.broker.process is not None:
        roots["broker"] = stack.broker.process.pid
    postmaster = stack.data_dir / "pg" / "postmaster.pid"
    roots["postgres"] = int(postmaster.read_text().split()[0])
    roots["host"] = os.getpid()
    return roots


def sample(roots: dict[str, int]) -> dict[str, dict[int, Times]]:
    """Per root, the times of every process of its tree (the host's tree without the other roots)."""
    others = {pid for name, pid in roots.items() if name != "host"}
    trees: dict[str, dict[int, Times]] = {}
    for name, root in roots.items():
        pids = children_of([root]) if name != "host" else {root}
        trees[name] = {pid: times for pid in pids - (others - {root}) if (times := read_times(pid)) is not None}
    return trees


def cpu_seconds(before: dict[int, Times], after: dict[int, Times]) -> float:
    spent = 0.0
    for pid, end in after.items():
        start = before.get(pid, Times(0.0, 0.0))
        spent += (end.own - start.own) + (end.children - start.children)
    return spent


def idle_cpu(stack: Stack, window_s: float = WINDOW_S) -> dict[str, float]:
    """Per part of the stack and in all (``total``), % of one core over ``window_s`` of idleness."""
    roots = stack_roots(stack)
    before, started = sample(roots), time.monotonic()
    time.sleep(window_s)
    after, elapsed = sample(roots), time.monotonic() - started
    figures = {name: 100 * cpu_seconds(before[name], after[name]) / elapsed for name in roots}
    figures["total"] = sum(figures.values())
    return figures


def as_make_run_starts_it(stack: Stack) -> None:
    """What ``make run`` adds to the bench's stack: notify with its SMTP server, and the supervisor."""
    missing = tuple(name for name in SERVICES if name not in stack.services)
    # On free ports, like the rest of the bench's stack.
    stack.ports.update({name: free_port() for name in missing})
    if stack.mail is None:
        stack.mail_port = free_port()
    stack.start_services(missing)
    if stack.supervisor is None:
        stack.supervisor = Supervisor(stack.supervised_children, stack.report)
        stack.supervisor.start()


def measure_idle(stack: Stack, settle_s: float = SETTLE_S, window_s: float = WINDOW_S) -> dict[str, float]:
    """The stack as ``make run`` starts it, left to settle, then measured idle."""
    as_make_run_starts_it(stack)
    time.sleep(settle_s)
    return idle_cpu(stack, window_s)


if __name__ == "__main__":
    env = start_env()
    try:
        for part, percent in measure_idle(env.stack).items():
            print(f"{part:16} {percent:6.2f} %")
    finally:
        stop_env(env)
