"""End-to-end latencies through the real services, the outbox relay, the broker and classification.

e2e_*: complaints POSTed at a steady rate (open loop: each one fires on schedule whatever the others
do); each one's latency runs from its scheduled send to the first GET /v1/incidents on classification
that lists its incident (one watcher reads the newest general incidents every ``POLL_S``, down to
the oldest complaint still awaited: the resolution is 10 ms plus the GETs of one poll).

Before each round (of either) one complaint is followed through to its incident, so a fresh stack's
consumer groups have joined before the clock starts.

e2e_cpu_*: the CPU the round cost, read from ``/proc`` for every process of the stack as
``bench.idle`` reads it: milliseconds per complaint of each service, Postgres (postmaster, backends
and workers) and the broker, their sum (``e2e_cpu_ms_per_complaint``), how many of the machine's cores
that kept busy over the round (``e2e_cpu_cores_busy``), and beside them the bench process itself
(load generator and watcher, ``e2e_cpu_ms_bench``).

threshold_e2e_*: per sample a fresh (model, production date) gets 49 units, then one line of 1 unit
crosses CLS-1's 50; latency from that POST to the commit of classification's transaction that opened
the batch incident (``threshold_e2e_p50_ms`` / ``_p99_ms``), and beside it to the first GET on
classification that lists it (``threshold_e2e_visible_*``). The commit is read without polling: the
transaction writes the incident's event to classification's outbox, whose trigger NOTIFYs at commit;
on each notification one query asks whether the incident exists. The GET poll runs every 10 ms plus
the GET itself, so it adds its own wait (measured 10–20 ms between GETs) to what it reports.
"""

import asyncio
import contextlib
import json
import time
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from bench import hops
from bench.env import BenchEnv, auth
from bench.http_post import complaint_body
from bench.idle import Times, cpu_seconds, sample, stack_roots
from bench.loadgen import Client, client, open_loop
from bench.stats import percentile
from shared.tables import outbox_channel

POLL_S = 0.01
WATCH_PAGE = 20  # at 100 complaints/s, the ~200 ms of complaints in flight fit on one page
VISIBLE_TIMEOUT_S = 30.0


async def wait_visible(classification: Client, params: dict[str, str], headers: dict[str, str]) -> float | None:
    request = classification.request_bytes("GET", "/v1/incidents", headers, params=params)
    started = time.perf_counter()
    while (now := time.perf_counter()) < started + VISIBLE_TIMEOUT_S:
        status, body = await classification.send(request)
        if status == 200 and json.loads(body)["items"]:
            return time.perf_counter()
        # Every 10 ms at first; for a slow one a tenth of its wait so far, so the probes (at most
        # ~10 per item) never become the load that makes the system slow.
        await asyncio.sleep(max(POLL_S, (now - started) / 10))
    return None


class IncidentWatcher:
    """One reader of classification's newest general incidents, polled every ``POLL_S``: it notes when
    each awaited complaint first shows up as a source. One poller instead of one per complaint keeps
    the probes from becoming the load (at 100 complaints/s, per-complaint polling every 10 ms meant
    hundreds of GETs a second on the service being measured)."""

    def __init__(self, classification: Client, headers: dict[str, str]) -> None:
        self.classification = classification
        self.headers = headers
        self.awaited: dict[str, asyncio.Future[float]] = {}
        self.posted_at: dict[str, datetime] = {}
        self.seen: dict[str, float] = {}
        self.seen_at: dict[str, float] = {}  # the same moments as epoch seconds, for bench.hops

    def expect(self, complaint_id: str, posted_at: datetime) -> "asyncio.Future[float]":
        waiting = self.awaited.setdefault(complaint_id, asyncio.get_running_loop().create_future())
        if complaint_id in self.seen:
            waiting.set_result(self.seen[complaint_id])
        else:
            self.posted_at[complaint_id] = posted_at
        return waiting

    def forget(self, complaint_id: str) -> None:
        """A complaint given up on no longer holds the watcher's paging back to its POST."""
        self.posted_at.pop(complaint_id, None)

    async def run(self) -> None:
        while True:
            await self.poll()
            await asyncio.sleep(POLL_S)

    async def poll(self) -> None:
        """Newest first, page after page down to the oldest awaited complaint's POST. Batches of
        different partitions commit side by side, so an incident can become visible after newer ones:
        paging only while a whole page is new missed such late ones."""
        oldest = min(self.posted_at.values(), default=None)
        params = {"level": "general", "limit": str(WATCH_PAGE)}
        while True:
            request = self.classification.request_bytes("GET", "/v1/incidents", self.headers, params=params)
            status, body = await self.classification.send(request)
            if status != 200:
                raise RuntimeError(f"GET /v1/incidents answered {status}: {body[:300]!r}")
            page = json.loads(body)
            now, wall = time.perf_counter(), time.time()
            items = page["items"]
            for item in items:
                for source in item["source_ids"]:
                    self._saw(source, now, wall)
            if not items or not page["next_cursor"] or oldest is None:
                return
            # An incident is created after its complaint was posted (one clock: the same machine).
            if datetime.fromisoformat(items[-1]["created_at"]) < oldest:
                return
            params = {**params, "cursor": page["next_cursor"]}

    def _saw(self, source: str, now: float, wall: float) -> None:
        if source in self.seen:
            return
        self.seen[source] = now
        self.seen_at[source] = wall
        self.posted_at.pop(source, None)
        waiting = self.awaited.get(source)
        if waiting is not None and not waiting.done():
            waiting.set_result(now)


