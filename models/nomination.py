"""Nomination lists (danh sách đề nghị), their entries, and the council meetings that vote on them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString, NFCText
from .organisation import Person, Unit
from .vocabulary import LIST_STATES, NOMINATION_GROUPS, OVERRIDES, check_in


class CouncilMeeting(Base):
    """A meeting of the Hội đồng Thi đua - Khen thưởng; its minutes are the biên bản."""

    __tablename__ = "council_meeting"
    __table_args__ = (
        CheckConstraint("members_present <= members_total", name="present_le_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(NFCString(200), default="")
    chair: Mapped[str] = mapped_column(NFCString(200), default="")
    secretary: Mapped[str] = mapped_column(NFCString(200), default="")
    members_total: Mapped[int] = mapped_column(Integer)
    members_present: Mapped[int] = mapped_column(Integer)
    # Names of the members present, in order.
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(NFCText, default="")


class NominationList(Base):
    """Danh sách đề nghị: the list for one title in one year and the state it is in."""

    __tablename__ = "nomination_list"
    __table_args__ = (CheckConstraint(check_in("state", LIST_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title_code: Mapped[str] = mapped_column(ForeignKey("title.code"), index=True)
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(NFCString(30), default="nhap")
    quota: Mapped[int | None] = mapped_column(Integer)
    quota_basis: Mapped[str] = mapped_column(NFCString(300), default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meeting.id", ondelete="SET NULL"))
    drafted_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    entries: Mapped[list[Nomination]] = relationship(
        back_populates="nomination_list", order_by="Nomination.rank", cascade="all, delete-orphan"
    )
    meeting: Mapped[CouncilMeeting | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Nomination(Base):
    """One person or unit considered for a list: its group, rank, reasons, override and votes."""

    __tablename__ = "nomination"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        CheckConstraint(check_in("grp", NOMINATION_GROUPS), name="grp"),
        CheckConstraint(check_in("override", OVERRIDES), name="override"),
        CheckConstraint("override IS NULL OR length(override_reason) > 0", name="override_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("nomination_list.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    grp: Mapped[str] = mapped_column(NFCString(20))
    rank: Mapped[int | None] = mapped_column(Integer)
    # The engine's explanation: a list of {"rule": "P2", "article": "...", "text": "..."}
    # (text for people to read; the facts below have their own columns).
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The group of candidates tied at every ranking step but name order (the engine's
    # number), and whether the secretariat reordered the group by hand.
    tie_group: Mapped[int | None] = mapped_column(Integer)
    tie_manual: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Codes of the initiatives the nomination relies on (marked used by the decision's award).
    initiative_codes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    override: Mapped[str | None] = mapped_column(NFCString(20))
    override_reason: Mapped[str] = mapped_column(NFCText, default="")
    # Council votes on this nomination, when recorded.
    council_votes_for: Mapped[int | None] = mapped_column(Integer)
    council_votes_total: Mapped[int | None] = mapped_column(Integer)
    council_share: Mapped[float | None] = mapped_column(Float)
    # For CO_TINH / CO_BO: the cụm or khối thi đua the unit leads.
    note: Mapped[str] = mapped_column(NFCString(500), default="")

    nomination_list: Mapped[NominationList] = relationship(back_populates="entries")
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
