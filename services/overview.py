"""The figures of the overview page ("Tổng quan"): what the database holds for one year.

Every figure comes from a grouped, set-based query; nothing is counted row by row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from models import (
    Agency,
    Award,
    Decision,
    EmulationPlan,
    Evaluation,
    Initiative,
    Person,
    Phase,
    Title,
    Unit,
    UnitEvaluation,
)
from models.db import Database
from models.vocabulary import INITIATIVE_LEVELS, RATINGS, UNIT_KINDS

NO_AGENCY_NAME = "Chưa đặt tên cơ quan"
# Label of evaluations entered without a rating yet.
UNRATED_LABEL = "Chưa xếp loại"


@dataclass(frozen=True)
class CountRow:
    """One line of a breakdown: a code (None for "not set"), its Vietnamese label, a count."""

    code: str | None
    label: str
    count: int


@dataclass(frozen=True)
class PhaseRow:
    name: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class PlanSummary:
    year: int
    number: str
    issued_on: date | None
    title: str
    theme: str
    phases: list[PhaseRow]


@dataclass(frozen=True)
class Overview:
    year: int
    units_total: int
    units_by_kind: list[CountRow]
    people_active: int
    people_evaluated: int
    ratings: list[CountRow]
    units_evaluated: int
    unit_ratings: list[CountRow]
    initiatives_total: int
    initiatives_by_level: list[CountRow]
    awards_total: int
    awards_by_title: list[CountRow]
    plan: PlanSummary | None = None
    # Awards of cancelled decisions (not counted above).
    awards_cancelled: int = 0


def agency_name(database: Database) -> str:
    """The agency's name, or "Chưa đặt tên cơ quan" when none is set."""
    with database.session() as session:
        name = session.scalar(select(Agency.name).order_by(Agency.id).limit(1))
    name = (name or "").strip()
    return name or NO_AGENCY_NAME


def available_years(database: Database) -> list[int]:
    """Years that have evaluations, newest first.

    A database without evaluations offers the years of its plans, awards and
    initiatives instead, and an empty database the current year.
    """
    with database.session() as session:
        years = list(session.scalars(select(Evaluation.year).distinct()))
        if not years:
            other = union(
                select(EmulationPlan.year), select(Award.year), select(Initiative.year),
                select(UnitEvaluation.year),
            ).subquery()
            years = list(session.scalars(select(other.c[0])))
    years = sorted({int(y) for y in years if y is not None}, reverse=True)
    return years or [date.today().year]


def _active_person_filter():
    return (Person.active.is_(True), Person.deleted_at.is_(None))


def _breakdown(counts: dict[str | None, int], labels: dict[str, str], *, keep_zero: bool) -> list[CountRow]:
    rows = [CountRow(code, label, counts.get(code, 0)) for code, label in labels.items()]
    if not keep_zero:
        rows = [r for r in rows if r.count]
    # Codes not in the vocabulary (should not happen thanks to CHECKs) are still shown.
    rows += [CountRow(code, code, n) for code, n in counts.items() if code is not None and code not in labels]
    if counts.get(None):
        rows.append(CountRow(None, UNRATED_LABEL, counts[None]))
    return rows


def load_overview(database: Database, year: int) -> Overview:
    """All the figures of the overview page for ``year``."""
    with database.session() as session:
        return _load(session, year)


def _load(session: Session, year: int) -> Overview:
    unit_counts = dict(
        session.execute(
            select(Unit.kind, func.count())
            .where(Unit.active.is_(True), Unit.deleted_at.is_(None))
            .group_by(Unit.kind)
        ).all()
    )
    people_active = session.scalar(select(func.count()).select_from(Person).where(*_active_person_filter())) or 0

    rating_counts = dict(
        session.execute(
            select(Evaluation.rating, func.count()).where(Evaluation.year == year).group_by(Evaluation.rating)
        ).all()
    )
    unit_rating_counts = dict(
        session.execute(
            select(UnitEvaluation.rating, func.count())
            .where(UnitEvaluation.year == year)
            .group_by(UnitEvaluation.rating)
        ).all()
    )
    level_counts = dict(
        session.execute(
            select(Initiative.level, func.count()).where(Initiative.year == year).group_by(Initiative.level)
        ).all()
    )

    # Awards of the year, by title in catalogue order; awards of a cancelled decision
    # no longer count (they are reported apart).
    not_cancelled = or_(Award.decision_id.is_(None), Decision.state != "da_huy")
    award_rows = session.execute(
        select(Title.code, Title.name, func.count(Award.id))
        .join(Award, Award.title_code == Title.code)
        .outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Award.year == year, not_cancelled)
        .group_by(Title.code, Title.name, Title.sort_order)
        .order_by(Title.sort_order, Title.code)
    ).all()
    awards_cancelled = session.scalar(
        select(func.count(Award.id))
        .join(Decision, Decision.id == Award.decision_id)
        .where(Award.year == year, Decision.state == "da_huy")
    ) or 0

    plan = None
    plan_row = session.execute(
        select(EmulationPlan.id, EmulationPlan.number, EmulationPlan.issued_on, EmulationPlan.title,
               EmulationPlan.theme)
        .where(EmulationPlan.year == year)
    ).first()
    if plan_row is not None:
        phases = [
            PhaseRow(name, start, end)
            for name, start, end in session.execute(
                select(Phase.name, Phase.start_date, Phase.end_date)
                .where(Phase.plan_id == plan_row.id)
                .order_by(Phase.sort_order, Phase.start_date)
            )
        ]
        plan = PlanSummary(year, plan_row.number or "", plan_row.issued_on, plan_row.title or "",
                           plan_row.theme or "", phases)

    awards_by_title = [CountRow(code, name, n) for code, name, n in award_rows]
    return Overview(
        year=year,
        units_total=sum(unit_counts.values()),
        units_by_kind=_breakdown(unit_counts, UNIT_KINDS, keep_zero=False),
        people_active=people_active,
        people_evaluated=sum(rating_counts.values()),
        ratings=_breakdown(rating_counts, RATINGS, keep_zero=True),
        units_evaluated=sum(unit_rating_counts.values()),
        unit_ratings=_breakdown(unit_rating_counts, RATINGS, keep_zero=True),
        initiatives_total=sum(level_counts.values()),
        initiatives_by_level=_breakdown(level_counts, INITIATIVE_LEVELS, keep_zero=True),
        awards_total=sum(r.count for r in awards_by_title),
        awards_by_title=awards_by_title,
        plan=plan,
        awards_cancelled=awards_cancelled,
    )
