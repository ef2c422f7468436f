"""The year's emulation plan: theme, phases, socio-economic targets, title targets and registrations."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString, NFCText
from .organisation import Person, Unit


class EmulationPlan(Base):
    """Kế hoạch thi đua of one year."""

    __tablename__ = "emulation_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    number: Mapped[str] = mapped_column(NFCString(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(NFCText, default="")
    theme: Mapped[str] = mapped_column(NFCText, default="")
    general_goal: Mapped[str] = mapped_column(NFCText, default="")

    phases: Mapped[list[Phase]] = relationship(
        back_populates="plan", order_by="Phase.sort_order", cascade="all, delete-orphan"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="plan", order_by="Target.sort_order", cascade="all, delete-orphan"
    )
    title_targets: Mapped[list[TitleTarget]] = relationship(
        back_populates="plan", order_by="TitleTarget.sort_order", cascade="all, delete-orphan"
    )


class Phase(Base):
    """Đợt thi đua: Đợt 1, Đợt 2 or a short thematic phase."""

    __tablename__ = "phase"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emulation_plan.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(NFCString(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(NFCText, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[EmulationPlan] = relationship(back_populates="phases")


class Target(Base):
    """Chỉ tiêu: a socio-economic target of the plan with its measured result.

    A range ("0,6-1%") has both ``target_value`` and ``target_max``; "trên 80%" is
    ``comparison='>'``.
    """

    __tablename__ = "target"
    __table_args__ = (CheckConstraint("comparison IN ('>=', '>', '<=', 'range')", name="comparison"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emulation_plan.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(NFCText)
    unit_of_measure: Mapped[str] = mapped_column(NFCString(50), default="")
    comparison: Mapped[str] = mapped_column(NFCString(10), default=">=")
    target_value: Mapped[float | None] = mapped_column(Float)
    target_max: Mapped[float | None] = mapped_column(Float)
    actual_value: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(NFCString(500), default="")

    plan: Mapped[EmulationPlan] = relationship(back_populates="targets")


class TitleTarget(Base):
    """Section V of the plan: how many of a title the agency registers for (04, 01-02, over 85%).

    A target, never a quota: the draft is shown against it and never cut to it.
    """

    __tablename__ = "title_target"
    __table_args__ = (
        UniqueConstraint("plan_id", "title_code"),
        CheckConstraint("count_max IS NULL OR count_min IS NULL OR count_max >= count_min", name="count_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emulation_plan.id", ondelete="CASCADE"), index=True)
    title_code: Mapped[str] = mapped_column(ForeignKey("title.code"), index=True)
    count_min: Mapped[int | None] = mapped_column(Integer)
    count_max: Mapped[int | None] = mapped_column(Integer)
    # "Trên 85%" of the people or units: the share, in percent.
    percent_min: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(NFCString(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[EmulationPlan] = relationship(back_populates="title_targets")


class Registration(Base):
    """Đăng ký thi đua: a person or a unit registers for a title in a year."""

    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        UniqueConstraint("year", "title_code", "person_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title_code: Mapped[str] = mapped_column(ForeignKey("title.code"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
