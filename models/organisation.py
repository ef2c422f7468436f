"""Units (the agency's tree) and people, with each person's unit history."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString
from .vocabulary import GENDERS, UNIT_KINDS, check_in


class Unit(Base):
    """Đơn vị: a phòng, đơn vị trực thuộc or phòng cấp huyện, placed in a tree."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint(check_in("kind", UNIT_KINDS), name="kind"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(NFCString(50), unique=True)
    name: Mapped[str] = mapped_column(NFCString(300))
    kind: Mapped[str] = mapped_column(NFCString(20), default="phong")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Set when the user deletes the unit; the row stays so it can be restored.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.sort_order")
    people: Mapped[list[Person]] = relationship(back_populates="unit")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"Unit({self.code!r})"


class Person(Base):
    """Cán bộ, công chức, viên chức, người lao động."""

    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(check_in("gender", GENDERS), name="gender"),
        CheckConstraint("left_on IS NULL OR joined IS NULL OR left_on >= joined", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(NFCString(50), unique=True)
    full_name: Mapped[str] = mapped_column(NFCString(200))
    gender: Mapped[str] = mapped_column(NFCString(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    position: Mapped[str] = mapped_column(NFCString(200), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    joined: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship(back_populates="people")
    unit_history: Mapped[list[PersonUnitHistory]] = relationship(
        back_populates="person", order_by="PersonUnitHistory.start_date", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"Person({self.code!r})"


class PersonUnitHistory(Base):
    """One period a person spent in a unit; the open period (no end) is the current unit."""

    __tablename__ = "person_unit_history"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(NFCString(300), default="")

    person: Mapped[Person] = relationship(back_populates="unit_history")
    unit: Mapped[Unit] = relationship()
