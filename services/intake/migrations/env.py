"""Alembic environment of intake: its own history, its version table in schema `intake`."""

from shared.alembic_env import run

run(target_metadata=None)
