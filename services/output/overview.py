"""The figures of the overview page ("Tổng quan"): what the database holds for one year.

Every figure comes from a grouped, set-based query; nothing is counted row by row.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from models import (
    Agency,
    Award,
    Decision,
    EmulationPlan,
    Evaluation,
    Initiative,
    NominationList,
    Person,
    Phase,
    Registration,
    Target,
    Title,
    TitleTarget,
    Unit,
    UnitEvaluation,
)
from models.db import Database
from models.vocabulary import INITIATIVE_LEVELS, RATINGS, UNIT_KINDS
from services.awards.valid_awards import CANCELLED, award_counts

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


def _breakdown(counts: Mapping[Any, int], labels: dict[str, str], *, keep_zero: bool) -> list[CountRow]:
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
    not_cancelled = award_counts()
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
        .where(Award.year == year, Decision.state == CANCELLED)
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


# --- The plan against results: section V registrations, the draft, the decisions --------

# Units of this kind are groupings (Ban Giám đốc, the sub-teams of a centre, the district
# offices as a whole): they are not rated and their people count in the unit above.
GROUPING_KIND = "khac"
# Page keys the to-do items link to, in order of preference (the first that exists wins).
TODO_PAGES = {
    "units_unrated": ("evaluations", "units"),
    "people_unrated": ("evaluations", "people"),
    "lists_draft": ("nominations", "nomination_lists", "lists"),
    "no_lists": ("nominations", "nomination_lists", "lists"),
    "no_plan": ("plan",),
    "targets_missing": ("plan",),
}


@dataclass(frozen=True)
class TitleProgress:
    """One title of the year: the plan's target, and how many registered, drafted, decided."""

    code: str
    name: str
    subject: str
    target_text: str  # as the plan words it ("04 tập thể", "Trên 85% ..."); "" without a target
    target_count: float | None  # the target as a number of people or units (a share made a count)
    registered: int
    drafted: int | None  # None: no draft (no rule set in force, or a title not drafted automatically)
    decided: int


@dataclass(frozen=True)
class UnitShare:
    """Share of a unit's evaluated members the draft makes Lao động tiên tiến."""

    code: str
    name: str
    members: int
    ldtt: int

    @property
    def percent(self) -> float:
        return 100.0 * self.ldtt / self.members if self.members else 0.0


@dataclass(frozen=True)
class TargetRow:
    """A socio-economic target (chỉ tiêu) of the plan with its actual figure."""

    description: str
    unit_of_measure: str
    comparison: str
    target_value: float | None
    target_max: float | None
    actual_value: float | None
    note: str

    @property
    def target_text(self) -> str:
        u = self.unit_of_measure
        if self.target_value is None:
            return ""
        if self.comparison == "range" and self.target_max is not None:
            return f"{format_number(self.target_value)}-{format_number(self.target_max)}{_unit(u)}"
        prefix = {">": "Trên ", "<=": "Không quá ", ">=": ""}.get(self.comparison, "")
        return f"{prefix}{format_number(self.target_value)}{_unit(u)}"

    @property
    def actual_text(self) -> str:
        if self.actual_value is None:
            return ""
        return f"{format_number(self.actual_value)}{_unit(self.unit_of_measure)}"

    @property
    def met(self) -> bool | None:
        """True when the actual figure reaches the target; None while it is not entered."""
        a, t = self.actual_value, self.target_value
        if a is None or t is None:
            return None
        if self.comparison == ">":
            return a > t
        if self.comparison == "<=":
            return a <= t
        return a >= t  # ">=" and "range" (reaching the lower bound meets a range)

    @property
    def met_text(self) -> str:
        return {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}[self.met]


@dataclass(frozen=True)
class TodoItem:
    """Something still missing for the year, with the pages (keys) where it is done."""

    key: str
    count: int
    text: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    year: int
    titles: list[TitleProgress]
    unit_shares: list[UnitShare]
    ldtt_target_percent: float | None
    targets: list[TargetRow]
    todo: list[TodoItem]
    # Why the draft columns are empty or partial (no rule set, no evaluations...), else "".
    draft_note: str = ""
    people_evaluated: int = 0


