"""Decisions (quyết định) and the awards they grant: the history of titles and awards."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString, NFCText
from .organisation import Person, Unit
from .vocabulary import AUTHORITY_LEVELS, DECISION_STATES, check_in

if TYPE_CHECKING:
    from .records import Initiative


class Decision(Base):
    """Quyết định khen thưởng: number, date, signer and the level of the authority."""

    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("number", "issued_on"),
        CheckConstraint(check_in("level", AUTHORITY_LEVELS), name="level"),
        CheckConstraint(check_in("state", DECISION_STATES), name="state"),
        CheckConstraint("state <> 'da_huy' OR length(cancel_reason) > 0", name="cancel_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(NFCString(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    level: Mapped[str] = mapped_column(NFCString(20), default="co_so")
    issuing_authority: Mapped[str] = mapped_column(NFCString(300), default="")
    signer_name: Mapped[str] = mapped_column(NFCString(200), default="")
    signer_position: Mapped[str] = mapped_column(NFCString(200), default="")
    signer_capacity: Mapped[str] = mapped_column(NFCString(200), default="")
    summary: Mapped[str] = mapped_column(NFCText, default="")
    nomination_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("nomination_list.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(NFCString(20), default="hieu_luc")
    cancel_reason: Mapped[str] = mapped_column(NFCText, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    awards: Mapped[list[Award]] = relationship(back_populates="decision", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class Award(Base):
    """Khen thưởng: one title or reward granted to exactly one person or one unit."""

    __tablename__ = "award"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        UniqueConstraint("year", "title_code", "person_id", "unit_id", "decision_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title_code: Mapped[str] = mapped_column(ForeignKey("title.code"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    # Thành tích: the achievement text printed on the certificate.
    achievement: Mapped[str] = mapped_column(NFCText, default="")

    decision: Mapped[Decision | None] = relationship(back_populates="awards")
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    initiatives: Mapped[list[Initiative]] = relationship(back_populates="used_by_award")
