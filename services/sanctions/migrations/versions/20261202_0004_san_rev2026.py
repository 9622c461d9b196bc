"""SPEC rev. 2026-12 for sanctions: which clauses aggravate on a repeat and which by a circumstance (SAN-2);
incident drafts that name only the department (SAN-6); the reason of a forced month close (SAN-5)
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "20261202_0004_san_rev2026"
down_revision = "20261125_0003"

SCHEMA = "sanctions"

# SAN-2 (rev. 2026-12): 重复出现得将加重处罚 only in 5.2.1.10 and 5.2.3.1; 情节严重 / 未通知 in the others.
# (code, case) → (aggravated_on_repeat, aggravated_by_circumstance)
AGGRAVATION = {
    ("5.2.1.10", "standard"): (True, False),
    ("5.2.3.1", "standard"): (True, False),
    ("5.1.5.1", "standard"): (False, True),
    ("5.2.1.2", "standard"): (False, True),
    ("5.2.1.9", "standard"): (False, True),
}


def _corrected(code: str, variants: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    fixed = dict(variants)
    for name, rule in variants.items():
        if (code, name) in AGGRAVATION:
            on_repeat, by_circumstance = AGGRAVATION[(code, name)]
            fixed[name] = {**rule, "aggravated_on_repeat": on_repeat, "aggravated_by_circumstance": by_circumstance}
    return fixed


def _correct_catalog() -> None:
    """A new catalog version when the current one aggravates a clause the wrong way; notices already
    priced keep the version they were priced under (SAN-1)."""
    bind = op.get_bind()
    latest = bind.execute(
        sa.text(f"SELECT version, aggravation_factor FROM {SCHEMA}.catalog_versions ORDER BY version DESC LIMIT 1")
    ).one()
    rows = bind.execute(
        sa.text(f"SELECT code, kind, target, summary, text, variants FROM {SCHEMA}.clauses WHERE version = :v"),
        {"v": latest.version},
    ).all()
    corrected = [(row, _corrected(row.code, row.variants)) for row in rows]
    if all(variants == row.variants for row, variants in corrected):
        return
    version = latest.version + 1
    bind.execute(
        sa.text(
            f"INSERT INTO {SCHEMA}.catalog_versions (version, aggravation_factor, note, created_by) "
            "VALUES (:version, :factor, :note, 'system')"
        ),
        {
            "version": version,
            "factor": latest.aggravation_factor,
            "note": "SPEC rev. 2026-12 (SAN-2): 5.2.1.10 and 5.2.3.1 aggravate on a repeat, 5.1.5.1, 5.2.1.2 "
            "and 5.2.1.9 by a stated circumstance",
        },
    )
    for row, variants in corrected:
        bind.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.clauses (version, code, kind, target, summary, text, variants) "
                "VALUES (:version, :code, :kind, :target, :summary, :text, CAST(:variants AS jsonb))"
            ),
            {
                "version": version,
                "code": row.code,
                "kind": row.kind,
                "target": row.target,
                "summary": row.summary,
                "text": row.text,
                "variants": json.dumps(variants, ensure_ascii=False),
            },
        )


def upgrade() -> None:
    _correct_catalog()
    # SAN-6: a 5.2.1.13 draft whose head is not known by name charges the department until the quality
    # department names the person.
    for table in ("violations", "notices"):
        op.alter_column(table, "employee_id", existing_type=sa.String(100), nullable=True, schema=SCHEMA)
    op.create_index("ix_notices_incident", "notices", ["incident_id"], schema=SCHEMA)
    op.add_column("closed_months", sa.Column("force_reason", sa.Text), schema=SCHEMA)


def downgrade() -> None:
    """The corrected catalog version stays: notices may have been priced under it. Drafts still naming
    no person block the downgrade until they are named or withdrawn."""
    op.drop_column("closed_months", "force_reason", schema=SCHEMA)
    op.drop_index("ix_notices_incident", "notices", schema=SCHEMA)
    for table in ("notices", "violations"):
        op.alter_column(table, "employee_id", existing_type=sa.String(100), nullable=False, schema=SCHEMA)
