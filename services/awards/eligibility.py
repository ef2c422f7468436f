"""Live eligibility for the evaluation grid: which titles each member of a unit would be
eligible for under the rule set in force, as the rows stand on screen (saved or not),
with the reasons (rule and article) for the others.

``prepare(session, year, unit_id)`` reads once what does not change while the user types
(the members' earlier ratings, initiatives, award history; the unit tree, the unit's
ratings and awards; the rule set). ``EligibilityContext.evaluate(rows, unit_rating)`` then
runs the rules engine on the members only, in memory, with every quota removed (a quota
is decided over the whole agency in the draft, not in one unit): a few milliseconds for
a unit of 50 people, so it can run on every keystroke.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Unit
from services.awards.drafting import Scope, load_engine_input_with_ids
from services.awards.rules_engine import (
    EngineInput,
    EvaluationFact,
    PersonInput,
    Reason,
    UnitInput,
    draft_lists,
)
from services.awards.rulesets import rule_set_for_year
from services.records.evaluations import GridRow, member_ids
from services.records.units import descendants, parent_map

# Short Vietnamese labels of the titles, as the grid column shows them.
SHORT_LABELS: dict[str, str] = {
    "LDTT": "LĐTT", "CSTDCS": "CSTĐCS", "CSTD_TINH": "CSTĐ tỉnh", "CSTD_TOANQUOC": "CSTĐ toàn quốc",
    "GIAY_KHEN": "Giấy khen", "BK_TINH": "BK tỉnh", "BK_BO": "BK Bộ", "BK_TTG": "BK Thủ tướng",
    "TTLDTT": "TTLĐTT", "TTLDXS": "TTLĐXS", "CO_TINH": "Cờ tỉnh", "CO_BO": "Cờ Bộ",
}


@dataclass
class SubjectEligibility:
    """Titles a person (or the unit) is eligible for, and why not for the others."""

    eligible: list[str] = field(default_factory=list)
    why_eligible: dict[str, list[Reason]] = field(default_factory=dict)
    why_not: dict[str, list[Reason]] = field(default_factory=dict)
    evaluated: bool = True

    def label(self) -> str:
        if not self.evaluated:
            return "—"
        return ", ".join(SHORT_LABELS.get(t, t) for t in self.eligible) or "Không"

    def tooltip(self, names: dict[str, str]) -> str:
        if not self.evaluated:
            return "Chưa nhập xếp loại năm này: chưa xét."
        lines = []
        if self.eligible:
            lines.append("Đủ điều kiện: " + ", ".join(names.get(t, t) for t in self.eligible) + ".")
        for title, reasons in self.why_not.items():
            lines.append(f"Chưa đủ điều kiện {names.get(title, title)}:")
            lines += [f"  • {r.text} ({r.rule}, {r.article})" for r in reasons]
        lines.append("(Chưa tính tỷ lệ tối đa: tỷ lệ được áp dụng khi lập danh sách đề nghị toàn cơ quan.)")
        return "\n".join(lines)


@dataclass
class EligibilityResult:
    people: dict[int, SubjectEligibility]  # by person id
    unit: SubjectEligibility
    title_names: dict[str, str]


def _no_quotas(params: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(params)
    for prm in out.values():
        if isinstance(prm, dict) and "quota_percent" in prm:
            prm["quota_percent"] = None
    return out


class EligibilityContext:
    """What the preview of one unit and year needs, read once (see the module docstring)."""

    def __init__(self, year: int, params: dict[str, Any], rule_set: str, people: dict[int, PersonInput],
                 units: list[UnitInput], unit_code: str) -> None:
        self.year = year
        self.params = _no_quotas(params)
        self.rule_set = rule_set
        self.people = people
        self.units = units
        self.unit_code = unit_code
        from services.awards.rules_engine import TITLE_NAMES

        self.title_names = dict(TITLE_NAMES)

    def evaluate(self, rows: Iterable[GridRow], unit_rating: str | None = None) -> EligibilityResult:
        rows = list(rows)
        considered: list[PersonInput] = []
        code_to_id: dict[str, int] = {}
        for r in rows:
            base = self.people.get(r.person_id)
            if base is None or r.rating is None:
                continue
            fact = EvaluationFact(r.rating, r.months_worked, r.maternity_months, r.discipline, bool(r.under_review),
                                  r.votes_for, r.votes_total, r.score)
            considered.append(PersonInput(base.code, base.full_name, base.gender, base.unit, fact, base.ratings,
                                          base.initiatives, base.awards))
            code_to_id[base.code] = r.person_id
        units = []
        for u in self.units:
            if u.code == self.unit_code:
                u = UnitInput(u.code, u.name, None, unit_rating is not None, unit_rating, u.ratings, u.awards)
            units.append(u)
        lists = draft_lists(EngineInput(self.year, self.params, considered, units, self.rule_set))
        people = {r.person_id: SubjectEligibility(evaluated=r.rating is not None and r.person_id in self.people)
                  for r in rows}
        unit = SubjectEligibility(evaluated=unit_rating is not None or bool(considered))
        for tl in lists:
            for e in tl.selected + tl.over_quota:
                target = people.get(code_to_id.get(e.code, -1)) if e.subject == "person" else (
                    unit if e.code == self.unit_code else None)
                if target is not None:
                    target.eligible.append(tl.title)
                    target.why_eligible[tl.title] = e.reasons
            for e in tl.ineligible:
                target = people.get(code_to_id.get(e.code, -1)) if e.subject == "person" else (
                    unit if e.code == self.unit_code else None)
                if target is not None:
                    target.why_not[tl.title] = e.reasons
        return EligibilityResult(people, unit, self.title_names)


def prepare(session: Session, year: int, unit_id: int, person_ids: Iterable[int] | None = None) -> EligibilityContext:
    """Read the history the preview needs for the members of ``unit_id`` (or ``person_ids``),
    with the engine's own loader (``drafting.load_engine_input``) limited to them."""
    rs = rule_set_for_year(session, year)
    subtree = frozenset(descendants(parent_map(session), unit_id))
    ids = tuple(member_ids(session, year, unit_id) if person_ids is None else person_ids)
    inp, loaded_ids = load_engine_input_with_ids(session, year, rs.params, rs.name, Scope(unit_id, subtree, ids))
    people = dict(zip(loaded_ids, inp.people))
    root_code = next((u.code for u in inp.units if u.parent is None and u.code in {
        c for c in session.scalars(select(Unit.code).where(Unit.id == unit_id))}), "")
    return EligibilityContext(year, rs.params, rs.name, people, list(inp.units), root_code)


__all__ = ["EligibilityContext", "EligibilityResult", "SHORT_LABELS", "SubjectEligibility", "prepare"]
