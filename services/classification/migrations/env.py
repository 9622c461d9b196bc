"""Alembic environment of classification: its own history, its version table in schema `classification`."""

from shared.alembic_env import run

run(target_metadata=None)
