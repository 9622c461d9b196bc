"""The Grafana dashboard (deploy/grafana) asks only for metrics the services really export (issue 7).

The exported names come from the services themselves: the Prometheus registry after importing every
service's ``main`` (what ``/metrics`` serves), expanded to the series names PromQL sees
(a counter ``x`` is queried as ``x_total``, a histogram as ``x_bucket`` / ``x_sum`` / ``x_count``).
"""

import importlib
import json
import re

from prometheus_client import REGISTRY, generate_latest

from shared.bootstrap import SERVICES
from tests.dashboards import (
    DASHBOARDS,
    REPO_ROOT,
    dashboard_metrics,
    dashboard_queries,
    exported_series,
    missing_metrics_report,
)

# What the operations views of issue 7 need, each by the series that carries it.
REQUIRED_VIEWS = {
    "request rates": "qms_http_requests_total",
    "request latencies": "qms_http_request_duration_seconds_bucket",
    "consumer lag": "qms_consumer_lag",
    "outbox backlog": "qms_outbox_backlog",
    "dead letters": "qms_events_dead_lettered_total",
    "overdue complaints": "qms_complaints_overdue",
    "open incidents by level": "qms_incidents_open",
    # NTF-3: deliveries sent and failed, and those pending or failed right now, by channel.
    "notifications sent and failed": "qms_notify_deliveries_total",
    "deliveries pending and failed": "qms_notify_deliveries_waiting",
}


def registry_series() -> set[str]:
    for service in SERVICES:
        importlib.import_module(f"services.{service}.main")
    return exported_series(generate_latest(REGISTRY).decode())


def test_dashboard_queries_only_metrics_the_services_export() -> None:
    used = dashboard_metrics()
    exported = registry_series()
    assert set(used) <= exported, missing_metrics_report(used, exported, "services.*.main (Prometheus registry)")


def test_dashboard_has_every_operations_view_of_issue_7() -> None:
    used = dashboard_metrics()
    missing = {view: series for view, series in REQUIRED_VIEWS.items() if series not in used}
    assert not missing, f"views without a panel: {missing}"


def test_open_incidents_are_shown_by_level() -> None:
    exprs = [expr for _, expr in dashboard_queries() if "qms_incidents_open" in expr]
    assert any(re.search(r"by\s*\(\s*level\s*\)", expr) for expr in exprs), exprs


def test_every_panel_queries_the_provisioned_datasource() -> None:
    provisioned = (REPO_ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    uid = re.search(r"uid:\s*(\S+)", provisioned)
    assert uid is not None
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == uid.group(1), panel["title"]


def test_ntf3_notifications_are_shown_by_channel() -> None:
    exprs = [expr for _, expr in dashboard_queries() if "qms_notify_deliveries" in expr]
    assert len(exprs) == 2 and all(re.search(r"by\s*\([^)]*\bchannel\b", expr) for expr in exprs), exprs