async def pipeline_assembled(intake: Client, classification: Client) -> None:
    """One complaint through to its incident before the clock starts: on a fresh stack classification's
    consumer group is still joining (a few seconds), which is start-up, not the steady state measured."""
    post_headers = {"content-type": "application/json", **auth("customer_service")}
    status, response = await intake.send(intake.request_bytes("POST", "/v1/complaints", post_headers, complaint_body()))
    if status != 201:
        raise RuntimeError(f"POST /v1/complaints answered {status}: {response[:300]!r}")
    params = {"source_id": json.loads(response)["id"]}
    if await wait_visible(classification, params, auth("quality_manager")) is None:
        raise RuntimeError(f"no incident for the warm-up complaint within {VISIBLE_TIMEOUT_S}s")


async def complaint_e2e(env: BenchEnv, rate_per_s: float, duration_s: float) -> dict[str, Any]:
    template = json.loads(complaint_body())
    post_headers = {"content-type": "application/json", **auth("customer_service")}
    latencies: list[float] = []
    posted: dict[str, datetime] = {}
    lost = 0
    posting = 0
    async with client(env.url("intake")) as intake, client(env.url("classification")) as classification:
        await pipeline_assembled(intake, classification)
        start = await env.log_ends(hops.complaint_partitions(env))
        watcher = IncidentWatcher(classification, auth("quality_manager"))
        await watcher.poll()  # what is already there is not awaited
        watching = asyncio.create_task(watcher.run())

        async def fire(scheduled: float) -> None:
            nonlocal lost, posting
            body = json.dumps({**template, "description": f"阀门漏水 {uuid.uuid4()}"}, ensure_ascii=False).encode()
            posted_at = datetime.now(UTC)
            posting += 1
            try:
                request = intake.request_bytes("POST", "/v1/complaints", post_headers, body)
                status, response = await intake.send(request)
            finally:
                posting -= 1
            if status != 201:
                lost += 1
                return
            complaint_id = json.loads(response)["id"]
            posted[complaint_id] = posted_at
            try:
                seen = await asyncio.wait_for(watcher.expect(complaint_id, posted_at), VISIBLE_TIMEOUT_S)
            except TimeoutError:
                watcher.forget(complaint_id)
                lost += 1
            else:
                latencies.append(seen - scheduled)

        roots = stack_roots(env.stack)
        cpu_before = sample(roots)
        started = time.perf_counter()
        try:
            # More than 2 s of complaints waiting for intake's answer: it cannot take this rate here.
            sent = await open_loop(rate_per_s, duration_s, fire, saturated=lambda: posting > 2 * rate_per_s)
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching  # a watcher that failed says why here
        elapsed = time.perf_counter() - started
        cpu_after = sample(roots)
    seen_at = {complaint_id: at for complaint_id, at in watcher.seen_at.items() if complaint_id in posted}
    nan = float("nan")
    return {
        "hops": await hops.complaint_hops(env, start, posted, seen_at),
        "sent": sent,
        "saturated": sent < int(rate_per_s * duration_s),
        "accepted_per_s": (sent - lost) / elapsed,
        "lost": lost,
        "p50_ms": percentile(latencies, 50) * 1000 if latencies else nan,
        "p99_ms": percentile(latencies, 99) * 1000 if latencies else nan,
        "cpu": cpu_per_complaint(cpu_before, cpu_after, sent, elapsed),
    }


