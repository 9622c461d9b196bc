"""Classification's own Prometheus metrics."""

from prometheus_client import Counter

RETURN_LINES = Counter(
    "qms_classification_return_lines_total",
    "ERP return lines seen by classification: counted once, or already counted (CLS-2)",
    ["outcome"],
)
INCIDENTS_OPENED = Counter(
    "qms_classification_incidents_opened_total", "Incidents opened, by origin and level (CLS-1)", ["origin", "level"]
)
