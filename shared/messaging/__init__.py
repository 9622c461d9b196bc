"""Event delivery between services (SPEC §9 Delivery), one module per concern.

Writing side: ``outbox`` (the rows a service adds in its own transaction) and ``relay`` (one relay per
service publishes them: claim with ``FOR UPDATE SKIP LOCKED`` under an advisory lock, wake on
``LISTEN/NOTIFY``), with ``lost_logs`` (per-partition watermarks, and re-listing what a broker lost).

Reading side: ``subscriptions`` (what a consumer applies), ``incoming`` (a fetched record decoded),
``inbox`` (duplicate detection keyed ``(consumer, event_id)``), ``batches`` (a fetched batch applied
in one transaction), ``dead_letters`` (decided in the transaction, produced after it committed) and
``runner`` (poll, apply partitions side by side, commit offsets after the database commit).

``retry`` holds the one backoff both loops use.
"""
