"""Ten years of a plant's data, written set-based (``INSERT … SELECT generate_series``) straight into
the services' own tables, for the scale benchmark (bench/scale.py) and the plan test
(tests/integration/test_list_plans.py).

The distributions are the ones a plant sees: most complaints closed long ago and only the last weeks'
still open, serious complaints rare (0.5 %), a few models taking most returns, major incidents rare
(1 %), a few hundred employees with notices every month, most customers untiered. ``Sizes.scaled``
keeps the proportions at any size; ``FULL`` is the size the issue names."""

import time
from collections.abc import Callable
from dataclasses import dataclass, fields

import asyncpg

# The month whose stamped notices the month-close benchmark summarizes (a month that has ended).
CLOSE_MONTH = "2026-10"
MODELS = 2000
EMPLOYEES = 2000
DAYS = 3650


@dataclass(frozen=True)
class Sizes:
    complaints: int
    return_lines: int
    incidents: int
    notices: int
    customers: int
    # The stamped notices of CLOSE_MONTH (part of ``notices``).
    close_month_notices: int

    def scaled(self, factor: float) -> "Sizes":
        return Sizes(**{f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)})


FULL = Sizes(
    complaints=1_000_000,
    return_lines=10_000_000,
    incidents=200_000,
    notices=500_000,
    customers=50_000,
    close_month_notices=20_000,
)

# A model drawn with a skew: model 'M-0001' is far commoner than 'M-2000'.
_MODEL = f"'M-' || lpad((1 + floor(power(random(), 2) * {MODELS}))::int::text, 4, '0')"
_CUSTOMER = "'C-' || (1 + floor(power(random(), 2) * $2))::int"


COMPLAINTS = f"""
INSERT INTO intake.complaints (
    id, complaint_no, kind, service_aspect, severity, channel, status, customer_id, complainant,
    product_model, product_name, product_quantity, batch_no, production_date, purchase_place,
    description, received_at, investigate_by, reply_by, calendar_estimated, recorded_by, owner,
    escalated_to_decision_level, replied_at, closed_at, created_at, updated_at)
SELECT gen_random_uuid(), 'TS-' || to_char(received_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-S' || i,
       kind, CASE WHEN kind = 'service' THEN 'efficiency' END, severity,
       (ARRAY['phone','email','web','mobile','wechat','media','regulator'])[1 + floor(random() * 7)::int],
       status, customer_id,
       jsonb_build_object('name', '客户' || i, 'phone', '138' || lpad((i % 100000000)::text, 8, '0')),
       model, '阀体', 1 + floor(random() * 20)::int, 'B' || to_char(production_date, 'YYYYMMDD') || '-' || model,
       production_date, '杭州', '阀门漏水', received_at, received_at + interval '3 days',
       received_at + interval '7 days', false, 'CS-' || (i % 50), 'QM-' || (i % 200),
       severity = 'serious' AND random() < 0.3,
       CASE WHEN status NOT IN ('received', 'investigating') THEN received_at + interval '5 days' END,
       CASE WHEN status IN ('closed', 'rejected') THEN received_at + interval '20 days' END,
       received_at, received_at
FROM (
    SELECT i, received_at,
           (received_at AT TIME ZONE 'Asia/Shanghai')::date - floor(random() * 365)::int AS production_date,
           CASE WHEN random() < 0.8 THEN 'product_quality' ELSE 'service' END AS kind,
           CASE WHEN random() < 0.005 THEN 'serious' ELSE 'general' END AS severity,
           {_MODEL} AS model,
           CASE WHEN random() < 0.9 THEN {_CUSTOMER} END AS customer_id,
           CASE
               WHEN received_at > now() - interval '10 days'
                   THEN (ARRAY['received', 'investigating'])[1 + floor(random() * 2)::int]
               WHEN received_at > now() - interval '40 days'
                   THEN (ARRAY['received','investigating','replied','visited','closed'])[1 + floor(random() * 5)::int]
               WHEN random() < 0.06 THEN 'rejected'
               ELSE 'closed'
           END AS status
    FROM (SELECT i, now() - power(random(), 1.3) * interval '{DAYS} days' AS received_at
          FROM generate_series(1, $1) AS i) AS drawn
) AS complaint
"""

COMPLAINT_HISTORY = """
INSERT INTO intake.complaint_history (complaint_id, at, actor, action, changes)
SELECT id, received_at, recorded_by, 'received', '{}'::jsonb FROM intake.complaints
"""

