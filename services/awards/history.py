"""Hồ sơ thành tích: a person's or unit's titles and awards by year, with the decision
numbers, and the "đề xuất khen cao" view — who reaches the conditions for the higher
forms this year (CSTD_TINH, BK_TINH, BK_TTG, as the draft says) and whose chains will
complete next year if they keep going, so nobody eligible is forgotten.

Awards of cancelled decisions are shown (marked «Đã hủy») but never count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Award,
    Decision,
    Evaluation,
    Initiative,
    Person,
    Title,
    Unit,
    UnitEvaluation,
)
from models.vocabulary import RATING_RANK
from services.awards.drafting import Draft, draft_year
from services.awards.valid_awards import award_counts, decision_cancelled
from services.records.units import NotFoundError


@dataclass
class AwardRow:
    year: int
    title_code: str
    title_name: str
    decision_number: str
    decision_date: str
    authority: str
    cancelled: bool
    used_initiatives: list[str] = field(default_factory=list)


@dataclass
class History:
    subject: str  # person / unit
    code: str
    name: str
    unit: str
    awards: list[AwardRow]  # valid awards, by year then title order
    cancelled: list[AwardRow]
    ratings: dict[int, str | None]
    initiatives: list[tuple[int, str, str, str, str]]  # year, code, level, title, used by (decision number)

    def by_year(self) -> dict[int, list[AwardRow]]:
        out: dict[int, list[AwardRow]] = {}
        for a in self.awards:
            out.setdefault(a.year, []).append(a)
        return out

    def years(self) -> list[int]:
        return sorted(set(self.ratings) | {a.year for a in self.awards}, reverse=True)


def _award_rows(session: Session, where) -> tuple[list[AwardRow], list[AwardRow]]:
    from services.system.text import format_date

    order = {t.code: t.sort_order for t in session.scalars(select(Title))}
    names = {t.code: t.name for t in session.scalars(select(Title))}
    rows = session.execute(
        select(Award.id, Award.year, Award.title_code, Decision.number, Decision.issued_on,
               Decision.issuing_authority, Decision.state)
        .outerjoin(Decision, Decision.id == Award.decision_id).where(where)
    ).all()
    used: dict[int | None, list[str]] = {}
    ids = [r[0] for r in rows]
    if ids:
        for aid, code in session.execute(select(Initiative.used_by_award_id, Initiative.code)
                                         .where(Initiative.used_by_award_id.in_(ids))):
            used.setdefault(aid, []).append(code)
    valid: list[AwardRow] = []
    cancelled: list[AwardRow] = []
    for aid, year, code, number, issued, authority, state in sorted(rows, key=lambda r: (r[1], order.get(r[2], 99))):
        row = AwardRow(year, code, names.get(code, code), number or "", format_date(issued), authority or "",
                       decision_cancelled(state), sorted(used.get(aid, [])))
        (cancelled if row.cancelled else valid).append(row)
    return valid, cancelled


def person_history(session: Session, person_id: int) -> History:
    p = session.get(Person, person_id)
    if p is None:
        raise NotFoundError(f"Không tìm thấy cán bộ mã {person_id}.")
    valid, cancelled = _award_rows(session, Award.person_id == p.id)
    ratings = dict(session.execute(select(Evaluation.year, Evaluation.rating).where(Evaluation.person_id == p.id)).all())
    inits = session.execute(
        select(Initiative.year, Initiative.code, Initiative.level, Initiative.title, Decision.number, Decision.state)
        .outerjoin(Award, Award.id == Initiative.used_by_award_id).outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Initiative.person_id == p.id).order_by(Initiative.year, Initiative.code)).all()
    initiatives = [(y, c, lvl, t, (num or "") if not decision_cancelled(state) else "") for y, c, lvl, t, num, state in inits]
    return History("person", p.code, p.full_name, p.unit.name if p.unit else "", valid, cancelled, ratings, initiatives)


def unit_history(session: Session, unit_id: int) -> History:
    u = session.get(Unit, unit_id)
    if u is None:
        raise NotFoundError(f"Không tìm thấy đơn vị mã {unit_id}.")
    valid, cancelled = _award_rows(session, Award.unit_id == u.id)
    ratings = dict(session.execute(select(UnitEvaluation.year, UnitEvaluation.rating)
                                   .where(UnitEvaluation.unit_id == u.id)).all())
    return History("unit", u.code, u.name, u.parent.name if u.parent else "", valid, cancelled, ratings, [])


def find_subject(session: Session, *, person: str | None = None, unit: str | None = None) -> History:
    if person:
        pid = session.scalar(select(Person.id).where(Person.code == person.strip()))
        if pid is None:
            raise NotFoundError(f"Không có cán bộ mã «{person}». Hãy kiểm tra mã cán bộ (vd. CB0008).")
        return person_history(session, pid)
    uid = session.scalar(select(Unit.id).where(Unit.code == (unit or "").strip()))
    if uid is None:
        raise NotFoundError(f"Không có đơn vị mã «{unit}». Hãy kiểm tra mã đơn vị.")
    return unit_history(session, uid)


def history_to_text(h: History) -> str:
    from models.vocabulary import RATINGS

    lines = [f"HỒ SƠ THÀNH TÍCH: {h.code} - {h.name}" + (f" ({h.unit})" if h.unit else "")]
    by_year = h.by_year()
    for y in h.years():
        r = h.ratings.get(y)
        lines.append(f"Năm {y}: xếp loại {RATINGS.get(r, r) if r else 'chưa có'}")
        for a in by_year.get(y, []):
            extra = f"; sáng kiến đã dùng: {', '.join(a.used_initiatives)}" if a.used_initiatives else ""
            lines.append(f"  - {a.title_name} ({a.title_code}), QĐ số {a.decision_number or 'không ghi'} "
                         f"ngày {a.decision_date or '?'}{extra}")
    for a in h.cancelled:
        lines.append(f"  [Đã hủy] {a.year} {a.title_name}, QĐ số {a.decision_number}")
    if h.initiatives:
        lines.append("Sáng kiến:")
        for y, c, lvl, t, used in h.initiatives:
            lines.append(f"  - {y} {c} ({lvl}) {t}" + (f" — đã dùng cho QĐ {used}" if used else " — chưa dùng"))
    return "\n".join(lines)


# --- đề xuất khen cao ---------------------------------------------------------------------

@dataclass
class Candidate:
    title_code: str
    code: str
    name: str
    unit: str
    basis: str  # why (this year) or what is still missing (next year)


@dataclass
class HigherForms:
    year: int
    this_year: list[Candidate]
    next_year: list[Candidate]


HIGHER = ("CSTD_TINH", "BK_TINH", "BK_BO", "BK_TTG", "CSTD_TOANQUOC")


def higher_forms(session: Session, year: int, draft: Draft | None = None) -> HigherForms:
    """This year's candidates for the higher forms (the draft's selection), and the people
    whose chains complete next year: CSTĐCS in year-1 and year (CSTD_TINH needs the third
    year), and a BK_TINH/BK_BO four years ago with good ratings since (BK_TTG next year)."""
    draft = draft or draft_year(session, year)
    this = []
    for tl in draft.lists:
        if tl.title not in HIGHER:
            continue
        for e in tl.selected:
            this.append(Candidate(tl.title, e.code, e.name, e.unit or "", "; ".join(r.text for r in e.reasons[:1])))
    cs_now = {e.code for e in draft.list_for("CSTDCS").selected} if any(t.title == "CSTDCS" for t in draft.lists) else set()
    conn = session.connection()
    valid = award_counts()
    held: dict[str, dict[int, set[str]]] = {}
    for code, yr, title in conn.execute(
        select(Person.code, Award.year, Award.title_code).join(Award, Award.person_id == Person.id)
        .outerjoin(Decision, Decision.id == Award.decision_id).where(valid, Award.year >= year - 5, Award.year <= year)
    ):
        held.setdefault(code, {}).setdefault(yr, set()).add(title)
    # This year's CSTDCS: the decision's awards once there is one, else the draft's selection.
    if not any("CSTDCS" in ys.get(year, ()) for ys in held.values()):
        for code in cs_now:
            held.setdefault(code, {}).setdefault(year, set()).add("CSTDCS")
    people = {c: (n, u) for c, n, u in conn.execute(
        select(Person.code, Person.full_name, Unit.code).join(Unit, Unit.id == Person.unit_id)
        .where(Person.deleted_at.is_(None)))}
    tinh_inits: dict[str, list[int]] = {}
    for code, yr in conn.execute(select(Person.code, Initiative.year).join(Initiative, Initiative.person_id == Person.id)
                                 .where(Initiative.level.in_(["tinh", "toan_quoc"]), Initiative.year >= year - 1)):
        tinh_inits.setdefault(code, []).append(yr)
    ratings: dict[str, dict[int, str | None]] = {}
    for code, yr, r in conn.execute(select(Person.code, Evaluation.year, Evaluation.rating)
                                    .join(Evaluation, Evaluation.person_id == Person.id)
                                    .where(Evaluation.year >= year - 4, Evaluation.year <= year)):
        ratings.setdefault(code, {})[yr] = r
    already = {(c.title_code, c.code) for c in this}
    nxt = []
    for code, years in sorted(held.items()):
        if code not in people:
            continue
        name, unit = people[code]
        if "CSTDCS" in years.get(year, ()) and "CSTDCS" in years.get(year - 1, ()) and ("CSTD_TINH", code) not in already:
            has = tinh_inits.get(code)
            need = "đã có sáng kiến cấp tỉnh" if has else "cần thêm sáng kiến cấp bộ, ngành, tỉnh"
            nxt.append(Candidate("CSTD_TINH", code, name, unit,
                                 f"đạt CSTĐCS {year - 1}, {year}; nếu đạt CSTĐCS năm {year + 1} thì đủ 3 năm liên tục ({need})"))
        b = year + 1 - 5
        if years.get(b, set()) & {"BK_TINH", "BK_BO"} and ("BK_TTG", code) not in already:
            rated = ratings.get(code, {})
            ok = all(RATING_RANK.get(rated.get(x) or "", -1) >= RATING_RANK["HTTNV"] for x in range(b + 1, year + 1))
            cs = [x for x in range(b + 1, year + 1) if "CSTDCS" in held.get(code, {}).get(x, ())]
            if ok and len(cs) >= 2:
                nxt.append(Candidate("BK_TTG", code, name, unit,
                                     f"Bằng khen năm {b}; xếp loại tốt các năm {b + 1}-{year}; CSTĐCS {len(cs)} năm "
                                     f"({', '.join(map(str, cs))}); đủ 5 năm vào năm {year + 1}"
                                     + ("" if len(cs) >= 3 else f" nếu đạt CSTĐCS năm {year + 1}")))
    return HigherForms(year, this, nxt)
