"""returns_*: N return lines pushed as sequential POST /v1/returns/batches of B lines (role erp;
validation line by line, insert of new lines, one outbox row per line, one transaction per batch)
vs a raw ``INSERT … SELECT unnest … ON CONFLICT DO NOTHING`` of the same lines, B at a time, by the
admin into a scratch copy of intake's table (``CREATE TABLE … (LIKE intake.return_lines INCLUDING ALL)``)."""

import datetime as dt
import json
import time
from typing import Any

import httpx

from bench.env import BenchEnv, auth
from bench.events import new_tag

SCRATCH = "bench_scratch"


def return_lines(count: int, tag: str, units_per_key: int = 100) -> list[dict[str, Any]]:
    """SPEC §8 lines of 1 unit over (model, production date) keys of ``units_per_key`` units each."""
    keys = max(1, count // units_per_key)
    lines = []
    for i in range(count):
        k = i % keys
        produced = dt.date(2026, 11, 1) + dt.timedelta(days=k % 10)
        lines.append(
            {
                "line_id": f"ERP-{tag}-{i:07d}",
                "model": f"RM-{tag}-{k // 10}",
                "production_date": produced.isoformat(),
                "batch_no": f"B{produced:%Y%m%d}",
                "shipped_batch_no": f"S-{tag}-{k}",
                "quantity": 1,
                "customer_id": "C-1001",
                "reason": "漏水",
                "returned_at": "2026-11-20T10:00:00+08:00",
            }
        )
    return lines


def chunks(lines: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [lines[i : i + size] for i in range(0, len(lines), size)]


async def endpoint_available(env: BenchEnv) -> bool:
    async with httpx.AsyncClient(base_url=env.url("intake"), timeout=30) as client:
        paths = (await client.get("/openapi.json")).json().get("paths", {})
    return "/v1/returns/batches" in paths


async def returns_lines_per_s(env: BenchEnv, count: int, batch: int) -> float:
    bodies = [
        json.dumps({"lines": part}, ensure_ascii=False).encode()
        for part in chunks(return_lines(count, new_tag()), batch)
    ]
    headers = {"content-type": "application/json", **auth("erp")}
    async with httpx.AsyncClient(base_url=env.url("intake"), timeout=120) as client:
        started = time.perf_counter()
        accepted = 0
        for body in bodies:
            response = await client.post("/v1/returns/batches", content=body, headers=headers)
            response.raise_for_status()
            accepted += response.json()["accepted"]
        elapsed = time.perf_counter() - started
    if accepted != count:
        raise RuntimeError(f"intake accepted {accepted} of {count} lines")
    return count / elapsed


async def prepare_scratch(env: BenchEnv) -> None:
    async with env.admin() as conn:
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCRATCH}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SCRATCH}.return_lines (LIKE intake.return_lines INCLUDING ALL)"
        )


RAW_UPSERT = f"""
INSERT INTO {SCRATCH}.return_lines
    (line_id, model, production_date, batch_no, shipped_batch_no, quantity, customer_id, reason, returned_at, pushed_by)
SELECT u.*, 'ERP-BENCH'
FROM unnest($1::varchar[], $2::varchar[], $3::date[], $4::varchar[], $5::varchar[], $6::integer[],
            $7::varchar[], $8::text[], $9::timestamptz[])
    AS u(line_id, model, production_date, batch_no, shipped_batch_no, quantity, customer_id, reason, returned_at)
ON CONFLICT (line_id) DO NOTHING
"""


def columns(part: list[dict[str, Any]]) -> list[list[Any]]:
    returned = dt.datetime.fromisoformat(part[0]["returned_at"])
    return [
        [line["line_id"] for line in part],
        [line["model"] for line in part],
        [dt.date.fromisoformat(line["production_date"]) for line in part],
        [line["batch_no"] for line in part],
        [line["shipped_batch_no"] for line in part],
        [line["quantity"] for line in part],
        [line["customer_id"] for line in part],
        [line["reason"] for line in part],
        [returned for _ in part],
    ]


async def raw_upsert_lines_per_s(env: BenchEnv, count: int, batch: int) -> float:
    prepared = [columns(part) for part in chunks(return_lines(count, new_tag()), batch)]
    async with env.admin() as conn:
        started = time.perf_counter()
        for params in prepared:
            await conn.execute(RAW_UPSERT, *params)
        elapsed = time.perf_counter() - started
    return count / elapsed
