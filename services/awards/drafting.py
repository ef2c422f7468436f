"""Drafting the nomination lists of a year: load the records set-based, run the rules
engine with the rule set in force, and present the result (JSON of exchange-format.md,
or a readable Vietnamese table). Re-runnable at any time; deterministic.

Only the rows the rules read are loaded: people with an evaluation for Y, their
earlier ratings for the years the chains need, their initiatives and award history
(awards of cancelled decisions do not count), units with their ratings and awards.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import (
    Award,
    Decision,
    Evaluation,
    Initiative,
    Person,
    PersonUnitHistory,
    RuleSet,
    Unit,
    UnitEvaluation,
)
from services.awards.rules_engine import (
    EngineInput,
    EvaluationFact,
    InitiativeFact,
    PersonInput,
    TitleList,
    UnitInput,
    draft_lists,
    gc_paused,
)
from services.awards.rulesets import rule_set_for_year
from services.awards.valid_awards import award_counts, decision_cancelled

log = logging.getLogger(__name__)

GROUP_LABELS = {"selected": "Được đề nghị", "over_quota": "Đủ điều kiện nhưng vượt tỷ lệ",
                "ineligible": "Không đủ điều kiện"}
SUBJECT_LABELS = {"person": "cá nhân", "unit": "tập thể", "both": "cá nhân và tập thể"}


@dataclass
class Draft:
    """The draft of year ``year``: one list per drafted title, with the rule set used."""

    year: int
    rule_set: str
    rule_set_id: int | None
    lists: list[TitleList]
    considered_people: int = 0
    considered_units: int = 0
    warnings: list[str] = field(default_factory=list)

    def list_for(self, title: str) -> TitleList:
        for tl in self.lists:
            if tl.title == title:
                return tl
        raise KeyError(title)


@dataclass(frozen=True)
class Scope:
    """A part of the agency to load instead of all of it (the live preview of one unit):
    the units ``unit_ids`` (a subtree; ``root`` is its top, loaded without its parent) and
    the people ``person_ids``, evaluated for the year or not. A person counts in the unit
    the unit history gives for the year, or their current unit, or ``root`` when that unit
    is outside the subtree."""

    root: int
    unit_ids: frozenset[int]
    person_ids: tuple[int, ...]


_CHUNK = 900  # ids per IN (...) list: well under any database's limit on bound parameters


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def load_engine_input(session: Session, year: int, params: dict[str, Any], rule_set: str = "",
                      scope: Scope | None = None) -> EngineInput:
    """Everything the rules read for ``year``, in a handful of set-based queries
    (Core rows through the session's connection: no ORM objects are built): the people
    with an evaluation for the year and every unit, or only what ``scope`` names."""
    return load_engine_input_with_ids(session, year, params, rule_set, scope)[0]


def load_engine_input_with_ids(session: Session, year: int, params: dict[str, Any], rule_set: str = "",
                               scope: Scope | None = None) -> tuple[EngineInput, list[int]]:
    """``load_engine_input`` and the person id of each of its people, in the same order."""
    conn = session.connection()
    pids: list[Sequence[int]] = _chunks(scope.person_ids) if scope is not None else []
    uids = sorted(scope.unit_ids) if scope is not None else []

    def person_parts(column: Any) -> list[Any]:
        """One condition on ``column`` per chunk of the scope's people; [None] for everyone."""
        return [column.in_(chunk) for chunk in pids] if scope is not None else [None]

    def unit_filter(stmt: Any, column: Any) -> Any:
        return stmt.where(column.in_(uids)) if scope is not None else stmt

    def each(stmt: Any, column: Any) -> list[Any]:
        """The rows of ``stmt`` for the scope's people (chunk by chunk), or for everyone."""
        out: list[Any] = []
        for cond in person_parts(column):
            out += list(conn.execute(stmt if cond is None else stmt.where(cond)).all())
        return out

    # Units (not deleted) and their tree.
    unit_rows = conn.execute(unit_filter(
        select(Unit.id, Unit.code, Unit.name, Unit.parent_id).where(Unit.deleted_at.is_(None)), Unit.id)
    ).all()
    unit_code = {r[0]: r[1] for r in unit_rows}

    # The considered people: with an evaluation for the year, or the scope's people.
    eval_cols = (Evaluation.rating, Evaluation.months_worked, Evaluation.maternity_months, Evaluation.discipline,
                 Evaluation.under_review, Evaluation.votes_for, Evaluation.votes_total, Evaluation.score)
    people_q = select(Person.id, Person.code, Person.full_name, Person.gender, Person.unit_id, *eval_cols)
    on_year = and_(Evaluation.person_id == Person.id, Evaluation.year == year)
    people_q = (people_q.join(Evaluation, on_year) if scope is None else people_q.outerjoin(Evaluation, on_year))
    rows = each(people_q.where(Person.deleted_at.is_(None)), Person.id)

    # The unit a person was in during the year, when the unit history says so (the latest
    # period overlapping the year); otherwise the current unit.
    unit_in_year: dict[int, int] = {}
    for pid, uid in each(
        select(PersonUnitHistory.person_id, PersonUnitHistory.unit_id)
        .where(PersonUnitHistory.start_date <= date(year, 12, 31),
               or_(PersonUnitHistory.end_date.is_(None), PersonUnitHistory.end_date >= date(year, 1, 1)))
        .order_by(PersonUnitHistory.person_id, PersonUnitHistory.start_date, PersonUnitHistory.id),
        PersonUnitHistory.person_id,
    ):
        unit_in_year[pid] = uid

    # Award history up to the year (people and units); awards of cancelled decisions do not count.
    person_awards: dict[int, dict[int, set[str]]] = {}
    unit_awards: dict[int, dict[int, set[str]]] = {}
    awards_q = (select(Award.person_id, Award.unit_id, Award.year, Award.title_code)
                .outerjoin(Decision, Decision.id == Award.decision_id)
                .where(Award.year <= year, award_counts()))
    award_rows: list[Any] = (list(conn.execute(awards_q).all()) if scope is None else
                             each(awards_q, Award.person_id)
                             + list(conn.execute(awards_q.where(Award.unit_id.in_(uids))).all()))
    for pid, uid, yr, title in award_rows:
        if pid is not None:
            person_awards.setdefault(pid, {}).setdefault(yr, set()).add(title)
        else:
            unit_awards.setdefault(uid, {}).setdefault(yr, set()).add(title)

    # Earlier ratings: every considered person for the recent years the rules read, and
    # further back only for people whose P7 chain starts earlier.
    bk = params.get("BK_TTG", {})
    back = max([params[t].get("years", 1) for t in ("BK_TINH", "BK_BO") if t in params] + [1])
    recent_from = year - back + 1
    since = year - bk.get("min_years_since", 5)
    qualifying = set(bk.get("qualifying_titles", ()))
    chain_start = {pid: max(yrs) for pid, hist in person_awards.items()
                   if (yrs := [yr for yr, codes in hist.items() if yr <= since and qualifying & codes])}
    ratings: dict[int, dict[int, str | None]] = {}
    for pid, yr, rating in each(
        select(Evaluation.person_id, Evaluation.year, Evaluation.rating)
        .where(Evaluation.year >= recent_from, Evaluation.year < year),
        Evaluation.person_id,
    ):
        d = ratings.get(pid)
        if d is None:
            ratings[pid] = {yr: rating}
        else:
            d[yr] = rating
    if chain_start:
        oldest = min(chain_start.values()) + 1
        if oldest < recent_from:
            for pid, yr, rating in each(
                select(Evaluation.person_id, Evaluation.year, Evaluation.rating)
                .where(Evaluation.year >= oldest, Evaluation.year < recent_from,
                       Evaluation.person_id.in_(select(Award.person_id).where(
                           Award.person_id.is_not(None), Award.year <= since,
                           Award.title_code.in_(sorted(qualifying))))),
                Evaluation.person_id,
            ):
                if yr > chain_start.get(pid, year):
                    ratings.setdefault(pid, {})[yr] = rating

    # Initiatives recognised up to the year, with the year of the award that used each
    # (an award of a cancelled decision frees its initiatives).
    inits: dict[int, list[InitiativeFact]] = {}
    for pid, code, yr, level, used_year, used_state in each(
        select(Initiative.person_id, Initiative.code, Initiative.year, Initiative.level, Award.year, Decision.state)
        .outerjoin(Award, Award.id == Initiative.used_by_award_id)
        .outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Initiative.year <= year),
        Initiative.person_id,
    ):
        fact = InitiativeFact(code, yr, level, None if decision_cancelled(used_state) else used_year)
        lst = inits.get(pid)
        if lst is None:
            inits[pid] = [fact]
        else:
            lst.append(fact)

    root_code = unit_code.get(scope.root) if scope is not None else None
    empty: dict = {}
    people = [
        PersonInput(code, full_name, gender, unit_code.get(unit_in_year.get(pid, unit_id), root_code),
                    EvaluationFact(rating, worked, maternity, discipline, bool(review), vf, vt, score),
                    ratings.get(pid, empty), inits.get(pid, ()), person_awards.get(pid, empty))
        for (pid, code, full_name, gender, unit_id, rating, worked, maternity, discipline, review, vf, vt, score)
        in rows
    ]

    unit_ratings: dict[int, dict[int, str | None]] = defaultdict(dict)
    evaluated: set[int] = set()
    for uid, yr, rating in conn.execute(unit_filter(
        select(UnitEvaluation.unit_id, UnitEvaluation.year, UnitEvaluation.rating).where(UnitEvaluation.year <= year),
        UnitEvaluation.unit_id,
    )):
        unit_ratings[uid][yr] = rating
        if yr == year:
            evaluated.add(uid)
    units = []
    for uid, code, name, parent_id in unit_rows:
        hist = unit_ratings.get(uid, {})
        parent = None if scope is not None and uid == scope.root else unit_code.get(parent_id)
        units.append(UnitInput(code, name, parent, uid in evaluated, hist.get(year),
                               {k: v for k, v in hist.items() if k != year}, unit_awards.get(uid, {})))
    inp = EngineInput(year=year, params=params, people=people, units=units, rule_set=rule_set)
    return inp, [r[0] for r in rows]


