"""The Grafana dashboard against the running services (issue 7): every qms_ series it queries is
served by some service's /metrics, scraped from the real stack."""

import httpx
import pytest

from tests.dashboards import dashboard_metrics, exported_series, missing_metrics_report

pytestmark = pytest.mark.integration


async def test_dashboard_metrics_are_served_by_the_running_services(
    intake: httpx.AsyncClient,
    classification: httpx.AsyncClient,
    sanctions: httpx.AsyncClient,
    crm: httpx.AsyncClient,
    notify: httpx.AsyncClient,
) -> None:
    exported: set[str] = set()
    for client in (intake, classification, sanctions, crm, notify):
        response = await client.get("/metrics")
        assert response.status_code == 200, response.text
        exported |= exported_series(response.text)
    used = dashboard_metrics()
    assert set(used) <= exported, missing_metrics_report(used, exported, "the running services' /metrics")
