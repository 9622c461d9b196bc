"""intake_post_*: POST /v1/complaints on the running intake (auth, validation, SLA, complaint +
history + outbox in one transaction) vs the bare app validating the same body and the floor app
(bare plus one INSERT … COMMIT of the body as jsonb, bench/floor_app.py), same uvicorn flags, same
load generator, same concurrency and the same request bytes (the baselines ignore the token); each
round measures the bare app, the floor app, then intake, then waits for the events to drain."""

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from bench.env import PASSWORD, BenchEnv, auth, start_uvicorn
from bench.loadgen import LoadResult, closed_loop
from shared.stack import free_port


def complaint_body() -> bytes:
    """A SPEC §8 product complaint."""
    body: dict[str, Any] = {
        "kind": "product_quality",
        "severity": "general",
        "channel": "phone",
        "customer_id": "C-1001",
        "complainant": {"name": "王伟", "phone": "13800000000", "email": None},
        "product": {
            "model": "VX-200",
            "name": "阀体",
            "quantity": 3,
            "batch_no": "B20261101",
            "production_date": "2026-11-01",
            "purchase_place": "杭州",
        },
        "circumstances": "储存于常温仓库",
        "description": "阀门漏水",
        "received_at": "2026-11-24T09:30:00+08:00",
    }
    return json.dumps(body, ensure_ascii=False).encode()


@contextlib.contextmanager
def baseline_server(env: BenchEnv, app: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    port = free_port()
    name = app.split(".")[1].split(":")[0]
    process = start_uvicorn(app, port, env.data_dir / "logs" / f"{name}.log", extra_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the baseline app {app} did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def bare_server(env: BenchEnv) -> contextlib.AbstractContextManager[str]:
    return baseline_server(env, "bench.bare_app:app")


def floor_server(env: BenchEnv) -> contextlib.AbstractContextManager[str]:
    return baseline_server(
        env,
        "bench.floor_app:app",
        {"QMS_DATABASE_URL": env.database_url, "QMS_DB_PASSWORD": PASSWORD},
    )


@dataclass
class PostRound:
    intake: LoadResult
    bare: LoadResult
    floor: LoadResult


async def post_round(
    env: BenchEnv, bare_url: str, floor_url: str, *, concurrency: int, duration_s: float, warmup_s: float
) -> PostRound:
    body = complaint_body()
    headers = auth("customer_service")
    bare = await closed_loop(
        f"{bare_url}/v1/complaints", body, headers, concurrency=concurrency, duration_s=duration_s, warmup_s=warmup_s
    )
    floor = await closed_loop(
        f"{floor_url}/v1/complaints", body, headers, concurrency=concurrency, duration_s=duration_s, warmup_s=warmup_s
    )
    intake = await closed_loop(
        f"{env.url('intake')}/v1/complaints",
        body,
        headers,
        concurrency=concurrency,
        duration_s=duration_s,
        warmup_s=warmup_s,
    )
    # The complaints' events flow on through the relay and classification: let them finish first.
    await env.settle()
    return PostRound(intake, bare, floor)
