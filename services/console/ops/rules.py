"""The operations page's gauges, read from a service's Prometheus text."""

from prometheus_client.parser import text_string_to_metric_families


def gauges(metrics_text: str) -> dict[str, object]:
    """Consumer lag per topic partition and the outbox backlog, as the service exposes them."""
    lag: list[dict[str, object]] = []
    backlog = 0
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name == "qms_consumer_lag":
                lag.append(
                    {
                        "topic": sample.labels.get("topic", ""),
                        "partition": int(sample.labels.get("partition", "0")),
                        "lag": int(sample.value),
                    }
                )
            elif sample.name == "qms_outbox_backlog":
                backlog += int(sample.value)
    lag.sort(key=lambda row: (str(row["topic"]), int(str(row["partition"]))))
    return {"consumer_lag": lag, "outbox_backlog": backlog}