RETURN_LINES = f"""
INSERT INTO classification.return_lines (line_id, model, production_date, batch_no, shipped_batch_no, quantity,
                                         customer_id, returned_at, recorded_at)
SELECT 'RL-' || i, model, production_date, 'B' || to_char(production_date, 'YYYYMMDD') || '-' || model,
       'SB-' || (i / 50), 1 + floor(random() * 5)::int, {_CUSTOMER},
       returned_at, returned_at
FROM (SELECT i, {_MODEL} AS model, current_date - floor(random() * {DAYS})::int AS production_date,
             now() - random() * interval '{DAYS} days' AS returned_at
      FROM generate_series(1, $1) AS i) AS line
"""

# Classification's counted totals (CLS-2), as its consumer would have left them.
RETURN_TOTALS = [
    """INSERT INTO classification.returns_by_model_date (model, production_date, quantity, lines)
       SELECT model, production_date, sum(quantity), count(*) FROM classification.return_lines
       GROUP BY model, production_date
       ON CONFLICT (model, production_date) DO UPDATE
       SET quantity = returns_by_model_date.quantity + excluded.quantity,
           lines = returns_by_model_date.lines + excluded.lines""",
    """INSERT INTO classification.returns_by_shipped_batch (shipped_batch_no, quantity, lines)
       SELECT shipped_batch_no, sum(quantity), count(*) FROM classification.return_lines GROUP BY shipped_batch_no
       ON CONFLICT (shipped_batch_no) DO UPDATE
       SET quantity = returns_by_shipped_batch.quantity + excluded.quantity,
           lines = returns_by_shipped_batch.lines + excluded.lines""",
]

INCIDENTS = f"""
INSERT INTO classification.incidents (id, level, status, origin, reasons, rule_version, model, production_date,
                                      shipped_batch_no, created_at, updated_at, closed_at)
SELECT gen_random_uuid(), level, status,
       CASE level WHEN 'general' THEN 'complaint' ELSE 'returns' END, '[]'::jsonb, 1, model, production_date,
       CASE WHEN level = 'major' THEN 'SB-' || floor(random() * greatest($1 / 50, 1))::int END,
       created_at, created_at, CASE WHEN status = 'closed' THEN created_at + interval '30 days' END
FROM (SELECT i, CASE WHEN r < 0.01 THEN 'major' WHEN r < 0.1 THEN 'batch' ELSE 'general' END AS level,
             CASE WHEN created_at > now() - interval '60 days' THEN 'open' ELSE 'closed' END AS status,
             {_MODEL} AS model, (created_at AT TIME ZONE 'Asia/Shanghai')::date - floor(random() * 365)::int
             AS production_date, created_at
      FROM (SELECT i, random() AS r, now() - random() * interval '{DAYS} days' AS created_at
            FROM generate_series(1, $2) AS i) AS drawn) AS incident
"""

INCIDENT_SOURCES = """
INSERT INTO classification.incident_sources (incident_id, source_id, source_kind)
SELECT id, 'SRC-' || row_number() OVER (), CASE level WHEN 'general' THEN 'complaint' ELSE 'return_line' END
FROM classification.incidents
"""

INCIDENT_KEYS = """
INSERT INTO classification.incident_keys (kind, key, incident_id, model, production_date, shipped_batch_no)
SELECT DISTINCT ON (kind, key) kind, key, id, model, production_date, shipped_batch_no
FROM (SELECT level AS kind,
             CASE level WHEN 'batch' THEN model || '|' || production_date ELSE shipped_batch_no END AS key,
             id, CASE level WHEN 'batch' THEN model END AS model,
             CASE level WHEN 'batch' THEN production_date END AS production_date,
             CASE level WHEN 'major' THEN shipped_batch_no END AS shipped_batch_no
      FROM classification.incidents WHERE level IN ('batch', 'major')) AS keyed
-- A key the stack's own incidents already hold (complaints posted before the seed) stays theirs.
ON CONFLICT (kind, key) DO NOTHING
"""

