"""Alembic environment of notify: its own history, its version table in schema `notify`."""

from shared.alembic_env import run

run(target_metadata=None)
