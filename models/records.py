"""Yearly evaluations of people and units, and recognised initiatives."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, NFCString
from .decision import Award
from .organisation import Person, Unit
from .vocabulary import DISCIPLINES, INITIATIVE_LEVELS, RATINGS, check_in


class Evaluation(Base):
    """Bình xét: a person's rating and the facts the rules read for one year."""

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("person_id", "year"),
        CheckConstraint(check_in("rating", RATINGS), name="rating"),
        CheckConstraint(check_in("discipline", DISCIPLINES), name="discipline"),
        CheckConstraint("months_worked BETWEEN 0 AND 12", name="months_worked"),
        CheckConstraint("maternity_months BETWEEN 0 AND 12", name="maternity_months"),
        CheckConstraint(
            "votes_for IS NULL OR (votes_total IS NOT NULL AND votes_for >= 0 AND votes_for <= votes_total)",
            name="votes",
        ),
        CheckConstraint("votes_total IS NULL OR votes_total > 0", name="votes_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    rating: Mapped[str | None] = mapped_column(NFCString(10))
    months_worked: Mapped[int] = mapped_column(Integer, default=12)
    maternity_months: Mapped[int] = mapped_column(Integer, default=0)
    discipline: Mapped[str | None] = mapped_column(NFCString(20))
    under_review: Mapped[bool] = mapped_column(default=False)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_total: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(NFCString(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship()

    __mapper_args__ = {"version_id_col": version}


class UnitEvaluation(Base):
    """A unit's own rating for one year."""

    __tablename__ = "unit_evaluation"
    __table_args__ = (
        UniqueConstraint("unit_id", "year"),
        CheckConstraint(check_in("rating", RATINGS), name="rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    rating: Mapped[str | None] = mapped_column(NFCString(10))
    note: Mapped[str] = mapped_column(NFCString(500), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Initiative(Base):
    """Sáng kiến, đề tài: a recognised initiative, which may serve one award only."""

    __tablename__ = "initiative"
    __table_args__ = (CheckConstraint(check_in("level", INITIATIVE_LEVELS), name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(NFCString(50), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str] = mapped_column(NFCString(20))
    title: Mapped[str] = mapped_column(NFCString(500))
    recognized_by: Mapped[str] = mapped_column(NFCString(200), default="")
    # The award this initiative was counted for; NULL while it is still free.
    used_by_award_id: Mapped[int | None] = mapped_column(ForeignKey("award.id", ondelete="SET NULL"), index=True)

    person: Mapped[Person] = relationship()
    used_by_award: Mapped[Award | None] = relationship(back_populates="initiatives")
