"""The sanctions schema's declarative base: every sanctions table lives in schema `sanctions`."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("sanctions")
