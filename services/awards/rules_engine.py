"""The rules engine: rules P1..P8 and U1..U5 of ``rules-2024.md`` applied to plain
inputs, with every decision explained. Pure: no database, no widgets.

Input: ``EngineInput`` (the year, the rule set's ``params``, the people and units).
Output: one ``TitleList`` per drafted title, each entry in one of the groups
``selected`` / ``over_quota`` / ``ineligible`` with its rank and its reasons; every
reason names the rule and the legal article it applied.

Readings chosen where ``rules-2024.md`` leaves room (a secretariat officer's reading):

- The people *considered* for year Y are those with an evaluation for Y (including
  people under review or disciplined: they are listed as ineligible, with the reason).
  The units considered are those with a unit evaluation for Y or with at least one
  member evaluated for Y. A unit's members are the people attached, in Y, to it or to
  one of its sub-units who have an evaluation for Y.
- "holds title T in year X" reads the award history for X < Y; for X = Y it is true
  when this draft selects the person for T (CSTDCS for P4/P6/P7, CSTD_TINH for P5) or
  an award of T for Y is already recorded.
- A missing evaluation breaks a chain of ratings (P7, U4) like a weaker rating does.
- Months worked for P1 are ``months_worked + maternity_months``, capped at 12
  (the exchange format records maternity leave separately from months worked).
- P2 votes: a share is computed only when both ``votes_for`` and ``votes_total`` are
  recorded; exactly ``min_vote_percent`` passes.
- P5: the ``toan_quoc`` initiative may have been recognised in any year up to Y (the
  rule sets no window).
- P6 "an initiative serves one award": an initiative counts unless an award of a year
  before Y already used it. P2, P4, P5 count an initiative's recognition only (the
  rule text ties the one-award limit to P6).
- P7/U4: the latest qualifying award year B with Y - B >= min_years_since is used
  (as written), even if a later chain from an earlier B would pass.
- U2 requires U1 (TTLDXS is chosen among units eligible for TTLDTT, whose count is the
  quota base), which the default thresholds imply anyway.
- Titles with no quota are ranked too (same order as with a quota), so every list
  is deterministic; unit lists without a quota are in unit-code order.
- Any drafted title may be given a quota: person titles count people eligible for
  LDTT in the scope, unit titles count units eligible for TTLDTT in the scope.
"""
from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from models.vocabulary import DISCIPLINES, INITIATIVE_LEVEL_RANK, RATING_RANK, TITLES
from services.system.text import name_ranks

TITLE_NAMES: dict[str, str] = {t[0]: t[1] for t in TITLES}
TITLE_ORDER: list[str] = [t[0] for t in TITLES]
LEVEL_NAMES = {"co_so": "cơ sở", "tinh": "bộ, ngành, tỉnh", "toan_quoc": "toàn quốc"}
SCOPE_NAMES = {"agency": "toàn cơ quan", "unit": "từng đơn vị cấp trên cùng"}

# Rules whose lists the engine drafts, by rule id.
PERSON_RULES = ("P1", "P2", "P4", "P5", "P6", "P7", "P8")
UNIT_RULES = ("U1", "U2", "U3", "U4")
GROUPS = ("selected", "over_quota", "ineligible")


# --- inputs ---------------------------------------------------------------------------

@dataclass(slots=True)
class EvaluationFact:
    """A person's evaluation (bình xét) for the drafted year."""

    rating: str | None
    months_worked: int = 12
    maternity_months: int = 0
    discipline: str | None = None
    under_review: bool = False
    votes_for: int | None = None
    votes_total: int | None = None
    score: float | None = None


class InitiativeFact(NamedTuple):
    code: str
    year: int
    level: str
    # The year of the award that already used this initiative; None while it is free.
    used_in: int | None = None


@dataclass(slots=True)
class PersonInput:
    code: str
    full_name: str
    gender: str
    unit: str | None  # code of the unit the person belongs to in the drafted year
    evaluation: EvaluationFact  # the drafted year's
    ratings: Mapping[int, str | None] = field(default_factory=dict)  # earlier years' ratings
    initiatives: Sequence[InitiativeFact] = ()
    awards: Mapping[int, Iterable[str]] = field(default_factory=dict)  # year -> title codes (history)


@dataclass(slots=True)
class UnitInput:
    code: str
    name: str
    parent: str | None
    evaluated: bool  # has a unit evaluation for the drafted year
    rating: str | None  # the drafted year's unit rating
    ratings: Mapping[int, str | None] = field(default_factory=dict)  # earlier years
    awards: Mapping[int, Iterable[str]] = field(default_factory=dict)


@dataclass
class EngineInput:
    year: int
    params: Mapping[str, Any]  # RuleSet.params
    people: Sequence[PersonInput]
    units: Sequence[UnitInput] = ()
    rule_set: str = ""


# --- outputs --------------------------------------------------------------------------

class Reason(NamedTuple):
    rule: str
    article: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "article": self.article, "text": self.text}

    def __str__(self) -> str:
        return f"{self.rule}: {self.text} ({self.article})"


@dataclass(slots=True)
class Entry:
    """One person or unit on a list (ready to become a ``Nomination`` row)."""

    subject: str  # "person" or "unit"
    code: str
    name: str
    unit: str | None  # the person's unit, or the unit's parent
    group: str  # selected / over_quota / ineligible
    rank: int | None
    reasons: list[Reason]
    # --- for the nomination workflow (services/awards/nominations.py, services/awards/decisions.py) ---
    # Codes of the initiatives a selected or over-quota entry relies on (P2: one
    # initiative of the year; P4/P5: the initiative cited; P6: the first ``min_initiatives``
    # free ones, oldest first): a decision granting the title marks them as used.
    initiatives: tuple[str, ...] = ()
    # Ranked entries equal on every ranking step but the last (the name order, P3 step 5;
    # U2's unit code) share a tie number, which lets the secretariat reorder them by hand.
    tie: int | None = None