# Every notice but CLOSE_MONTH's summarized long ago; CLOSE_MONTH's ``$2`` stamped and waiting.
NOTICES = f"""
INSERT INTO sanctions.notices (id, violation_id, clause, variant, catalog_version, kind, employee_id, employee_name,
                               department, pieces, occurred_at, amount, compensation, dismissal, amount_chosen,
                               aggravated, basis, status, month, created_at, updated_at)
SELECT gen_random_uuid(), gen_random_uuid(), clause.code, 'default', clause.version, clause.kind,
       'E-' || employee, '员工' || employee, 'D-' || (employee % 40), NULL, occurred_at,
       (10 * (1 + floor(random() * 50)))::numeric(14, 2), 0, false, false, false, '按条款', status,
       to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), occurred_at, occurred_at
FROM (SELECT i, floor(power(random(), 1.5) * {EMPLOYEES})::int AS employee,
             1 + floor(random() * (SELECT count(*) FROM sanctions.clauses WHERE version = 1))::int AS pick,
             CASE WHEN i <= $2 THEN 'stamped' ELSE 'summarized' END AS status,
             CASE WHEN i <= $2
                  THEN (timestamp '{CLOSE_MONTH}-01' + random() * interval '28 days') AT TIME ZONE 'Asia/Shanghai'
                  ELSE now() - interval '70 days' - random() * interval '{DAYS} days' END AS occurred_at
      FROM generate_series(1, $1) AS i) AS drawn
JOIN (SELECT code, version, kind, row_number() OVER (ORDER BY code) AS n FROM sanctions.clauses WHERE version = 1)
     AS clause ON clause.n = drawn.pick
"""

CUSTOMERS = """
INSERT INTO crm.customers (id, name, province, city, county, revenue_group, annual_revenue, revenue_year,
                           provincial_designated, tier, tier_reason, owner_level, sales_owner, updated_by)
SELECT 'C-' || i, '客户' || i, '省' || (i % 31), '市' || (i % 300), NULL, 1 + i % 3, revenue, 2026, false, tier,
       'seeded', CASE tier WHEN 'none' THEN 'local' ELSE 'city' END, 'SR-' || (i % 300), 'seed'
FROM (SELECT i, r, round((r * 6000000)::numeric, 2) AS revenue,
             CASE WHEN r > 0.99 THEN 'diamond' WHEN r > 0.97 THEN 'platinum' WHEN r > 0.92 THEN 'gold'
                  WHEN r > 0.80 THEN 'vip' ELSE 'none' END AS tier
      FROM (SELECT i, random() AS r FROM generate_series(1, $1) AS i) AS drawn) AS customer
"""

# CRM-5: a tiered customer is visited every three months; every plan before this month is done.
VISIT_PLANS = """
INSERT INTO crm.visit_plans (id, customer_id, period, due_on, interval_months, basis, status, created_by, created_at)
SELECT gen_random_uuid(), customer.id, period, (period + interval '1 month - 1 day')::date, 3, 'tier',
       CASE WHEN period < date_trunc('month', current_date) THEN 'done' ELSE 'planned' END, 'seed', period
FROM crm.customers AS customer
CROSS JOIN generate_series(date_trunc('month', current_date) - interval '117 months',
                           date_trunc('month', current_date), interval '3 months') AS months(at)
CROSS JOIN LATERAL (SELECT months.at::date AS period) AS p
WHERE customer.tier <> 'none'
"""


@dataclass
class Seeded:
    sizes: Sizes
    seconds: dict[str, float]


async def seed(conn: asyncpg.Connection, sizes: Sizes, log: Callable[[str], None] = lambda _: None) -> Seeded:
    """Writes every table once, then ANALYZE so the planner knows what it holds."""
    seconds: dict[str, float] = {}

    async def step(name: str, statement: str, *args: object) -> None:
        started = time.monotonic()
        await conn.execute(statement, *args)
        seconds[name] = round(time.monotonic() - started, 1)
        log(f"seeded {name} in {seconds[name]} s")

    await conn.execute("SELECT setseed(0.18)")
    await step("complaints", COMPLAINTS, sizes.complaints, sizes.customers)
    await step("complaint_history", COMPLAINT_HISTORY)
    await step("return_lines", RETURN_LINES, sizes.return_lines, sizes.customers)
    for n, statement in enumerate(RETURN_TOTALS):
        await step(f"return_totals_{n + 1}", statement)
    await step("incidents", INCIDENTS, sizes.return_lines, sizes.incidents)
    await step("incident_sources", INCIDENT_SOURCES)
    await step("incident_keys", INCIDENT_KEYS)
    await step("notices", NOTICES, sizes.notices, sizes.close_month_notices)
    await step("customers", CUSTOMERS, sizes.customers)
    await step("visit_plans", VISIT_PLANS)
    started = time.monotonic()
    for schema in ("intake", "classification", "sanctions", "crm"):
        for table in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = $1", schema):
            await conn.execute(f'VACUUM (ANALYZE) {schema}."{table["tablename"]}"')
    seconds["vacuum_analyze"] = round(time.monotonic() - started, 1)
    return Seeded(sizes, seconds)
