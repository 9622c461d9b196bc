"""The consumer benchmark measures classification itself applying CLS-2's return lines, not the
platform's stand-in: the import it decides by must follow the service's wiring."""

from bench import consumer


def test_cls2_consumer_benchmark_measures_classification_applying_returns() -> None:
    assert consumer.mode() == "classification"
