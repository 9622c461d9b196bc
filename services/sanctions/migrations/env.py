"""Alembic environment of sanctions: its own history, its version table in schema `sanctions`."""

from shared.alembic_env import run

run(target_metadata=None)
