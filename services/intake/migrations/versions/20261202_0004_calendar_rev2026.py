"""the one working-day calendar: years loaded before intake published them are published once"""

import json

import sqlalchemy as sa
from alembic import op

from shared.events.calendar import CalendarYearLoadedV1
from shared.messaging.outbox import outbox_row

revision = "20261202_0004_calendar"
down_revision = "20261125_0003"

SCHEMA = "intake"


def upgrade() -> None:
    """Every other service keeps its calendar from intake's events: the years already loaded go out too."""
    bind = op.get_bind()
    years = bind.execute(
        sa.text(f"SELECT year, holidays, makeup_workdays, loaded_by, loaded_at FROM {SCHEMA}.calendar_years")
    ).all()
    for year in years:
        row = outbox_row(
            CalendarYearLoadedV1(
                year=year.year,
                holidays=sorted(year.holidays),
                makeup_workdays=sorted(year.makeup_workdays),
                loaded_by=year.loaded_by,
                loaded_at=year.loaded_at,
            )
        )
        bind.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.outbox (event_id, topic, key, event_type, payload) "
                "VALUES (:event_id, :topic, :key, :event_type, CAST(:payload AS jsonb))"
            ),
            {**row, "payload": json.dumps(row["payload"], ensure_ascii=False)},
        )


def downgrade() -> None:
    """Published events are not taken back."""
