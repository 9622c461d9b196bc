"""results.json, results.md (a markdown table) and results.png (measured vs baseline, ratios and
latencies against their goals) under bench/out/."""

import json
import math
from pathlib import Path
from typing import Any

from bench.hops import HOPS

OUT = Path(__file__).resolve().parent / "out"

# key → (comparison, goal)
GOALS: dict[str, tuple[str, float]] = {
    "intake_post_floor_ratio": (">=", 0.25),
    "intake_post_p99_ms": ("<=", 50),
    "returns_import_ratio": (">=", 0.25),
    "relay_ratio": (">=", 0.9),
    "consumer_events_per_s": (">=", 20000),
    "consumer_ratio": (">=", 0.1),
    "e2e_p50_ms": ("<=", 50),
    "e2e_p99_ms": ("<=", 250),
    "threshold_e2e_p99_ms": ("<=", 40),
    "scale_list_p99_ms": ("<=", 50),
    "scale_post_ratio": (">=", 0.9),
    "scale_metrics_scrape_ms": ("<=", 20),
    "idle_cpu_percent": ("<=", 5),
}

# (what, measured key, baseline key, ratio key)
ROWS: list[tuple[str, str, str | None, str | None]] = [
    ("POST /v1/complaints vs the floor (req/s)", "intake_post_rps", "floor_post_rps", "intake_post_floor_ratio"),
    ("POST /v1/complaints vs the bare app (req/s)", "intake_post_rps", "bare_post_rps", "intake_post_ratio"),
    ("POST /v1/complaints p99 (ms)", "intake_post_p99_ms", None, None),
    ("returns import (lines/s)", "returns_lines_per_s", "raw_upsert_lines_per_s", "returns_import_ratio"),
    ("outbox relay (events/s)", "relay_events_per_s", "raw_produce_per_s", "relay_ratio"),
    ("consumer backlog (events/s)", "consumer_events_per_s", "raw_consume_per_s", "consumer_ratio"),
    ("complaint → incident p50 (ms)", "e2e_p50_ms", None, None),
    ("complaint → incident p99 (ms)", "e2e_p99_ms", None, None),
    ("return crossing 50 → batch incident p99 (ms)", "threshold_e2e_p99_ms", None, None),
    ("ten years: worst list p99 (ms)", "scale_list_p99_ms", None, None),
    (
        "ten years: POST /v1/complaints, full ÷ empty (req/s)",
        "scale_post_full_rps",
        "scale_post_empty_rps",
        "scale_post_ratio",
    ),
    ("ten years: one intake /metrics scrape (ms)", "scale_metrics_scrape_ms", None, None),
    ("ten years: SAN-5 month close (ms)", "scale_month_close_ms", None, None),
    ("ten years: the month's two CSV files (ms)", "scale_export_csv_ms", None, None),
    ("ten years: the month's XLSX (ms)", "scale_export_xlsx_ms", None, None),
    ("ten years: consumer backlog (events/s)", "scale_consumer_events_per_s", None, None),
    ("whole stack idle (% of one core)", "idle_cpu_percent", None, None),
]


def meets(key: str, value: float | None) -> bool | None:
    if key not in GOALS or value is None or math.isnan(value):
        return None
    op, goal = GOALS[key]
    return value >= goal if op == ">=" else value <= goal


def goal_text(key: str | None) -> str:
    if key is None or key not in GOALS:
        return ""
    op, goal = GOALS[key]
    return f"{'≥' if op == '>=' else '≤'} {goal:g}"