def format_number(value: float) -> str:
    """23000 -> "23.000"; 76.4 -> "76,4" (Vietnamese separators)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _unit(unit_of_measure: str) -> str:
    u = (unit_of_measure or "").strip()
    return "" if not u else (u if u == "%" else f" {u}")


def rating_unit_map(session: Session) -> dict[int, tuple[int, str, str]]:
    """unit id -> (id, code, name) of the unit it counts in: itself, or for a grouping
    (kind "khac") below a rated unit, the nearest such unit above it."""
    rows = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id)).all()
    by_id = {r.id: r for r in rows}
    out: dict[int, tuple[int, str, str]] = {}
    for r in rows:
        cur = r
        seen = set()
        while cur.kind == GROUPING_KIND and cur.parent_id in by_id and cur.id not in seen:
            seen.add(cur.id)
            cur = by_id[cur.parent_id]
        if cur.kind == GROUPING_KIND:
            cur = r
        out[r.id] = (cur.id, cur.code, cur.name)
    return out


def load_progress(database: Database, year: int) -> Progress:
    """The plan against results for ``year``: runs the draft (about 0.3 s on the demo), so
    call it on a worker thread."""
    with database.session() as session:
        try:
            return progress_of(session, year)
        finally:
            session.rollback()


def progress_of(session: Session, year: int, draft=None) -> Progress:
    """``load_progress`` within an open session; ``draft`` (a ``services.awards.drafting.Draft``)
    is computed when not given."""
    from services.awards.drafting import draft_year
    from services.awards.rulesets import RuleSetError
    from services.system.access import PermissionDenied

    draft_note = ""
    if draft is None:
        try:
            draft = draft_year(session, year)
        except RuleSetError as exc:
            draft_note = f"Chưa lập được dự thảo: {exc}"
        except PermissionDenied:
            # The built-in rule sets are not loaded yet and this user may not load them.
            draft_note = ("Chưa lập được dự thảo: bộ quy định có sẵn chưa được nạp vào cơ sở dữ liệu. "
                          "Hãy nhờ người quản trị mở ứng dụng một lần để nạp.")
    if draft is not None and draft.warnings:
        draft_note = " ".join(draft.warnings)
    drafted = {tl.title: len(tl.selected) for tl in draft.lists} if draft is not None else {}

    plan_id = session.scalar(select(EmulationPlan.id).where(EmulationPlan.year == year))
    title_targets = {}
    if plan_id is not None:
        title_targets = {t.title_code: t for t in session.scalars(
            select(TitleTarget).where(TitleTarget.plan_id == plan_id))}
    registered = dict(session.execute(
        select(Registration.title_code, func.count()).where(Registration.year == year)
        .group_by(Registration.title_code)).all())
    decided = dict(session.execute(
        select(Award.title_code, func.count(Award.id)).outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Award.year == year, award_counts()).group_by(Award.title_code)).all())
    people_evaluated = session.scalar(
        select(func.count()).select_from(Evaluation).where(Evaluation.year == year)) or 0
    people_base = people_evaluated or session.scalar(
        select(func.count()).select_from(Person).where(*_active_person_filter())) or 0
    units_base = session.scalar(select(func.count()).select_from(Unit).where(
        Unit.active.is_(True), Unit.deleted_at.is_(None), Unit.kind != GROUPING_KIND)) or 0

    wanted = set(title_targets) | set(registered) | set(decided)
    titles = []
    for code, name, subject in session.execute(
            select(Title.code, Title.name, Title.subject).order_by(Title.sort_order, Title.code)):
        if code not in wanted:
            continue
        tt = title_targets.get(code)
        target_count: float | None = None
        target_text = ""
        if tt is not None:
            if tt.count_max is not None or tt.count_min is not None:
                target_count = float(tt.count_max if tt.count_max is not None else tt.count_min or 0)
            elif tt.percent_min is not None:
                base = units_base if subject == "unit" else people_base
                target_count = math.ceil(base * tt.percent_min / 100) if base else None
            target_text = tt.note or _target_words(tt)
        titles.append(TitleProgress(code, name, subject, target_text, target_count, registered.get(code, 0),
                                    drafted.get(code) if draft is not None else None, decided.get(code, 0)))

    # Share of LĐTT per rated unit, from the draft (members: people evaluated for the year).
    shares: list[UnitShare] = []
    if draft is not None and "LDTT" in drafted:
        tl = draft.list_for("LDTT")
        unit_map = rating_unit_map(session)
        own_code = dict(session.execute(select(Unit.code, Unit.id)).all())
        members: dict[int, int] = {}
        ldtt: dict[int, int] = {}
        for entries, selected in ((tl.selected, True), (tl.over_quota, False)):
            for e in entries:
                _add(e.unit, selected, own_code, unit_map, members, ldtt)
        for e in tl.ineligible:
            _add(e.unit, False, own_code, unit_map, members, ldtt)
        names = {rid: (code, name) for rid, code, name in unit_map.values()}
        order = {uid: (so, code) for uid, so, code in session.execute(select(Unit.id, Unit.sort_order, Unit.code))}
        for rid in sorted(members, key=lambda r: order.get(r, (0, ""))):
            code, name = names[rid]
            shares.append(UnitShare(code, name, members[rid], ldtt.get(rid, 0)))
    ldtt_target = title_targets.get("LDTT")

    targets = []
    if plan_id is not None:
        targets = [TargetRow(t.description, t.unit_of_measure, t.comparison, t.target_value, t.target_max,
                             t.actual_value, t.note)
                   for t in session.scalars(select(Target).where(Target.plan_id == plan_id)
                                            .order_by(Target.sort_order, Target.id))]
    return Progress(year=year, titles=titles, unit_shares=shares,
                    ldtt_target_percent=ldtt_target.percent_min if ldtt_target is not None else None,
                    targets=targets, todo=todo_of(session, year), draft_note=draft_note,
                    people_evaluated=people_evaluated)


def _add(unit_code, selected, own_code, unit_map, members, ldtt) -> None:
    uid = own_code.get(unit_code)
    if uid is None:
        return
    rid = unit_map[uid][0]
    members[rid] = members.get(rid, 0) + 1
    if selected:
        ldtt[rid] = ldtt.get(rid, 0) + 1


def _target_words(tt: TitleTarget) -> str:
    if tt.percent_min is not None:
        return f"Trên {format_number(tt.percent_min)}%"
    lo, hi = tt.count_min, tt.count_max
    if lo is not None and hi is not None and lo != hi:
        return f"{lo:02d}-{hi:02d}"
    value = hi if hi is not None else lo
    return f"{value:02d}" if value is not None else ""


def _names(names: list[str], total: int) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" và {total - 3} đơn vị khác" if total > 3 else "")


def todo_of(session: Session, year: int) -> list[TodoItem]:
    """What is still missing for ``year``: the plan (or actual figures of its targets), units
    without a rating (groupings apart), people at work without a rating, nomination lists
    still in draft (or none saved yet)."""
    items: list[TodoItem] = []
    plan_id = session.scalar(select(EmulationPlan.id).where(EmulationPlan.year == year))
    if plan_id is None:
        items.append(TodoItem("no_plan", 0, f"Chưa nhập Kế hoạch thi đua năm {year} (chủ đề, đợt, chỉ tiêu, đăng ký).",
                              TODO_PAGES["no_plan"]))
    else:
        missing = session.scalar(select(func.count()).select_from(Target).where(
            Target.plan_id == plan_id, Target.actual_value.is_(None))) or 0
        if missing:
            items.append(TodoItem("targets_missing", missing,
                                  f"{missing} chỉ tiêu của kế hoạch năm {year} chưa có số liệu thực hiện.",
                                  TODO_PAGES["targets_missing"]))
    has_rating = select(UnitEvaluation.id).where(
        UnitEvaluation.unit_id == Unit.id, UnitEvaluation.year == year, UnitEvaluation.rating.is_not(None))
    units = session.execute(
        select(Unit.name).where(Unit.active.is_(True), Unit.deleted_at.is_(None), Unit.kind != GROUPING_KIND,
                                ~has_rating.exists())
        .order_by(Unit.sort_order, Unit.code)).scalars().all()
    if units:
        items.append(TodoItem("units_unrated", len(units),
                              f"{len(units)} đơn vị chưa được xếp loại năm {year}: {_names(list(units), len(units))}.",
                              TODO_PAGES["units_unrated"]))
    end = date(year, 12, 31)
    # People at work now (who had joined by the end of the year) without a rating for it.
    rated = select(Evaluation.id).where(
        Evaluation.person_id == Person.id, Evaluation.year == year, Evaluation.rating.is_not(None))
    people = session.scalar(
        select(func.count()).select_from(Person).where(
            *_active_person_filter(),
            or_(Person.joined.is_(None), Person.joined <= end),
            ~rated.exists())) or 0
    if people:
        items.append(TodoItem("people_unrated", people,
                              f"{people} người chưa có kết quả xếp loại năm {year}.", TODO_PAGES["people_unrated"]))
    states = dict(session.execute(
        select(NominationList.state, func.count()).where(NominationList.year == year)
        .group_by(NominationList.state)).all())
    if states.get("nhap"):
        n = states["nhap"]
        items.append(TodoItem("lists_draft", n, f"{n} danh sách đề nghị năm {year} còn ở trạng thái nháp.",
                              TODO_PAGES["lists_draft"]))
    elif not states:
        items.append(TodoItem("no_lists", 0, f"Chưa lưu danh sách đề nghị nào cho năm {year}.",
                              TODO_PAGES["no_lists"]))
    return items


_SHORT_NAMES = (
    ("Lao động - Thương binh và Xã hội", "LĐ-TBXH"),
    ("Lao động - Việc làm - Giáo dục nghề nghiệp", "LĐ - VL - GDNN"),
    ("Bảo trợ xã hội - Trẻ em - Bình đẳng giới", "BTXH - TE - BĐG"),
    ("Trung tâm", "TT"),
)


def short_unit_name(name: str) -> str:
    """A unit's name short enough for a chart axis ("Phòng LĐ-TBXH huyện Vũ Quang")."""
    for long, short in _SHORT_NAMES:
        name = name.replace(long, short)
    return name


