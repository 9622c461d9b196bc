"""e2e_hop_*: where a complaint's end-to-end time goes, read after each complaint round from
timestamps the system keeps anyway, all on this machine's one clock:

- ``to_transaction``: the POST sent → intake's transaction starts (the outbox row's ``created_at``):
  the request, JWT, validation and the day's complaint number;
- ``relay``: → the record's timestamp on the broker (set when the relay appends it): the rest of the
  transaction, its commit, the NOTIFY and the relay's claim;
- ``broker_and_consumer``: → classification's transaction starts (its inbox row's ``processed_at``):
  the broker, the fetch, and the wait for the consumer to finish the batch before;
- ``apply``: → the incident is made (its ``created_at``): the inbox claim and the reads before it;
- ``to_visible``: → the watcher first lists it: the rest of that transaction, its commit and the
  watcher's next poll.
"""

import json
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition

from bench.env import BenchEnv
from bench.stats import percentile
from shared.events import topics
from shared.events.intake import ComplaintReceivedV1

HOPS = ("to_transaction", "relay", "broker_and_consumer", "apply", "to_visible")

TIMESTAMPS = """
SELECT o.event_id::text AS event_id, o.payload->'data'->>'complaint_id' AS complaint_id,
       o.created_at AS transaction_at, i.processed_at AS applied_at, inc.created_at AS opened_at
FROM intake.outbox AS o
JOIN classification.inbox AS i ON i.event_id = o.event_id AND i.consumer = 'classification'
JOIN classification.incident_sources AS s ON s.source_id = o.payload->'data'->>'complaint_id'
JOIN classification.incidents AS inc ON inc.id = s.incident_id
WHERE o.event_type = $1 AND o.payload->'data'->>'complaint_id' = ANY($2::text[])
"""


def complaint_partitions(env: BenchEnv) -> list[TopicPartition]:
    return [TopicPartition(topics.COMPLAINTS, p) for p in range(env.stack_partitions)]


async def broker_timestamps(env: BenchEnv, start: dict[TopicPartition, int]) -> dict[str, float]:
    """Event id → the record's timestamp (epoch ms), for the complaint records from ``start`` on."""
    ends = await env.log_ends(list(start))
    reader = AIOKafkaConsumer(bootstrap_servers=env.bootstrap, client_id="bench-hops", enable_auto_commit=False)
    await reader.start()
    stamps: dict[str, float] = {}
    try:
        reader.assign(list(start))
        for tp, offset in start.items():
            reader.seek(tp, offset)
        pending = {tp for tp in start if ends[tp] > start[tp]}
        while pending:
            for tp, records in (await reader.getmany(*pending, timeout_ms=1000)).items():
                for record in records:
                    stamps[json.loads(record.value or b"{}")["id"]] = float(record.timestamp)
                if records and records[-1].offset + 1 >= ends[tp]:
                    pending.discard(tp)
    finally:
        await reader.stop()
    return stamps


async def complaint_hops(
    env: BenchEnv, start: dict[TopicPartition, int], posted: dict[str, datetime], seen: dict[str, float]
) -> dict[str, float]:
    """p50 of each hop (ms) over the complaints seen; ``seen`` holds epoch seconds."""
    stamps = await broker_timestamps(env, start)
    async with env.admin() as conn:
        rows = await conn.fetch(TIMESTAMPS, ComplaintReceivedV1.TYPE, list(seen))
    hops: dict[str, list[float]] = {hop: [] for hop in HOPS}
    for row in rows:
        complaint_id, stamp = row["complaint_id"], stamps.get(row["event_id"])
        if stamp is None or complaint_id not in posted:
            continue
        moments = [
            posted[complaint_id].timestamp(),
            row["transaction_at"].timestamp(),
            stamp / 1000,
            row["applied_at"].timestamp(),
            row["opened_at"].timestamp(),
            seen[complaint_id],
        ]
        for hop, begin, end in zip(HOPS, moments[:-1], moments[1:], strict=True):
            hops[hop].append((end - begin) * 1000)
    return {hop: percentile(values, 50) for hop, values in hops.items() if values}
