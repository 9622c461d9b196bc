"""Alembic environment of crm: its own history, its version table in schema `crm`."""

from shared.alembic_env import run

run(target_metadata=None)
