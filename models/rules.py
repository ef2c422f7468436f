"""Title definitions and dated rule sets (their parameters are data, see resources/rules/)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString, NFCText
from .vocabulary import AUTHORITY_LEVELS, SUBJECTS, TITLE_KINDS, check_in


class Title(Base):
    """Danh hiệu thi đua or hình thức khen thưởng, by its code in rules-2024.md."""

    __tablename__ = "title"
    __table_args__ = (
        CheckConstraint(check_in("subject", SUBJECTS), name="subject"),
        CheckConstraint(check_in("kind", TITLE_KINDS), name="kind"),
        CheckConstraint(check_in("level", AUTHORITY_LEVELS), name="level"),
    )

    code: Mapped[str] = mapped_column(NFCString(30), primary_key=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    subject: Mapped[str] = mapped_column(NFCString(10))
    kind: Mapped[str] = mapped_column(NFCString(10))
    level: Mapped[str] = mapped_column(NFCString(20))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RuleSet(Base):
    """Bộ quy định: the parameters of every rule, in force from ``valid_from``.

    Drafting for year Y uses the rule set with the latest ``valid_from`` on or before
    31 December of Y. ``params`` maps title codes to that title's parameters, with the
    legal article each rule cites (see resources/rules/2024.json).
    """

    __tablename__ = "rule_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(NFCString(100), unique=True)
    valid_from: Mapped[date] = mapped_column(Date, index=True)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id", ondelete="SET NULL"))
    builtin: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(NFCText, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    based_on: Mapped[RuleSet | None] = relationship(remote_side=[id])
