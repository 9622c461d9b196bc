"""Reading the Grafana dashboards (deploy/grafana) and Prometheus expositions: which qms_ series the
dashboards select, and which series an exposition serves as PromQL sees them."""

import json
import re
from collections import defaultdict
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

REPO_ROOT = Path(__file__).resolve().parents[1]
DASHBOARDS = REPO_ROOT / "deploy" / "grafana" / "dashboards"
QMS_METRIC = re.compile(r"\b(qms_[a-zA-Z0-9_:]+)")

SERIES_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("", "_count", "_sum", "_created"),
    "info": ("_info",),
    "stateset": ("",),
    "gaugehistogram": ("_bucket", "_gcount", "_gsum"),
    "unknown": ("",),
}


def exported_series(exposition: str) -> set[str]:
    """Series names PromQL can select, from a Prometheus text exposition (families without samples included)."""
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names.update(family.name + suffix for suffix in SERIES_SUFFIXES[family.type])
        names.update(sample.name for sample in family.samples)
    return names


def dashboard_queries() -> list[tuple[str, str]]:
    """(where, PromQL) for every panel target and every query variable of every dashboard."""
    queries: list[tuple[str, str]] = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard.get("panels", []):
            for target in panel.get("targets", []):
                queries.append((f"{path.name}: panel {panel['title']!r}", target["expr"]))
        for variable in dashboard.get("templating", {}).get("list", []):
            query = variable.get("query")
            text = query.get("query", "") if isinstance(query, dict) else str(query or "")
            queries.append((f"{path.name}: variable ${variable['name']}", text))
    return queries


def dashboard_metrics() -> dict[str, list[str]]:
    """Each qms_ series the dashboards select, with where it is used."""
    used: dict[str, list[str]] = defaultdict(list)
    for where, expr in dashboard_queries():
        for name in QMS_METRIC.findall(expr):
            used[name].append(where)
    return used


def missing_metrics_report(used: dict[str, list[str]], exported: set[str], source: str) -> str:
    lines = [f"the dashboard queries metrics that {source} does not export:"]
    for name in sorted(set(used) - exported):
        lines.append(f"  {name}  (used by {', '.join(sorted(set(used[name])))})")
    qms_exported = sorted(name for name in exported if name.startswith("qms_"))
    lines.append(f"exported qms_ series: {', '.join(qms_exported)}")
    return "\n".join(lines)
