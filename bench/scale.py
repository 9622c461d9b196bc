"""scale_*: the services on ten years of data (bench/scale_seed.py), through their own HTTP routes.

- ``scale_list_p99_ms``: the worst p99 over every list and filter a front end uses (``LISTS``), each
  asked ``LIST_REQUESTS`` times one after another; each list's own p99 is kept beside it.
- ``scale_post_ratio``: ``POST /v1/complaints`` per second on the seeded database ÷ on the same stack
  before seeding (same load generator, concurrency and body as ``intake_post_*``).
- ``scale_metrics_scrape_ms``: one ``GET /metrics`` of intake (the CMP-3 overdue gauge counted on
  the scrape), the median of ``SCRAPES``.
- ``scale_month_close_ms``, ``scale_export_csv_ms``, ``scale_export_xlsx_ms``: SAN-5's close of a
  month of ``close_month_notices`` stamped notices, then its CSV (people and departments) and XLSX.
- ``scale_consumer_events_per_s``: the consumer benchmark's backlog applied by classification with
  the seeded return lines already counted.
"""

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.consumer import consumer_round
from bench.env import BenchEnv, auth
from bench.http_post import complaint_body
from bench.loadgen import closed_loop
from bench.scale_seed import CLOSE_MONTH, Sizes, seed
from bench.stats import median, percentile, ratio

log = logging.getLogger("bench")

LIST_REQUESTS = 100
SCRAPES = 20
WARM_POSTS = 20
POST_HEADERS = {**auth("customer_service"), "content-type": "application/json"}

# (name, service, path, role) — the filters the front ends offer, on values the seed makes common or
# rare as a plant's are. ``{complaint}`` is a complaint of the commonest model.
LISTS: list[tuple[str, str, str, str]] = [
    ("complaints received", "intake", "/v1/complaints?status=received", "quality_manager"),
    ("complaints closed", "intake", "/v1/complaints?status=closed", "quality_manager"),
    ("complaints service kind", "intake", "/v1/complaints?kind=service", "quality_manager"),
    ("complaints serious", "intake", "/v1/complaints?severity=serious", "quality_manager"),
    ("complaints of a customer", "intake", "/v1/complaints?customer_id=C-1", "quality_manager"),
    ("complaints overdue", "intake", "/v1/complaints?overdue=true", "quality_manager"),
    (
        "complaints received between",
        "intake",
        "/v1/complaints?received_from=2025-11-01T00:00:00%2B08:00&received_to=2025-12-01T00:00:00%2B08:00",
        "quality_manager",
    ),
    ("CMP-6 comparison", "intake", "/v1/complaints/{complaint}/comparison", "quality_manager"),
    ("incidents major", "classification", "/v1/incidents?level=major", "quality_manager"),
    ("incidents batch", "classification", "/v1/incidents?level=batch", "quality_manager"),
    ("incidents of a model", "classification", "/v1/incidents?model=M-0001", "quality_manager"),
    ("incidents of a production date", "classification", "/v1/incidents?production_date={day}", "quality_manager"),
    ("incidents of a shipped batch", "classification", "/v1/incidents?shipped_batch_no={batch}", "quality_manager"),
    ("incidents of a source", "classification", "/v1/incidents?source_id={source}", "quality_manager"),
    ("notices of an employee", "sanctions", "/v1/notices?employee_id=E-1", "quality_manager"),
    ("notices of a month", "sanctions", f"/v1/notices?month={CLOSE_MONTH}", "quality_manager"),
    ("notices of a clause", "sanctions", "/v1/notices?clause=5.2.1.3", "quality_manager"),
    ("customers of a tier", "crm", "/v1/customers?tier=vip", "quality_manager"),
    ("CRM-5 visits due", "crm", "/v1/visit-plans?status=due", "quality_manager"),
    ("CRM-5 visits overdue", "crm", "/v1/visit-plans?status=overdue", "quality_manager"),
]


@dataclass
class ScaleFigures:
    seeded: dict[str, float]
    lists_p99_ms: dict[str, float]
    figures: dict[str, float]


async def _sample(env: BenchEnv) -> dict[str, str]:
    async with env.admin() as conn:
        complaint = await conn.fetchval(
            "SELECT id FROM intake.complaints WHERE product_model = 'M-0001' ORDER BY received_at DESC LIMIT 1"
        )
        major = await conn.fetchrow(
            "SELECT shipped_batch_no, production_date FROM classification.incidents WHERE level = 'major' LIMIT 1"
        )
        source = await conn.fetchval("SELECT source_id FROM classification.incident_sources LIMIT 1 OFFSET 77")
    return {
        "complaint": str(complaint),
        "batch": major["shipped_batch_no"],
        "day": major["production_date"].isoformat(),
        "source": source,
    }