def progress_figures(progress: Progress) -> dict[str, object]:
    """The overview's two charts for ``progress`` (matplotlib Figures; safe on a worker thread)."""
    from services.output.charts import (
        ProgressBar,
        share_figure,
        title_progress_figure,
        wrap_label,
    )

    y = progress.year
    bars = [ProgressBar(t.name, t.target_count, t.registered, t.drafted, t.decided,
                        _short_target(t.target_text)) for t in progress.titles]
    shares = progress.unit_shares
    target = progress.ldtt_target_percent
    return {
        "progress": title_progress_figure(
            bars, width=10.0, empty_text=f"Năm {y} chưa có đăng ký thi đua, dự thảo hay quyết định khen thưởng."),
        "ldtt_share": share_figure(
            [wrap_label(short_unit_name(s.name), 30) for s in shares], [s.percent for s in shares],
            target=target, target_label=f"Kế hoạch: trên {format_number(target)}%" if target else "",
            width=5.0, xlabel="Tỷ lệ cán bộ đạt Lao động tiên tiến (%)",
            empty_text=f"Chưa có kết quả bình xét năm {y} để tính tỷ lệ."),
    }


def _short_target(text: str) -> str:
    """The plan's wording without its repeated title prefix ("Cờ thi đua ...: 01 tập thể" -> "01 tập thể")."""
    return text.rsplit(":", 1)[-1].strip() if ":" in text else text
