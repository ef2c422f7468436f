"""Declarative base, naming convention and the NFC text type shared by every table."""
from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that Alembic migrations (and SQLite batch mode)
# can name what they alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def nfc(value: Any) -> Any:
    """Unicode NFC form of a string; anything else is returned unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


class NFCString(TypeDecorator[str]):
    """A VARCHAR that is always stored in Unicode NFC, whatever form it arrives in.

    Normalising at the bind step covers every way text reaches the database:
    the ORM, Core bulk inserts and query parameters alike.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return nfc(value)


class NFCText(TypeDecorator[str]):
    """Unbounded text stored in Unicode NFC."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return nfc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
