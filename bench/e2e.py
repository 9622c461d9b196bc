"""End-to-end latencies through the real services, the outbox relay, the broker and classification.

e2e_*: complaints POSTed at a steady rate (open loop: each one fires on schedule whatever the others
do); each one's latency runs from its scheduled send to the first GET /v1/incidents?source_id= on
classification that shows its incident (polled every ``POLL_S``, or a tenth of the wait so far once
that is longer: the resolution is 10 ms or 10 %, whichever is larger).

threshold_e2e_*: per sample a fresh (model, production date) gets 49 units, then one line of 1 unit
crosses CLS-1's 50; latency from that POST to the batch incident visible on classification.
"""

import asyncio
import json
import time
import uuid

from bench.env import BenchEnv, auth
from bench.http_post import complaint_body
from bench.loadgen import Client, client, open_loop
from bench.stats import percentile

POLL_S = 0.01
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


async def complaint_e2e(env: BenchEnv, rate_per_s: float, duration_s: float) -> dict[str, float]:
    template = json.loads(complaint_body())
    post_headers = {"content-type": "application/json", **auth("customer_service")}
    read_headers = auth("quality_manager")
    latencies: list[float] = []
    lost = 0
    posting = 0
    async with client(env.url("intake")) as intake, client(env.url("classification")) as classification:

        async def fire(scheduled: float) -> None:
            nonlocal lost, posting
            body = json.dumps({**template, "description": f"阀门漏水 {uuid.uuid4()}"}, ensure_ascii=False).encode()
            posting += 1
            try:
                request = intake.request_bytes("POST", "/v1/complaints", post_headers, body)
                status, response = await intake.send(request)
            finally:
                posting -= 1
            if status != 201:
                lost += 1
                return
            seen = await wait_visible(classification, {"source_id": json.loads(response)["id"]}, read_headers)
            if seen is None:
                lost += 1
            else:
                latencies.append(seen - scheduled)

        # More than 2 s of complaints waiting for intake's answer: it cannot take this rate here.
        started = time.perf_counter()
        sent = await open_loop(rate_per_s, duration_s, fire, saturated=lambda: posting > 2 * rate_per_s)
        elapsed = time.perf_counter() - started
    nan = float("nan")
    return {
        "sent": sent,
        "saturated": sent < int(rate_per_s * duration_s),
        "accepted_per_s": (sent - lost) / elapsed,
        "lost": lost,
        "p50_ms": percentile(latencies, 50) * 1000 if latencies else nan,
        "p99_ms": percentile(latencies, 99) * 1000 if latencies else nan,
    }


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


async def threshold_e2e(env: BenchEnv, samples: int) -> dict[str, float]:
    post_headers = {"content-type": "application/json", **auth("erp")}
    read_headers = auth("quality_manager")
    produced = "2026-11-01"
    latencies: list[float] = []
    async with client(env.url("intake")) as intake, client(env.url("classification")) as classification:
        for _ in range(samples):
            model = f"TM-{uuid.uuid4().hex[:10]}"
            await push(intake, post_headers, _line(model, produced, 49))
            await asyncio.sleep(1.0)  # the 49 are applied before the crossing line arrives
            started = time.perf_counter()
            await push(intake, post_headers, _line(model, produced, 1))
            params = {"model": model, "production_date": produced, "level": "batch"}
            seen = await wait_visible(classification, params, read_headers)
            if seen is None:
                raise RuntimeError(f"no batch incident for {model} within {VISIBLE_TIMEOUT_S}s")
            latencies.append(seen - started)
    return {"samples": samples, "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000}
