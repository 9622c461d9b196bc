"""End-to-end latencies through the real services, the outbox relay, the broker and classification.

e2e_*: complaints POSTed at a steady rate (open loop: each one fires on schedule whatever the others
do); each one's latency runs from its scheduled send to the first GET /v1/incidents?source_id= on
classification that shows its incident (polled every ``POLL_S``).

threshold_e2e_*: per sample a fresh (model, production date) gets 49 units, then one line of 1 unit
crosses CLS-1's 50; latency from that POST to the batch incident visible on classification.
"""

import asyncio
import json
import time
import uuid

import httpx

from bench.env import BenchEnv, auth
from bench.http_post import complaint_body
from bench.stats import percentile

POLL_S = 0.01
VISIBLE_TIMEOUT_S = 30.0


async def wait_visible(client: httpx.AsyncClient, params: dict[str, str], headers: dict[str, str]) -> float | None:
    deadline = time.perf_counter() + VISIBLE_TIMEOUT_S
    while time.perf_counter() < deadline:
        response = await client.get("/v1/incidents", params=params, headers=headers)
        if response.status_code == 200 and response.json()["items"]:
            return time.perf_counter()
        await asyncio.sleep(POLL_S)
    return None


async def complaint_e2e(env: BenchEnv, rate_per_s: float, duration_s: float) -> dict[str, float]:
    from bench.loadgen import open_loop

    template = json.loads(complaint_body())
    post_headers = {"content-type": "application/json", **auth("customer_service")}
    read_headers = auth("quality_manager")
    latencies: list[float] = []
    lost = 0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with (
        httpx.AsyncClient(base_url=env.url("intake"), timeout=30, limits=limits) as intake,
        httpx.AsyncClient(base_url=env.url("classification"), timeout=30, limits=limits) as classification,
    ):

        async def fire(scheduled: float) -> None:
            nonlocal lost
            body = json.dumps({**template, "description": f"阀门漏水 {uuid.uuid4()}"}, ensure_ascii=False)
            response = await intake.post("/v1/complaints", content=body.encode(), headers=post_headers)
            if response.status_code != 201:
                lost += 1
                return
            seen = await wait_visible(classification, {"source_id": response.json()["id"]}, read_headers)
            if seen is None:
                lost += 1
            else:
                latencies.append(seen - scheduled)

        sent = await open_loop(rate_per_s, duration_s, fire)
    return {
        "sent": sent,
        "lost": lost,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
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


async def threshold_e2e(env: BenchEnv, samples: int) -> dict[str, float]:
    post_headers = auth("erp")
    read_headers = auth("quality_manager")
    produced = "2026-11-01"
    latencies: list[float] = []
    async with (
        httpx.AsyncClient(base_url=env.url("intake"), timeout=30) as intake,
        httpx.AsyncClient(base_url=env.url("classification"), timeout=30) as classification,
    ):
        for _ in range(samples):
            model = f"TM-{uuid.uuid4().hex[:10]}"
            params = {"model": model, "production_date": produced, "level": "batch"}
            below = await intake.post(
                "/v1/returns/batches", json={"lines": [_line(model, produced, 49)]}, headers=post_headers
            )
            below.raise_for_status()
            await asyncio.sleep(1.0)  # the 49 are applied before the crossing line arrives
            started = time.perf_counter()
            crossing = await intake.post(
                "/v1/returns/batches", json={"lines": [_line(model, produced, 1)]}, headers=post_headers
            )
            crossing.raise_for_status()
            seen = await wait_visible(classification, params, read_headers)
            if seen is None:
                raise RuntimeError(f"no batch incident for {model} within {VISIBLE_TIMEOUT_S}s")
            latencies.append(seen - started)
    return {"samples": samples, "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000}
