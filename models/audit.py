"""The audit log: who changed what, when, with the old and new values."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, NFCString, NFCText


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp(), index=True)
    username: Mapped[str] = mapped_column(NFCString(100), default="")
    # e.g. "create", "update", "delete", "restore", "import", "override", "decide".
    action: Mapped[str] = mapped_column(NFCString(30))
    entity: Mapped[str] = mapped_column(NFCString(50), index=True)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(NFCText, default="")
