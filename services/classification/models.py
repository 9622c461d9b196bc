"""The classification schema's declarative base: every classification table lives in schema `classification`."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("classification")
