"""The audit log: every change the services make is written here in the same transaction."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from models import AuditEntry

# Who is acting; set by the sign-in (see the accounts feature) or left empty.
_current_user = ""


def set_current_user(username: str) -> None:
    global _current_user
    _current_user = username


def current_user() -> str:
    return _current_user


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of an ORM object, JSON-ready (dates as ISO strings)."""
    mapper = inspect(obj).mapper
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ: (old values, new values)."""
    keys = [k for k in after if before.get(k) != after.get(k) and k != "version"]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Add an audit entry to the session; it commits (or rolls back) with the change itself."""
    entry = AuditEntry(
        username=current_user(), action=action, entity=entity, entity_id=entity_id,
        old=old, new=new, reason=reason,
    )
    session.add(entry)
    return entry