def draft_year(session: Session, year: int, rule_set: RuleSet | None = None) -> Draft:
    """The draft of ``year`` with ``rule_set`` (default: the one in force for the year).

    Raises RuleSetError when no rule set is in force for the year."""
    rs = rule_set or rule_set_for_year(session, year)
    with gc_paused():
        inp = load_engine_input(session, year, rs.params, rs.name)
        lists = draft_lists(inp)
    draft = Draft(year=year, rule_set=rs.name, rule_set_id=rs.id, lists=lists,
                  considered_people=len(inp.people),
                  considered_units=next((len(tl.selected) + len(tl.over_quota) + tl.ineligible_count()
                                         for tl in lists if tl.title == "TTLDTT"), 0))
    if not inp.people:
        draft.warnings.append(f"Không có cán bộ nào có kết quả bình xét năm {year}: hãy nhập kết quả bình xét trước.")
    return draft


def draft_to_json(draft: Draft) -> dict[str, Any]:
    """The draft as exchange-format.md "The draft, as JSON" says."""
    # Many people share the very same reasons list: convert each list once.
    converted: dict[int, list[str]] = {}

    def texts(reasons: list) -> list[str]:
        out = converted.get(id(reasons))
        if out is None:
            out = converted[id(reasons)] = [str(r) for r in reasons]
        return out

    return {
        "year": draft.year,
        "rule_set": draft.rule_set,
        "lists": [
            {
                "title": tl.title,
                "subject": tl.subject,
                "quota": tl.quota,
                "quota_basis": tl.quota_basis,
                "selected": [e.code for e in tl.selected],
                "over_quota": [e.code for e in tl.over_quota],
                "ineligible": {code: texts(reasons) for code, reasons in tl.ineligible_reasons()},
            }
            for tl in draft.lists
        ],
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def draft_to_text(draft: Draft) -> str:
    """A readable Vietnamese table of the draft: per title the quota and its basis, then
    the selected, those over quota and the ineligible, each with its reasons."""
    lines = [f"DỰ THẢO DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM {draft.year}",
             f"Bộ quy định áp dụng: {draft.rule_set}. Số cán bộ được xét (có kết quả bình xét năm {draft.year}): "
             f"{draft.considered_people}; số tập thể được xét: {draft.considered_units}.", ""]
    for w in draft.warnings:
        lines += [f"Lưu ý: {w}", ""]
    for tl in draft.lists:
        lines.append("=" * 100)
        lines.append(f"{tl.title} - {tl.name} ({SUBJECT_LABELS[tl.subject]})")
        if tl.quota is None:
            lines.append("Tỷ lệ tối đa: không áp dụng")
        else:
            lines.append(f"Tỷ lệ tối đa: {tl.quota} - cách tính: {tl.quota_basis}")
        lines.append(f"Được đề nghị: {len(tl.selected)}; vượt tỷ lệ: {len(tl.over_quota)}; "
                     f"không đủ điều kiện: {tl.ineligible_count()}")
        for group in ("selected", "over_quota", "ineligible"):
            entries = getattr(tl, group)
            if not entries:
                continue
            lines.append("")
            lines.append(f"  {GROUP_LABELS[group].upper()} ({len(entries)})")
            lines.append(f"  {'TT':>4}  {'Mã':<12} {'Họ và tên / Tên tập thể':<32} {'Đơn vị':<10}")
            for i, e in enumerate(entries, 1):
                rank = e.rank if e.rank is not None else i
                lines.append(f"  {rank:>4}  {_cut(e.code, 12):<12} {_cut(e.name, 32):<32} {_cut(e.unit or '', 10):<10}")
                for r in e.reasons:
                    lines.append(f"{'':8}- {r}")
        lines.append("")
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------



