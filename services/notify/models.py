"""The notify schema's declarative base: every notify table lives in schema `notify`."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("notify")