class TitleList:
    """The list of one title: quota, selected and over-quota entries in rank order, and the
    ineligible ones (in code order) with their reasons.

    ``ineligible_reasons`` (code -> reasons) is what the engine decided; the ``ineligible``
    entries are built from it when first asked for, so a draft that is only exported
    does not create hundreds of thousands of wrapper objects."""

    def __init__(self, title: str, name: str, subject: str, quota: int | None = None, quota_basis: str = ""):
        self.title, self.name, self.subject = title, name, subject
        self.quota, self.quota_basis = quota, quota_basis
        self.selected: list[Entry] = []
        self.over_quota: list[Entry] = []
        # (subject, considered inputs in code order, reasons by code) per subject.
        self._ineligible_src: list[tuple[str, Sequence[Any], Mapping[str, list[Reason]]]] = []
        self._ineligible: list[Entry] | None = None

    def ineligible_reasons(self) -> Iterator[tuple[str, list[Reason]]]:
        """(code, reasons) of every ineligible person or unit, people first, in code order."""
        for _subject, src, fails in self._ineligible_src:
            for s in src:
                f = fails.get(s.code)
                if f is not None:
                    yield s.code, f

    def ineligible_count(self) -> int:
        return sum(len(fails) for _s, _src, fails in self._ineligible_src)

    @property
    def ineligible(self) -> list[Entry]:
        if self._ineligible is None:
            out = []
            for subject, src, fails in self._ineligible_src:
                for s in src:
                    f = fails.get(s.code)
                    if f is None:
                        continue
                    if subject == "person":
                        out.append(Entry("person", s.code, s.full_name, s.unit, "ineligible", None, list(f)))
                    else:
                        out.append(Entry("unit", s.code, s.name, s.parent, "ineligible", None, list(f)))
            self._ineligible = out
        return self._ineligible

    @property
    def entries(self) -> list[Entry]:
        return self.selected + self.over_quota + self.ineligible


# --- helpers --------------------------------------------------------------------------

def _pct(x: Fraction | float) -> str:
    """A percentage as Vietnamese write it: 66,7 ; 70."""
    text = f"{float(x):.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return str(x).replace(".", ",")


def _years(years: Iterable[int]) -> str:
    return ", ".join(map(str, years))


def _ok_rating(rating: str | None, minimum: str) -> bool:
    return rating is not None and RATING_RANK.get(rating, -1) >= RATING_RANK[minimum]