def cpu_per_complaint(
    before: dict[str, dict[int, Times]], after: dict[str, dict[int, Times]], sent: int, elapsed_s: float
) -> dict[str, float]:
    """CPU ms per complaint sent, by part of the stack (``host`` is the bench itself: load generator
    and watcher), their sum without the bench, and the cores the stack kept busy over the round."""
    spent = {name: cpu_seconds(before[name], after[name]) for name in after}
    stack_s = sum(seconds for name, seconds in spent.items() if name != "host")
    complaints = max(sent, 1)
    figures = {f"ms_{'bench' if name == 'host' else name}": 1000 * s / complaints for name, s in spent.items()}
    figures["ms_per_complaint"] = 1000 * stack_s / complaints
    figures["cores_busy"] = stack_s / elapsed_s
    return figures


def _line(model: str, produced: str, quantity: int) -> dict[str, object]:
    return {
        "line_id": f"ERP-T-{uuid.uuid4()}",
        "model": model,
        "production_date": produced,
        "batch_no": "B20261101",
        "shipped_batch_no": f"S-{model}",
        "quantity": quantity,
        "customer_id": "C-1001",
        "reason": "漏水",
        "returned_at": "2026-11-20T10:00:00+08:00",
    }


async def push(intake: Client, headers: dict[str, str], line: dict[str, object]) -> None:
    body = json.dumps({"lines": [line]}, ensure_ascii=False).encode()
    status, response = await intake.send(intake.request_bytes("POST", "/v1/returns/batches", headers, body))
    if status != 200 or json.loads(response)["accepted"] != 1:
        raise RuntimeError(f"return line not accepted: {status} {response[:300]!r}")


class IncidentCommits:
    """Tells when a batch incident was committed: classification's outbox trigger NOTIFYs as each
    transaction that wrote events commits; after each notification one query looks for the incident."""

    EXISTS = (
        "SELECT EXISTS (SELECT 1 FROM classification.incidents "
        "WHERE model = $1 AND production_date = $2 AND level = 'batch')"
    )

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.woken = asyncio.Event()
        self.woken_at = 0.0

    def notified(self, *_: object) -> None:
        self.woken_at = time.perf_counter()
        self.woken.set()

    async def committed(self, model: str, produced: date, since: float) -> float:
        deadline = since + VISIBLE_TIMEOUT_S
        while True:
            self.woken.clear()
            if await self.conn.fetchval(self.EXISTS, model, produced):
                # The commit came before the wake-up that led to this query (or, if its notification
                # has not been read yet, before now).
                return self.woken_at if self.woken_at >= since else time.perf_counter()
            await asyncio.wait_for(self.woken.wait(), timeout=deadline - time.perf_counter())


async def threshold_e2e(env: BenchEnv, samples: int) -> dict[str, float]:
    post_headers = {"content-type": "application/json", **auth("erp")}
    read_headers = auth("quality_manager")
    produced = "2026-11-01"
    committed: list[float] = []
    visible: list[float] = []
    async with (
        client(env.url("intake")) as intake,
        client(env.url("classification")) as classification,
        env.admin() as conn,
    ):
        await pipeline_assembled(intake, classification)
        commits = IncidentCommits(conn)
        await conn.add_listener(outbox_channel("classification"), commits.notified)
        for _ in range(samples):
            model = f"TM-{uuid.uuid4().hex[:10]}"
            await push(intake, post_headers, _line(model, produced, 49))
            await asyncio.sleep(1.0)  # the 49 are applied before the crossing line arrives
            started = time.perf_counter()
            await push(intake, post_headers, _line(model, produced, 1))
            params = {"model": model, "production_date": produced, "level": "batch"}
            committed_at, seen = await asyncio.gather(
                commits.committed(model, date.fromisoformat(produced), started),
                wait_visible(classification, params, read_headers),
            )
            if seen is None:
                raise RuntimeError(f"no batch incident for {model} within {VISIBLE_TIMEOUT_S}s")
            committed.append(committed_at - started)
            visible.append(seen - started)
    return {
        "samples": samples,
        "p50_ms": percentile(committed, 50) * 1000,
        "p99_ms": percentile(committed, 99) * 1000,
        "visible_p50_ms": percentile(visible, 50) * 1000,
        "visible_p99_ms": percentile(visible, 99) * 1000,
    }
