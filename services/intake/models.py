"""The intake schema's declarative base: every intake table lives in schema `intake`."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata("intake")
