"""The crm schema's declarative base: every crm table lives in schema `crm`."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("crm")