def fmt(value: float | None, ratio: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if ratio:
        return f"{value:.3f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def verdict(results: dict[str, Any], *keys: str | None) -> str:
    checks = [meets(key, results.get(key)) for key in keys if key is not None and key in GOALS]
    checks = [c for c in checks if c is not None]
    if not checks:
        return ""
    return "yes" if all(checks) else "no"


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        "# QMS benchmark results",
        "",
        f"Run {results['generated_at']} ({results['mode']} mode, median of {results['parameters']['rounds']} rounds; "
        "each baseline measured in the same run, ratios are medians of per-round ratios).",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB, {machine['os']}; "
        f"Python {machine['python']}; {machine['postgres'].split(',')[0]}; broker {machine['broker']}.",
        "",
        f"Load generator: {results['load_generator']}.",
        "",
        "| figure | measured | baseline | ratio | goal | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for what, measured, baseline, ratio in ROWS:
        goals = " and ".join(g for g in (goal_text(measured), goal_text(ratio)) if g)
        lines.append(
            f"| {what} | {fmt(results.get(measured))} | {fmt(results.get(baseline)) if baseline else ''} | "
            f"{fmt(results.get(ratio), ratio=True) if ratio else ''} | {goals} | {verdict(results, measured, ratio)} |"
        )
    hops = [(hop, results["extra"].get(f"e2e_hop_{hop}_p50_ms")) for hop in HOPS]
    if any(value is not None for _, value in hops):
        lines += [
            "",
            "Where complaint → incident's time goes, p50 per hop in ms (bench/hops.py): "
            + ", ".join(f"{hop} {fmt(value)}" for hop, value in hops)
            + ".",
        ]
    lines += ["", "Keys: " + ", ".join(f"`{k}`" for k in results["keys"]) + "."]
    if results["notes"]:
        lines += ["", "Notes:", ""]
        lines += [f"- `{key}`: {note}" for key, note in results["notes"].items()]
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (rates, ratios, latencies) = plt.subplots(1, 3, figsize=(17, 5.5))
    pairs = [(what, m, b, r) for what, m, b, r in ROWS if b is not None and r is not None]
    labels = [row[0].split(" (")[0] for row in pairs]
    x = range(len(pairs))
    measured = [results.get(row[1]) or 0 for row in pairs]
    baseline = [results.get(row[2]) or 0 for row in pairs]
    rates.bar([i - 0.2 for i in x], measured, 0.4, label="QMS")
    rates.bar([i + 0.2 for i in x], baseline, 0.4, label="baseline")
    rates.set_yscale("log")
    rates.set_xticks(list(x), labels, rotation=20, ha="right")
    rates.set_title("throughput per second (log scale)")
    rates.legend()

    ratio_keys = [row[3] for row in pairs]
    values = [results.get(k) or 0 for k in ratio_keys]
    colors = ["tab:green" if meets(k, results.get(k)) else "tab:red" for k in ratio_keys]
    ratios.bar(list(x), values, color=colors)
    for i, key in enumerate(ratio_keys):
        if key in GOALS:
            ratios.hlines(GOALS[key][1], i - 0.4, i + 0.4, colors="black", linestyles="dashed")
    ratios.set_xticks(list(x), labels, rotation=20, ha="right")
    ratios.set_title("QMS ÷ baseline (dashed: goal)")

    lat_keys = [
        "intake_post_p99_ms",
        "e2e_p50_ms",
        "e2e_p99_ms",
        "threshold_e2e_p99_ms",
        "scale_list_p99_ms",
        "scale_metrics_scrape_ms",
    ]
    lat_values = [results.get(k) or 0 for k in lat_keys]
    lat_colors = ["tab:green" if meets(k, results.get(k)) else "tab:red" for k in lat_keys]
    latencies.bar(range(len(lat_keys)), lat_values, color=lat_colors)
    for i, key in enumerate(lat_keys):
        latencies.hlines(GOALS[key][1], i - 0.4, i + 0.4, colors="black", linestyles="dashed")
    latencies.set_yscale("log")
    latencies.set_xticks(range(len(lat_keys)), lat_keys, rotation=20, ha="right")
    latencies.set_title("latency ms, log scale (dashed: goal; lower is better)")

    machine = results["machine"]
    fig.suptitle(
        f"QMS bench {results['generated_at']} — {machine['cores']} cores, Python {machine['python']}, "
        f"{machine['postgres'].split(' on ')[0]}, {machine['broker']}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def rewrite(out: Path = OUT) -> None:
    """The table and the chart again from an existing results.json (after a change of layout)."""
    write(json.loads((out / "results.json").read_text()), out)


def write(results: dict[str, Any], out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    (out / "results.md").write_text(markdown(results))
    chart(results, out / "results.png")