def quota_of(percent: Any, n: int, rounding: str) -> int:
    """floor or half_up of percent x n / 100, exactly (no binary floating point)."""
    x = Fraction(str(percent)) * n / 100
    if rounding == "half_up":
        x += Fraction(1, 2)
    return int(x // 1)


def _rule_of(params: Mapping[str, Any], rules: Iterable[str]) -> tuple[str, str] | None:
    for rule in rules:
        if rule in params.get("rules", {}):
            return rule, params["rules"][rule]["article"]
    return None


class _Ctx:
    """State shared by the rules while drafting one year."""

    def __init__(self, inp: EngineInput):
        self.year = inp.year
        self.params = inp.params
        self.people = sorted(inp.people, key=lambda p: p.code)
        self.units = sorted(inp.units, key=lambda u: u.code)
        self.unit_by_code = {u.code: u for u in self.units}
        self.ur_article = inp.params["LDTT"].get("under_review_article", "NĐ 98/2023/NĐ-CP Điều 4")
        self.memo: dict[tuple, Any] = {}
        self._holders: dict[tuple[str, int], set[str]] = {}
        self._spans: dict[tuple, list] = {}
        self.positions: dict[int, dict[str, int]] = {}
        self.grounds: dict[str, tuple[bool, list]] = {}
        self.selected: dict[str, set[str]] = defaultdict(set)
        self.eligible: dict[str, set[str]] = {}
        # Top-level ancestor of every unit, and the chain (unit, parent, ...) for membership.
        self.chain: dict[str, tuple[str, ...]] = {}
        for u in self.units:
            chain, seen, cur = [], set(), u.code
            while cur is not None and cur not in seen:
                seen.add(cur)
                chain.append(cur)
                parent = self.unit_by_code.get(cur)
                cur = parent.parent if parent is not None else None
            self.chain[u.code] = tuple(chain)

    def top(self, unit: str | None) -> str:
        if unit is None:
            return ""
        chain = self.chain.get(unit)
        return chain[-1] if chain else unit

    def holds(self, p: PersonInput, title: str, year: int) -> bool:
        return p.code in self.holders(title, year)

    def span_holders(self, title: str, first: int, last: int) -> list[tuple[int, set[str]]]:
        key = (title, first, last)
        got = self._spans.get(key)
        if got is None:
            got = self._spans[key] = [(x, self.holders(title, x)) for x in range(first, last + 1)]
        return got

    def holders(self, title: str, year: int) -> set[str]:
        """Codes of the people holding ``title`` in ``year``: the award history, and for the
        drafted year also this draft's selection (call after that title was drafted)."""
        key = (title, year)
        got = self._holders.get(key)
        if got is None:
            got = {p.code for p in self.people if p.awards and title in p.awards.get(year, ())}
            if year == self.year:
                got |= self.selected[title]
            self._holders[key] = got
        return got

    def rating(self, p: PersonInput, year: int) -> str | None:
        return p.evaluation.rating if year == self.year else p.ratings.get(year)

    def common(self, rule: str, article: str, under_review: bool, blocked: str | None) -> list[Reason]:
        """Every individual rule: not under review, and no blocking discipline in Y."""
        out = []
        if under_review:
            out.append(Reason(rule, self.ur_article, f"đang bị xem xét kỷ luật, điều tra, thanh tra hoặc xác minh "
                                                     f"khiếu nại trong năm {self.year}: không được xét"))
        if blocked is not None:
            out.append(Reason(rule, article, f"bị kỷ luật {DISCIPLINES[blocked].lower()} trong năm {self.year}"))
        return out


# --- individual rules -----------------------------------------------------------------
#
# Each rule is prepared once per title (``_pX(ctx, prm, rule, art)``: its parameters,
# ranks and holder sets bound as locals) and returns ``check(person) -> (failure
# reasons, positive reasons)``. Most people fail the higher titles for the same few
# reasons, so a failure's reasons are built once per distinct set of deciding facts
# (``memo``, keyed by those facts) and shared: identical text, a fraction of the work.

def _prepare_common(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    blocking = frozenset(prm.get("blocking_discipline", ()))
    return blocking, ctx.memo.setdefault(("memo", id(prm), rule), {})


def _p1(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    min_rank, min_rating, min_months = RATING_RANK[prm["min_rating"]], prm["min_rating"], prm["min_months"]

    def check(p: PersonInput):
        ev = p.evaluation
        d = ev.discipline
        blocked = d if d is not None and d in blocking else None
        months = min(12, ev.months_worked + ev.maternity_months)
        key = (ev.under_review, blocked, ev.rating, months, ev.maternity_months)
        cached = memo.get(key)
        if cached is not None:
            return cached
        ok_rating = RATING_RANK.get(ev.rating, -1) >= min_rank
        fails = ctx.common(rule, art, ev.under_review, blocked)
        if ev.rating is None:
            fails.append(Reason(rule, art, f"chưa có kết quả xếp loại năm {y}"))
        elif not ok_rating:
            fails.append(Reason(rule, art, f"xếp loại {ev.rating} năm {y}, cần {min_rating} trở lên"))
        if months < min_months:
            extra = f", kể cả {ev.maternity_months} tháng nghỉ thai sản" if ev.maternity_months else ""
            fails.append(Reason(rule, art, f"công tác {months} tháng trong năm {y}{extra}, cần ít nhất {min_months} tháng"))
        if fails:
            result = (fails, None)
        else:
            extra = f" (kể cả {ev.maternity_months} tháng thai sản)" if ev.maternity_months else ""
            result = ([], [Reason(rule, art, f"xếp loại {ev.rating}, công tác {months} tháng{extra}, "
                                             f"không bị kỷ luật năm {y}")])
        memo[key] = result
        return result

    return check


def _grounds(ctx: _Ctx, p: PersonInput, prm: Mapping[str, Any]) -> tuple[bool, list[InitiativeFact]]:
    excellent = RATING_RANK.get(p.evaluation.rating, -1) >= RATING_RANK[prm["excellent_rating"]]
    if not p.initiatives:
        return excellent, []
    lvl = INITIATIVE_LEVEL_RANK[prm["min_initiative_level"]]
    inits = [i for i in p.initiatives if i.year == ctx.year and INITIATIVE_LEVEL_RANK.get(i.level, -1) >= lvl]
    return excellent, inits


def _vote_share(ev: EvaluationFact) -> Fraction | None:
    if ev.votes_for is None or not ev.votes_total:
        return None
    return Fraction(ev.votes_for * 100, ev.votes_total)


def _p2(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    ldtt, ldtt_fails, grounds_of = ctx.eligible["LDTT"], ctx.ldtt_fails, ctx.grounds
    exc_rank, lvl = RATING_RANK[prm["excellent_rating"]], INITIATIVE_LEVEL_RANK[prm["min_initiative_level"]]
    minimum = prm.get("min_vote_percent")
    m = Fraction(str(minimum)) if minimum is not None else None
    relied: dict[str, tuple[str, ...]] = {}

    def check(p: PersonInput):
        ev = p.evaluation
        code = p.code
        ldtt_ok = code in ldtt
        excellent = RATING_RANK.get(ev.rating, -1) >= exc_rank
        got = grounds_of.get(code)
        if got is not None and got[2] is prm:
            inits = got[1]
        else:
            inits = [i for i in p.initiatives if i.year == y and INITIATIVE_LEVEL_RANK.get(i.level, -1) >= lvl] \
                if p.initiatives else []
        low_votes = (m is not None and ev.votes_for is not None and bool(ev.votes_total)
                     and ev.votes_for * 100 * m.denominator < m.numerator * ev.votes_total)
        d = ev.discipline
        blocked = d if ldtt_ok and d is not None and d in blocking else None
        under_review = ev.under_review and ldtt_ok
        if ldtt_ok and (excellent or inits) and not low_votes and blocked is None and not under_review:
            grounds = []
            if excellent:
                grounds.append(f"xếp loại {ev.rating}")
            if inits:
                grounds.append("sáng kiến " + ", ".join(i.code for i in inits))
            share = _vote_share(ev)
            votes = f", phiếu tín nhiệm {_pct(share)}%" if share is not None else ""
            if inits:
                relied[code] = (min(inits, key=lambda i: (i.year, i.code)).code,)
            return [], [Reason(rule, art, f"đạt Lao động tiên tiến; {' và '.join(grounds)} năm {y}{votes}")]
        p1_fails = None if ldtt_ok else ldtt_fails.get(code, ())
        key = (id(p1_fails), under_review, blocked, bool(excellent or inits), ev.rating,
               (ev.votes_for, ev.votes_total) if low_votes else None)
        fails = memo.get(key)
        if fails is not None:
            return fails, None
        fails = []
        if not ldtt_ok:
            fails.append(Reason(rule, art, f"chưa đủ điều kiện Lao động tiên tiến năm {y}"))
            fails.extend(p1_fails)
        else:
            fails.extend(ctx.common(rule, art, under_review, blocked))
        if not excellent and not inits:
            fails.append(Reason(rule, art, f"xếp loại {ev.rating or 'chưa có'} và không có sáng kiến cấp "
                                           f"{LEVEL_NAMES[prm['min_initiative_level']]} trở lên được công nhận năm {y}"))
        if low_votes:
            fails.append(Reason(rule, art, f"tỷ lệ phiếu tín nhiệm {_pct(_vote_share(ev))}% ({ev.votes_for}/"
                                           f"{ev.votes_total}), dưới {_num(prm['min_vote_percent'])}%"))
        memo[key] = fails
        return fails, None

    check.relied = relied
    return check


def _p4(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y, n = ctx.year, prm["years"]
    first = y - n + 1
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    lvl = INITIATIVE_LEVEL_RANK[prm["min_initiative_level"]]
    spans = ctx.span_holders("CSTDCS", first, y)
    span_text = _years(range(first, y + 1))
    relied: dict[str, tuple[str, ...]] = {}

    def check(p: PersonInput):
        ev, code = p.evaluation, p.code
        d = ev.discipline
        blocked = d if d is not None and d in blocking else None
        missing = tuple([x for x, h in spans if code not in h])
        inits = [i for i in p.initiatives if first <= i.year <= y and INITIATIVE_LEVEL_RANK.get(i.level, -1) >= lvl] \
            if p.initiatives else ()
        if not (missing or not inits or blocked or ev.under_review):
            i = min(inits, key=lambda i: (i.year, i.code))
            relied[code] = (i.code,)
            return [], [Reason(rule, art, f"đạt CSTĐCS các năm {span_text}; sáng kiến {i.code} cấp "
                                          f"{LEVEL_NAMES[i.level]} năm {i.year}")]
        key = (ev.under_review, blocked, missing, bool(inits))
        fails = memo.get(key)
        if fails is not None:
            return fails, None
        fails = ctx.common(rule, art, ev.under_review, blocked)
        if missing:
            note = f" (năm {y}: không được chọn trong dự thảo CSTĐCS năm nay)" if y in missing else ""
            fails.append(Reason(rule, art, f"không đạt Chiến sĩ thi đua cơ sở năm {_years(missing)}; cần {n} năm "
                                           f"liên tục {first}-{y}{note}"))
        if not inits:
            fails.append(Reason(rule, art, f"không có sáng kiến cấp {LEVEL_NAMES[prm['min_initiative_level']]} trở lên "
                                           f"được công nhận trong các năm {first}-{y}"))
        memo[key] = fails
        return fails, None

    check.relied = relied
    return check


def _p5(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y, n = ctx.year, prm["years"]
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    lvl = INITIATIVE_LEVEL_RANK[prm["min_initiative_level"]]
    spans = ctx.span_holders("CSTD_TINH", y - n, y)
    anyone = set().union(*(h for _x, h in spans))
    windows = [tuple(range(end - n + 1, end + 1)) for end in (y, y - 1)]
    relied: dict[str, tuple[str, ...]] = {}

    def check(p: PersonInput):
        ev, code = p.evaluation, p.code
        d = ev.discipline
        blocked = d if d is not None and d in blocking else None
        held = tuple([x for x, h in spans if code in h]) if code in anyone else ()
        chain = next((w for w in windows if all(x in held for x in w)), None) if held else None
        inits = [i for i in p.initiatives if i.year <= y and INITIATIVE_LEVEL_RANK.get(i.level, -1) >= lvl] \
            if p.initiatives else ()
        if chain is not None and inits and not blocked and not ev.under_review:
            i = min(inits, key=lambda i: (i.year, i.code))
            relied[code] = (i.code,)
            return [], [Reason(rule, art, f"đạt CSTĐ cấp tỉnh các năm {_years(chain)}; sáng kiến {i.code} cấp "
                                          f"{LEVEL_NAMES[i.level]} năm {i.year}")]
        key = (ev.under_review, blocked, chain is None, held, bool(inits))
        fails = memo.get(key)
        if fails is not None:
            return fails, None
        fails = ctx.common(rule, art, ev.under_review, blocked)
        if chain is None:
            had = f" (chỉ đạt năm {_years(held)})" if held else ""
            fails.append(Reason(rule, art, f"không có {n} năm liên tục đạt Chiến sĩ thi đua cấp bộ, ngành, tỉnh kết "
                                           f"thúc năm {y - 1} hoặc {y}{had}"))
        if not inits:
            fails.append(Reason(rule, art, f"không có sáng kiến cấp {LEVEL_NAMES[prm['min_initiative_level']]}"))
        memo[key] = fails
        return fails, None

    check.relied = relied
    return check


def _p6(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y, n = ctx.year, prm["years"]
    first = y - n + 1
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    spans = ctx.span_holders("CSTDCS", first, y)
    exc, exc_rank = prm["excellent_rating"], RATING_RANK[prm["excellent_rating"]]
    lvl, need = INITIATIVE_LEVEL_RANK[prm["min_initiative_level"]], prm["min_initiatives"]
    span_text = _years(range(first, y + 1))
    earlier = range(first, y)
    relied: dict[str, tuple[str, ...]] = {}

    def check(p: PersonInput):
        ev, code = p.evaluation, p.code
        d = ev.discipline
        blocked = d if d is not None and d in blocking else None
        no_cs = tuple([x for x, h in spans if code not in h])
        weak: tuple = ()
        if no_cs:
            ratings = p.ratings
            weak = tuple([(x, r) for x in earlier if RATING_RANK.get(r := ratings.get(x), -1) < exc_rank])
            if RATING_RANK.get(ev.rating, -1) < exc_rank:
                weak += ((y, ev.rating),)
        free, used = [], []
        if p.initiatives:
            for i in p.initiatives:
                if first <= i.year <= y and INITIATIVE_LEVEL_RANK.get(i.level, -1) >= lvl:
                    # Used by an award of an earlier year: it has served its one award.
                    (free if i.used_in is None or i.used_in >= y else used).append(i)
        enough = len(free) >= need
        chain_ok = not (no_cs and weak)
        if chain_ok and enough and not blocked and not ev.under_review:
            basis = f"đạt CSTĐCS các năm {span_text}" if not no_cs else f"xếp loại {exc} các năm {span_text}"
            codes = ", ".join(i.code for i in sorted(free))
            relied[code] = tuple(i.code for i in sorted(free, key=lambda i: (i.year, i.code))[:need])
            return [], [Reason(rule, art, f"{basis}; sáng kiến chưa dùng: {codes}")]
        key = (ev.under_review, blocked, None if chain_ok else (no_cs, weak),
               None if enough else (len(free), tuple(sorted(used)) if used else ()))
        fails = memo.get(key)
        if fails is not None:
            return fails, None
        fails = ctx.common(rule, art, ev.under_review, blocked)
        if not chain_ok:
            weak_text = "; ".join(f"năm {x}: {r or 'chưa xếp loại'}" for x, r in weak)
            fails.append(Reason(rule, art, f"không đạt CSTĐCS năm {_years(no_cs)} (cần cả các năm {span_text}), "
                                           f"cũng không xếp loại {exc} cả các năm {span_text} ({weak_text})"))
        if not enough:
            used_text = "; " + ", ".join(f"{i.code} đã dùng cho khen thưởng năm {i.used_in}"
                                         for i in sorted(used)) if used else ""
            fails.append(Reason(rule, prm.get("initiative_article", art),
                                f"có {len(free)} sáng kiến cấp {LEVEL_NAMES[prm['min_initiative_level']]} trở lên được "
                                f"công nhận trong các năm {first}-{y} chưa dùng cho khen thưởng trước, cần {need} "
                                f"(mỗi sáng kiến chỉ dùng cho một lần khen thưởng){used_text}"))
        memo[key] = fails
        return fails, None

    check.relied = relied
    return check


def _latest_qualifying(awards: Mapping[int, Iterable[str]], titles: Iterable[str], last_year: int) -> int | None:
    if not awards:
        return None
    titles = set(titles)
    years = [yr for yr, codes in awards.items() if yr <= last_year and not titles.isdisjoint(codes)]
    return max(years) if years else None


def _p7(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    qualifying, last = frozenset(prm["qualifying_titles"]), y - prm["min_years_since"]
    min_rating, min_rank, min_cs = prm["min_rating"], RATING_RANK[prm["min_rating"]], prm["min_cstdcs_years"]

    def check(p: PersonInput):
        ev = p.evaluation
        d = ev.discipline
        blocked = d if d is not None and d in blocking else None
        b = _latest_qualifying(p.awards, qualifying, last)
        broken: tuple = ()
        cs: tuple = ()
        if b is not None:
            broken = tuple((x, r) for x in range(b + 1, y + 1) if RATING_RANK.get(r := ctx.rating(p, x), -1) < min_rank)
            cs = tuple(x for x in range(b + 1, y + 1) if ctx.holds(p, "CSTDCS", x))
        few = len(cs) < min_cs
        if b is not None and not broken and not few and not blocked and not ev.under_review:
            return [], [Reason(rule, art, f"Bằng khen năm {b}; các năm {b + 1}-{y} xếp loại {min_rating} trở lên; "
                                          f"CSTĐCS năm {_years(cs)}")]
        key = (ev.under_review, blocked, b, broken, cs if few else None)
        fails = memo.get(key)
        if fails is not None:
            return fails, None
        fails = ctx.common(rule, art, ev.under_review, blocked)
        if b is None:
            fails.append(Reason(rule, art, f"chưa được tặng Bằng khen cấp bộ, ngành, tỉnh trong năm {last} "
                                           f"hoặc trước đó"))
        else:
            if broken:
                text = "; ".join(f"năm {x} xếp loại {r}" if r else f"năm {x} không có kết quả xếp loại"
                                 for x, r in broken)
                fails.append(Reason(rule, art, f"sau Bằng khen năm {b}, các năm {b + 1}-{y} phải xếp loại {min_rating} "
                                               f"trở lên: {text}"))
            if few:
                had = f" (năm {_years(cs)})" if cs else ""
                fails.append(Reason(rule, art, f"đạt CSTĐCS {len(cs)} lần trong các năm {b + 1}-{y}{had}, "
                                               f"cần {min_cs} lần"))
        memo[key] = fails
        return fails, None

    return check


def _p8(ctx: _Ctx, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    blocking, memo = _prepare_common(ctx, prm, rule, art)
    min_rating, min_rank = prm["min_rating"], RATING_RANK[prm["min_rating"]]

    def check(p: PersonInput):
        ev = p.evaluation
        d = ev.discipline
        blocked = d if d is not None and d in blocking else None
        key = (ev.under_review, blocked, ev.rating)
        cached = memo.get(key)
        if cached is not None:
            return cached
        fails = ctx.common(rule, art, ev.under_review, blocked)
        if RATING_RANK.get(ev.rating, -1) < min_rank:
            fails.append(Reason(rule, art, f"xếp loại {ev.rating or 'chưa có'} năm {y}, cần {min_rating}"))
        result = (fails, None) if fails else ([], [Reason(rule, art, f"xếp loại {ev.rating} năm {y}, không bị kỷ luật")])
        memo[key] = result
        return result

    return check


PERSON_FUNCS = {"P1": _p1, "P2": _p2, "P4": _p4, "P5": _p5, "P6": _p6, "P7": _p7, "P8": _p8}


# --- collective rules -------------------------------------------------------------------

@dataclass(slots=True)
class _Members:
    count: int = 0
    ldtt: int = 0
    cstdcs: int = 0
    ratings: dict = field(default_factory=lambda: defaultdict(int))
    disciplines: dict = field(default_factory=lambda: defaultdict(int))


def _members(ctx: _Ctx) -> dict[str, _Members]:
    stats: dict[str, _Members] = defaultdict(_Members)
    ldtt, cstdcs = ctx.eligible["LDTT"], ctx.selected["CSTDCS"]
    for p in ctx.people:
        if p.unit is None:
            continue
        is_ldtt, is_cs = p.code in ldtt, p.code in cstdcs
        ev = p.evaluation
        for u in ctx.chain.get(p.unit, (p.unit,)):
            m = stats[u]
            m.count += 1
            m.ldtt += is_ldtt
            m.cstdcs += is_cs
            m.ratings[ev.rating] += 1
            if ev.discipline is not None:
                m.disciplines[ev.discipline] += 1
    return stats


def _discipline_text(m: _Members, blocking: Iterable[str]) -> str | None:
    found = [(d, m.disciplines[d]) for d in DISCIPLINES if d in blocking and m.disciplines.get(d)]
    if not found:
        return None
    return ", ".join(f"{DISCIPLINES[d].lower()}: {n}" for d, n in found)


def _u1(ctx: _Ctx, u: UnitInput, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    m = ctx.members.get(u.code) or _Members()
    fails = []
    if u.rating is None:
        fails.append(Reason(rule, art, f"chưa có kết quả xếp loại tập thể năm {y}"))
    elif not _ok_rating(u.rating, prm["unit_min_rating"]):
        fails.append(Reason(rule, art, f"tập thể xếp loại {u.rating} năm {y}, cần {prm['unit_min_rating']} trở lên"))
    if m.count == 0:
        fails.append(Reason(rule, art, f"không có thành viên nào được bình xét năm {y}"))
    elif Fraction(m.ldtt * 100, m.count) < Fraction(str(prm["min_ldtt_percent"])):
        fails.append(Reason(rule, art, f"{m.ldtt}/{m.count} thành viên ({_pct(Fraction(m.ldtt * 100, m.count))}%) đạt "
                                       f"Lao động tiên tiến, cần ít nhất {_num(prm['min_ldtt_percent'])}%"))
    disc = _discipline_text(m, prm["blocking_member_discipline"])
    if disc:
        fails.append(Reason(rule, art, f"có thành viên bị kỷ luật trong năm {y} ({disc})"))
    if fails:
        return fails, None
    return fails, [Reason(rule, art, f"tập thể xếp loại {u.rating}; {m.ldtt}/{m.count} thành viên "
                                     f"({_pct(Fraction(m.ldtt * 100, m.count))}%) đạt Lao động tiên tiến")]


def _u2(ctx: _Ctx, u: UnitInput, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    m = ctx.members.get(u.code) or _Members()
    fails = []
    if u.code not in ctx.eligible["TTLDTT"]:
        fails.append(Reason(rule, art, f"chưa đủ điều kiện Tập thể lao động tiên tiến năm {y}"))
        fails.extend(ctx.ttldtt_fails.get(u.code, ()))
    if u.rating is not None and not _ok_rating(u.rating, prm["unit_min_rating"]):
        fails.append(Reason(rule, art, f"tập thể xếp loại {u.rating} năm {y}, cần {prm['unit_min_rating']}"))
    if m.count:
        below = sum(n for r, n in m.ratings.items() if not _ok_rating(r, prm["min_member_rating"]))
        if below:
            fails.append(Reason(rule, art, f"{below}/{m.count} thành viên xếp loại dưới {prm['min_member_rating']} "
                                           f"hoặc chưa xếp loại năm {y}; cần 100% từ {prm['min_member_rating']} trở lên"))
        share = Fraction(m.ldtt * 100, m.count)
        if share < Fraction(str(prm["min_ldtt_percent"])):
            fails.append(Reason(rule, art, f"{m.ldtt}/{m.count} thành viên ({_pct(share)}%) đạt Lao động tiên tiến, "
                                           f"cần ít nhất {_num(prm['min_ldtt_percent'])}%"))
    if m.cstdcs < prm["min_cstdcs_members"]:
        fails.append(Reason(rule, art, f"{m.cstdcs} thành viên được chọn Chiến sĩ thi đua cơ sở năm {y}, "
                                       f"cần ít nhất {prm['min_cstdcs_members']}"))
    disc = _discipline_text(m, prm["blocking_member_discipline"])
    if disc:
        fails.append(Reason(rule, art, f"có thành viên bị kỷ luật trong năm {y} ({disc})"))
    if fails:
        return fails, None
    return fails, [Reason(rule, art, f"tập thể xếp loại {u.rating}; {m.ldtt}/{m.count} thành viên đạt LĐTT; "
                                     f"{m.cstdcs} thành viên được chọn CSTĐCS")]


def _unit_rating(ctx: _Ctx, u: UnitInput, year: int) -> str | None:
    return u.rating if year == ctx.year else u.ratings.get(year)


def _u3(ctx: _Ctx, u: UnitInput, prm: Mapping[str, Any], rule: str, art: str):
    y, n = ctx.year, prm["unit_years"]
    span = range(y - n + 1, y + 1)
    weak = [x for x in span if not _ok_rating(_unit_rating(ctx, u, x), prm["unit_min_rating"])]
    if weak:
        text = "; ".join(f"năm {x}: {_unit_rating(ctx, u, x) or 'chưa xếp loại'}" for x in weak)
        return [Reason(rule, art, f"tập thể phải xếp loại {prm['unit_min_rating']} các năm {_years(span)} ({text})")], None
    return [], [Reason(rule, art, f"tập thể xếp loại {prm['unit_min_rating']} các năm {_years(span)}")]


def _u4(ctx: _Ctx, u: UnitInput, prm: Mapping[str, Any], rule: str, art: str):
    y = ctx.year
    b = _latest_qualifying(u.awards, prm["unit_qualifying_titles"], y - prm["min_years_since"])
    if b is None:
        return [Reason(rule, art, f"chưa được tặng Bằng khen hoặc Cờ thi đua cấp bộ, tỉnh trong năm "
                                  f"{y - prm['min_years_since']} hoặc trước đó")], None
    weak = [x for x in range(b + 1, y + 1) if not _ok_rating(_unit_rating(ctx, u, x), prm["unit_min_rating"])]
    if weak:
        text = "; ".join(f"năm {x}: {_unit_rating(ctx, u, x) or 'chưa xếp loại'}" for x in weak)
        return [Reason(rule, art, f"sau khen thưởng năm {b}, các năm {b + 1}-{y} phải xếp loại "
                                  f"{prm['unit_min_rating']} ({text})")], None
    return [], [Reason(rule, art, f"khen thưởng năm {b}; tập thể xếp loại {prm['unit_min_rating']} các năm {b + 1}-{y}")]


UNIT_FUNCS = {"U1": _u1, "U2": _u2, "U3": _u3, "U4": _u4}


# --- ranking and quotas -------------------------------------------------------------------

P3_STEPS = {
    1: "phiếu tín nhiệm",
    2: "số căn cứ",
    3: "điểm thi đua",
    4: "ưu tiên nữ",
    5: "thứ tự tên",
}


def _person_key(ctx: _Ctx, p: PersonInput, name_rank: Mapping[str, int]) -> tuple:
    ev = p.evaluation
    # A float of an integer ratio is correctly rounded, so equal shares give equal keys and
    # different shares (small integers) keep their order: exact for ranking.
    share = None if ev.votes_for is None or not ev.votes_total else ev.votes_for * 100 / ev.votes_total
    excellent, inits = _grounds(ctx, p, ctx.params["CSTDCS"])
    ctx.grounds[p.code] = (excellent, inits, ctx.params["CSTDCS"])
    grounds = int(excellent) + int(bool(inits))
    return (
        (0, -share) if share is not None else (1, 0),  # step 1
        -grounds,  # step 2
        (0, -ev.score) if ev.score is not None else (1, 0),  # step 3
        0 if p.gender == "nu" else 1,  # step 4
        (name_rank.get(p.full_name, 0), p.code),  # step 5
    )


def _explain_person_step(step: int, a: PersonInput, b: PersonInput) -> str:
    if step == 1:
        sa, sb = _vote_share(a.evaluation), _vote_share(b.evaluation)
        if sb is None:
            return f"có phiếu tín nhiệm ({_pct(sa)}%), {b.code} không có"
        return f"tỷ lệ phiếu tín nhiệm cao hơn ({_pct(sa)}% so với {_pct(sb)}%)"
    if step == 2:
        return "có cả hai căn cứ (xếp loại HTXSNV và sáng kiến), người kia chỉ có một"
    if step == 3:
        if b.evaluation.score is None:
            return f"có điểm thi đua ({_num(a.evaluation.score)}), {b.code} không có"
        return f"điểm thi đua cao hơn ({_num(a.evaluation.score)} so với {_num(b.evaluation.score)})"
    if step == 4:
        return "bằng nhau ở các bước trên, ưu tiên cán bộ nữ"
    if a.full_name == b.full_name:
        return "bằng nhau ở các bước trên và trùng họ tên, xếp theo mã cán bộ"
    return "bằng nhau ở các bước trên, xếp theo thứ tự tên rồi họ và tên đệm tiếng Việt"


def _unit_key(u: UnitInput, m: _Members) -> tuple:
    if not m.count:
        return (0, 0, u.code)
    return (-m.ldtt / m.count, -m.cstdcs / m.count, u.code)


def _explain_unit_step(step: int, a: UnitInput, b: UnitInput, ma: _Members, mb: _Members) -> str:
    if step == 1:
        return (f"tỷ lệ thành viên đạt LĐTT cao hơn ({_pct(Fraction(ma.ldtt * 100, ma.count))}% so với "
                f"{_pct(Fraction(mb.ldtt * 100, mb.count))}%)")
    if step == 2:
        return (f"bằng tỷ lệ LĐTT, tỷ lệ thành viên đạt CSTĐCS cao hơn ({_pct(Fraction(ma.cstdcs * 100, ma.count))}% "
                f"so với {_pct(Fraction(mb.cstdcs * 100, mb.count))}%)")
    return "bằng nhau ở các bước trên, xếp theo mã đơn vị"


def _first_diff(ka: tuple, kb: tuple) -> int:
    for i, (x, y) in enumerate(zip(ka, kb)):
        if x != y:
            return i + 1
    return len(ka)


# --- the draft -------------------------------------------------------------------------

class _Result:
    """Eligible and ineligible subjects of one rule on one title."""

    __slots__ = ("eligible", "why", "fails", "relied")

    def __init__(self):
        self.eligible: list = []  # (subject input, positive reasons)
        self.fails: dict[str, list[Reason]] = {}
        self.why: dict[str, list[Reason]] = {}
        self.relied: dict[str, tuple[str, ...]] = {}  # code -> initiatives relied on


def _run_person_rule(ctx: _Ctx, title: str, rule: str, art: str) -> _Result:
    check, res = PERSON_FUNCS[rule](ctx, ctx.params[title], rule, art), _Result()
    fails_of, why, eligible = res.fails, res.why, res.eligible
    for p in ctx.people:
        fails, good = check(p)
        if fails:
            fails_of[p.code] = fails
        else:
            eligible.append(p)
            why[p.code] = good
    res.relied = getattr(check, "relied", {})
    return res


def _run_unit_rule(ctx: _Ctx, title: str, rule: str, art: str) -> _Result:
    fn, prm, res = UNIT_FUNCS[rule], ctx.params[title], _Result()
    for u in ctx.considered_units:
        fails, good = fn(ctx, u, prm, rule, art)
        if fails:
            res.fails[u.code] = fails
        else:
            res.eligible.append(u)
            res.why[u.code] = good
    return res


def _quota_groups(ctx: _Ctx, title: str, subject: str, res: _Result, keys: dict[str, tuple],
                  scope_of, base_count: dict[str, int], base_label: str, explain, main_rule: tuple[str, str]):
    """Split eligible subjects into selected / over quota by the title's quota, ranked by ``keys``.

    Returns (quota, basis, selected [(subject, reasons)], over [(subject, reasons)])."""
    prm = ctx.params[title]
    # Keys are unique (they end with the code), so the position in the overall order of all
    # considered subjects sorts exactly as the keys do, and much faster.
    position = ctx.positions.get(id(keys))
    if position is None:
        position = ctx.positions[id(keys)] = {c: i for i, c in enumerate(sorted(keys, key=keys.__getitem__))}
    ordered = sorted(res.eligible, key=lambda s: position[s.code])
    percent = prm.get("quota_percent")
    if percent is None:
        return None, "", [(s, list(res.why[s.code])) for s in ordered], []
    scope, rounding = prm.get("quota_scope", "agency"), prm.get("rounding", "floor")
    if subject == "unit":  # U2's ranking is part of U2
        rank_rule, rank_art = "U2", (prm["rules"].get("U2") or {"article": main_rule[1]})["article"]
    else:  # P3, whose article the CSTDCS parameters carry
        p3 = prm["rules"].get("P3") or ctx.params.get("CSTDCS", {}).get("rules", {}).get("P3")
        rank_rule, rank_art = "P3", (p3 or {"article": main_rule[1]})["article"]
    by_scope: dict[str, list] = defaultdict(list)
    for s in ordered:
        by_scope[scope_of(s) if scope == "unit" else ""].append(s)
    scopes = sorted(set(by_scope) | (set(base_count) if scope == "unit" else {""}))
    quotas, parts = {}, []
    for sc in scopes:
        n = base_count.get(sc, 0)
        quotas[sc] = quota_of(percent, n, rounding)
        if scope == "unit":
            parts.append(f"{sc} {quotas[sc]} = {rounding}({_num(percent)}% x {n})")
    total = sum(quotas.values())
    if scope == "unit":
        basis = f"{rounding}({_num(percent)}% x {base_label}, unit): " + "; ".join(parts)
    else:
        basis = f"{rounding}({_num(percent)}% x {base_count.get('', 0)} {base_label}, agency)"
    chosen: set[str] = set()
    notes: dict[str, list[Reason]] = {}
    rule, art = main_rule
    who = "người" if subject == "person" else "tập thể"
    for sc, members in by_scope.items():
        q = quotas[sc]
        inside, outside = members[:q], members[q:]
        chosen.update(s.code for s in inside)
        where = f" trong đơn vị {sc}" if scope == "unit" else ""
        n = len(members)
        for pos, s in enumerate(members, 1):
            if not outside:
                notes[s.code] = [Reason(rule, art, f"trong tỷ lệ: {n} {who} "
                                                   f"đủ điều kiện{where}, tỷ lệ tối đa {q}")]
                continue
            if pos <= q:
                other = outside[0]
                step = _first_diff(keys[s.code], keys[other.code])
                text = (f"xếp hạng {pos}/{n}{where}, trong tỷ lệ tối đa {q}; xếp trên {other.code} ({who} đầu tiên "
                        f"vượt tỷ lệ) ở bước {step}: {explain(step, s, other)}")
            elif q == 0:
                text = (f"xếp hạng {pos}/{n}{where}; tỷ lệ tối đa là 0 ({basis}) nên không ai được đề nghị")
            else:
                other = inside[-1]
                step = _first_diff(keys[other.code], keys[s.code])
                text = (f"xếp hạng {pos}/{n}{where}, vượt tỷ lệ tối đa {q}; xếp sau {other.code} ({who} cuối cùng "
                        f"trong tỷ lệ) ở bước {step}: {explain(step, other, s)}")
            notes[s.code] = [Reason(rank_rule, rank_art, text)]
    selected = [(s, res.why[s.code] + notes[s.code]) for s in ordered if s.code in chosen]
    over = [(s, res.why[s.code] + notes[s.code]) for s in ordered if s.code not in chosen]
    return total, basis, selected, over


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building hundreds of thousands of small,
    acyclic objects (entries, reasons): otherwise it rescans the growing heap again and
    again and the draft takes several times longer. Reference counting still frees."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def draft_lists(inp: EngineInput) -> list[TitleList]:
    """Apply the rule set to the inputs: one ``TitleList`` per drafted title, in the order of
    the title table of rules-2024.md. Deterministic whatever the order of the inputs."""
    with gc_paused():
        return _draft_lists(inp)


def _draft_lists(inp: EngineInput) -> list[TitleList]:
    ctx = _Ctx(inp)
    params = inp.params

    ranks = name_ranks(p.full_name for p in ctx.people)
    pkeys = {p.code: _person_key(ctx, p, ranks) for p in ctx.people}
    scope_person = {p.code: ctx.top(p.unit) for p in ctx.people}

    # Eligibility for LDTT (P1) and its counts per scope are needed by other rules.
    ldtt_rule = _rule_of(params["LDTT"], ("P1",))
    ldtt = _run_person_rule(ctx, "LDTT", *ldtt_rule)
    ctx.eligible["LDTT"] = {p.code for p in ldtt.eligible}
    ctx.ldtt_fails = ldtt.fails
    ldtt_count: dict[str, int] = defaultdict(int)
    for p in ldtt.eligible:
        ldtt_count[scope_person[p.code]] += 1
    ldtt_count_agency = {"": len(ldtt.eligible)}

    def person_list(title: str, res: _Result, rule_art: tuple[str, str]) -> tuple:
        prm = params[title]
        base = ldtt_count if prm.get("quota_scope") == "unit" else ldtt_count_agency
        return _quota_groups(ctx, title, "person", res, pkeys, lambda s: scope_person[s.code], base, "LDTT",
                             lambda step, a, b: _explain_person_step(step, a, b), rule_art)

    person_results: dict[str, tuple] = {}
    # Titles sharing a rule and identical parameters (BK_BO and BK_TINH by default) share its results.
    shared: dict[tuple, _Result] = {}
    # Dependency order: CSTDCS before the chains reading it, CSTD_TINH before P5.
    person_order = ["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TOANQUOC", "GIAY_KHEN", "BK_TINH", "BK_BO", "BK_TTG"]
    person_order += [t for t in TITLE_ORDER if t not in person_order]
    for title in person_order:
        prm = params.get(title)
        if not prm or not prm.get("drafted", False) and title not in ("CSTDCS", "CSTD_TINH"):
            continue
        ra = _rule_of(prm, PERSON_RULES)
        if ra is None:
            continue
        same = (ra, json.dumps({k: v for k, v in prm.items() if k != "drafted"}, sort_keys=True))
        if title == "LDTT":
            res = ldtt
        elif same in shared:
            res = shared[same]
        else:
            res = shared[same] = _run_person_rule(ctx, title, *ra)
        groups = person_list(title, res, ra)
        ctx.selected[title] = {s.code for s, _ in groups[2]}
        ctx.eligible[title] = {s.code for s in res.eligible}
        person_results[title] = (groups, res)
    for needed in ("CSTDCS", "CSTD_TINH"):
        ctx.selected.setdefault(needed, set())

    # Collectives.
    ctx.members = _members(ctx)
    ctx.considered_units = [u for u in ctx.units if u.evaluated or ctx.members.get(u.code)]
    scope_unit = {u.code: ctx.top(u.code) for u in ctx.units}
    ttldtt_rule = _rule_of(params["TTLDTT"], ("U1",))
    ttldtt = _run_unit_rule(ctx, "TTLDTT", *ttldtt_rule)
    ctx.eligible["TTLDTT"] = {u.code for u in ttldtt.eligible}
    ctx.ttldtt_fails = ttldtt.fails
    ttldtt_count: dict[str, int] = defaultdict(int)
    for u in ttldtt.eligible:
        ttldtt_count[scope_unit[u.code]] += 1
    empty = _Members()
    ukeys = {u.code: _unit_key(u, ctx.members.get(u.code, empty)) for u in ctx.considered_units}
    unit_results: dict[str, tuple] = {}
    for title in TITLE_ORDER:
        prm = params.get(title)
        if not prm or not prm.get("drafted", False):
            continue
        ra = _rule_of(prm, UNIT_RULES)
        if ra is None:
            continue
        res = ttldtt if title == "TTLDTT" else _run_unit_rule(ctx, title, *ra)
        base = ttldtt_count if prm.get("quota_scope") == "unit" else {"": len(ttldtt.eligible)}
        groups = _quota_groups(
            ctx, title, "unit", res, ukeys, lambda s: scope_unit[s.code], base, "TTLDTT",
            lambda step, a, b: _explain_unit_step(step, a, b, ctx.members.get(a.code, empty), ctx.members.get(b.code, empty)),
            ra)
        if prm.get("quota_percent") is None:
            groups = (None, "", sorted(groups[2], key=lambda sr: sr[0].code), [])
        ctx.selected[title] = {s.code for s, _ in groups[2]}
        unit_results[title] = (groups, res)

    # Assemble in table order.
    out: list[TitleList] = []
    for title in TITLE_ORDER:
        prm = params.get(title)
        if not prm or not prm.get("drafted", False):
            continue
        parts = [("person", person_results.get(title)), ("unit", unit_results.get(title))]
        parts = [(s, r) for s, r in parts if r is not None]
        if not parts:
            continue
        subject = parts[0][0] if len(parts) == 1 else "both"
        quota, basis = None, []
        tl = TitleList(title=title, name=TITLE_NAMES.get(title, title), subject=subject, quota=None, quota_basis="")
        for subj, ((q, b, selected, over), res) in parts:
            if q is not None:
                quota = (quota or 0) + q
                basis.append(b)
            tl.selected.extend(_entry(subj, s, "selected", None, why) for s, why in selected)
            tl.over_quota.extend(_entry(subj, s, "over_quota", None, why) for s, why in over)
            _mark_relied_and_ties(tl, subj, res.relied, pkeys if subj == "person" else ukeys,
                                  4 if subj == "person" else 2)
            src = ctx.people if subj == "person" else ctx.considered_units
            tl._ineligible_src.append((subj, src, res.fails))
        # Ranks: selected first (people, then units), then over quota, each in rank order.
        for i, e in enumerate(tl.selected + tl.over_quota, 1):
            e.rank = i
        tl.quota, tl.quota_basis = quota, "; ".join(basis)
        out.append(tl)
    return out


def _entry(subject: str, s, group: str, rank: int | None, reasons: list[Reason]) -> Entry:
    if subject == "person":
        return Entry("person", s.code, s.full_name, s.unit, group, rank, reasons)
    return Entry("unit", s.code, s.name, s.parent, group, rank, reasons)


# --- for the nomination workflow: initiatives relied on, and ties ----------------------

def _mark_relied_and_ties(tl: TitleList, subject: str, relied: Mapping[str, tuple[str, ...]],
                          keys: Mapping[str, tuple], significant: int) -> None:
    """Give the ranked entries of ``subject`` their initiatives and tie numbers: adjacent
    entries of one group whose keys agree on the first ``significant`` ranking steps."""
    tie = 0
    for group in (tl.selected, tl.over_quota):
        prev = None
        for e in group:
            if e.subject != subject:
                continue
            e.initiatives = relied.get(e.code, ())
            k = keys.get(e.code)
            k = k[:significant] if k is not None else None
            if prev is not None and k is not None and k == prev[1]:
                if prev[0].tie is None:
                    tie += 1
                    prev[0].tie = tie
                e.tie = prev[0].tie
            prev = (e, k)
