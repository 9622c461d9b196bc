"""A broker that lost its log (the embedded memory broker after a restart or a power cut, a topic
deleted and created again) is found from the relay's watermarks: per topic partition, how far the
broker had acknowledged its batches (``outbox_watermarks``). A partition that now ends below that, or a
topic that is gone, means the log was lost, and that topic's events of the last
``outbox_republish_window_hours`` are listed as unpublished again, oldest first (consumers' inboxes
drop what they had applied)."""

from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.engine import CursorResult

from shared.tables import PlatformTables

Partition = tuple[str, int]


class LogLost(Exception):
    """The broker acknowledged a batch below where it had acknowledged before: it lost that log."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__("; ".join(f"{topic}: {reason}" for topic, reason in sorted(reasons.items())))
        self.reasons = reasons


def watermark_statement(tables: PlatformTables) -> TextClause:
    """Raises each partition's acknowledged mark, never lowers it: two batches' commits may overlap."""
    table = tables.watermarks.fullname
    return text(
        f"""
        INSERT INTO {table} (topic, partition, acknowledged)
        SELECT * FROM unnest(CAST(:topics AS varchar[]), CAST(:partitions AS int[]), CAST(:marks AS bigint[]))
        ON CONFLICT (topic, partition) DO UPDATE
        SET acknowledged = GREATEST({tables.watermarks.name}.acknowledged, EXCLUDED.acknowledged), updated_at = now()
        """
    )


def marks_of(acknowledged: dict[Partition, int]) -> dict[str, list[Any]]:
    # Sorted, so overlapping commits lock the rows in one order.
    ordered = sorted(acknowledged.items())
    return {
        "topics": [tp[0] for tp, _ in ordered],
        "partitions": [tp[1] for tp, _ in ordered],
        "marks": [mark for _, mark in ordered],
    }


def lost_partitions(floors: dict[Partition, int], acknowledged: dict[Partition, int]) -> dict[str, str]:
    """Topics whose batch the broker acknowledged below an earlier batch: an intact log only grows."""
    return {
        tp[0]: f"partition {tp[1]} took a batch at offset {mark - 1}, below the one acknowledged at {floors[tp] - 1}"
        for tp, mark in acknowledged.items()
        if tp in floors and mark < floors[tp]
    }


def lost_logs(floors: dict[Partition, int], existing: set[str], ends: dict[Partition, int]) -> dict[str, str]:
    """Topics gone, or with a partition ending below what the broker had acknowledged: their log was lost."""
    lost: dict[str, str] = {}
    for (topic, partition), floor in sorted(floors.items()):
        if topic not in existing:
            lost[topic] = "the topic is gone"
        elif ends.get((topic, partition), 0) < floor and topic not in lost:
            end = ends.get((topic, partition), 0)
            lost[topic] = f"partition {partition} now ends at {end}, short of a batch acknowledged at {floor - 1}"
    return lost


def cast_result(result: Any) -> CursorResult[Any]:
    """An INSERT's result, which counts the rows it wrote."""
    assert isinstance(result, CursorResult)
    return result


def republish_statement(tables: PlatformTables) -> TextClause:
    """Lists a lost log's events of the window as unpublished again (those still waiting already are)."""
    return text(
        f"""
        INSERT INTO {tables.unpublished.fullname} (id)
        SELECT id FROM {tables.outbox.fullname}
        WHERE topic = ANY(CAST(:topics AS varchar[])) AND created_at >= now() - make_interval(secs => :window_s)
        ORDER BY id
        ON CONFLICT (id) DO NOTHING
        """
    )