async def _timed(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> float:
    started = time.perf_counter()
    response = await client.request(method, url, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 300:
        raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:300]}")
    return elapsed


async def list_p99s(env: BenchEnv, requests: int = LIST_REQUESTS) -> dict[str, float]:
    sample = await _sample(env)
    found: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=60) as client:
        for name, service, path, role in LISTS:
            url = env.url(service) + path.format(**sample)
            headers = auth(role)
            await _timed(client, "GET", url, headers=headers)  # the first asks Postgres to plan it
            latencies = [await _timed(client, "GET", url, headers=headers) for _ in range(requests)]
            found[name] = round(percentile(latencies, 99), 2)
            log.info("scale list %s: p99 %.1f ms", name, found[name])
    return found


async def metrics_scrape_ms(env: BenchEnv) -> float:
    async with httpx.AsyncClient(timeout=60) as client:
        return median([await _timed(client, "GET", f"{env.url('intake')}/metrics") for _ in range(SCRAPES)])


async def post_rps(env: BenchEnv, seconds: float, warmup_s: float, concurrency: int) -> float:
    # A stack's first complaints load the calendar, the customer copies and the pools: not measured.
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(WARM_POSTS):
            await _timed(
                client, "POST", f"{env.url('intake')}/v1/complaints", content=complaint_body(), headers=POST_HEADERS
            )
    result = await closed_loop(
        f"{env.url('intake')}/v1/complaints",
        complaint_body(),
        auth("customer_service"),
        concurrency=concurrency,
        duration_s=seconds,
        warmup_s=warmup_s,
    )
    if result.errors:
        raise RuntimeError(f"non-2xx responses to POST /v1/complaints: {result.errors}")
    return result.rps


async def month_close(env: BenchEnv) -> dict[str, float]:
    """SAN-5 on CLOSE_MONTH: the close, then the files finance downloads."""
    base = f"{env.url('sanctions')}/v1/summaries/{CLOSE_MONTH}"
    headers = auth("admin_dept")
    async with httpx.AsyncClient(timeout=300) as client:
        close = await _timed(client, "POST", f"{base}/close", headers=headers)
        csv = await _timed(client, "GET", f"{base}.csv", headers=headers)
        csv += await _timed(client, "GET", f"{base}/departments.csv", headers=headers)
        xlsx = await _timed(client, "GET", f"{base}.xlsx", headers=headers)
    return {"scale_month_close_ms": close, "scale_export_csv_ms": csv, "scale_export_xlsx_ms": xlsx}


async def scale_run(
    env: BenchEnv, sizes: Sizes, *, post_seconds: float, post_warmup_s: float, concurrency: int, consumer_events: int
) -> ScaleFigures:
    figures: dict[str, float] = {}
    # The first load on a fresh stack also warms it (pools, plans, the consumers joining): run once
    # unmeasured, so the empty figure is not a cold one beside a warm seeded one.
    await post_rps(env, post_seconds, post_warmup_s, concurrency)
    empty_rps = await post_rps(env, post_seconds, post_warmup_s, concurrency)
    await env.settle()
    started = time.monotonic()
    async with env.admin() as conn:
        seeded = await seed(conn, sizes, log.info)
    figures["scale_seed_s"] = time.monotonic() - started
    log.info("seeded %s in %.0f s", sizes, figures["scale_seed_s"])
    lists = await list_p99s(env)
    figures["scale_list_p99_ms"] = max(lists.values())
    figures["scale_metrics_scrape_ms"] = await metrics_scrape_ms(env)
    log.info("scale /metrics scrape: %.1f ms", figures["scale_metrics_scrape_ms"])
    full_rps = await post_rps(env, post_seconds, post_warmup_s, concurrency)
    figures.update(
        scale_post_empty_rps=empty_rps, scale_post_full_rps=full_rps, scale_post_ratio=ratio(full_rps, empty_rps)
    )
    log.info("scale POST: %.0f/s seeded, %.0f/s empty", full_rps, empty_rps)
    await env.settle()
    figures.update(await month_close(env))
    log.info(
        "scale month close and exports: %s", {k: round(v) for k, v in figures.items() if "month" in k or "export" in k}
    )
    measured, _raw = await consumer_round(env, consumer_events)
    figures["scale_consumer_events_per_s"] = measured
    log.info("scale consumer: %.0f events/s", measured)
    return ScaleFigures(seeded.seconds, lists, figures)
