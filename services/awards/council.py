"""The council meeting (Hội đồng Thi đua - Khen thưởng): the meeting, each candidate's
votes, the vote threshold of the rule set, and the result per candidate.

The threshold is a parameter of the rule set in force for the list:

- ``params[TITLE]["council_min_vote_percent"]`` when the agency set one for that title,
  else ``params["council"]["min_vote_percent"]``, else ``DEFAULT_MIN_VOTE_PERCENT`` (70);
- the base the share is computed on, ``params["council"]["vote_base"]``: ``"total"``
  (every member of the council; members absent give their vote in writing) or
  ``"present"`` (the members present at the meeting). Default ``DEFAULT_VOTE_BASE``.

The default follows the wording of Nghị định 91/2017/NĐ-CP Điều 45 khoản 8, carried on
in the council rules of most agencies: "tỷ lệ phiếu đồng ý ... tính trên tổng số thành
viên của Hội đồng (nếu thành viên Hội đồng vắng mặt thì lấy ý kiến bằng văn bản)" — 90%
there for Chiến sĩ thi đua cấp tỉnh and above; 70% is the usual figure for the titles an
agency grants itself. Neither number was checked against the text of NĐ 98/2023/NĐ-CP in
force now, so both are [U] defaults: set them in the rule set (``COUNCIL_ARTICLE`` is
cited in every result).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from models import CouncilMeeting, Nomination, NominationList, RuleSet
from models.base import nfc
from services.awards.nominations import (
    WorkflowError,
    _entry_by_code,
    _need_state,
    get_list,
    is_proposed,
    load_entries,
    set_state,
    subject_code,
    subject_name,
)
from services.awards.rulesets import rule_set_for_year
from services.records.units import ValidationError
from services.system import audit
from services.system.access import EDIT_DRAFTS, require

DEFAULT_MIN_VOTE_PERCENT = 70
DEFAULT_VOTE_BASE = "total"
VOTE_BASES = {"total": "tổng số thành viên Hội đồng", "present": "số thành viên có mặt"}
COUNCIL_ARTICLE = "NĐ 91/2017/NĐ-CP Điều 45 khoản 8 (quy chế Hội đồng TĐKT) [U]"


@dataclass(frozen=True)
class VoteRule:
    percent: float
    base: str  # "total" or "present"
    article: str

    def describe(self) -> str:
        p = f"{self.percent:g}".replace(".", ",")
        return f"từ {p}% phiếu đồng ý trở lên, tính trên {VOTE_BASES[self.base]} ({self.article})"


def vote_rule(params: Mapping[str, Any], title_code: str) -> VoteRule:
    council = params.get("council") or {}
    title = params.get(title_code) or {}
    percent = title.get("council_min_vote_percent", council.get("min_vote_percent", DEFAULT_MIN_VOTE_PERCENT))
    base = council.get("vote_base", DEFAULT_VOTE_BASE)
    if base not in VOTE_BASES:
        base = DEFAULT_VOTE_BASE
    return VoteRule(float(percent), base, council.get("article", COUNCIL_ARTICLE))


def vote_rule_for_list(session: Session, nl: NominationList) -> VoteRule:
    rs = session.get(RuleSet, nl.rule_set_id) if nl.rule_set_id else None
    if rs is None:
        rs = rule_set_for_year(session, nl.year)
    return vote_rule(rs.params, nl.title_code)


def passes(votes_for: int | None, base_count: int | None, rule: VoteRule) -> bool:
    if votes_for is None or not base_count:
        return False
    return Fraction(votes_for * 100, base_count) >= Fraction(str(rule.percent))


# --- the meeting ------------------------------------------------------------------------

def record_meeting(session: Session, list_ids: list[int], *, held_on: date, members_total: int,
                   members_present: int, attendees: list[str] | None = None, chair: str = "", secretary: str = "",
                   place: str = "", note: str = "") -> CouncilMeeting:
    """Record a meeting and attach the lists it examines (each must be «Trình Hội đồng»)."""
    require(EDIT_DRAFTS)
    problems = []
    if members_total is None or members_total < 1:
        problems.append("Tổng số thành viên Hội đồng phải từ 1 trở lên.")
    if members_present is None or members_present < 0 or (members_total and members_present > members_total):
        problems.append("Số thành viên có mặt phải từ 0 đến tổng số thành viên Hội đồng.")
    if held_on is None:
        problems.append("Hãy ghi ngày họp.")
    if not list_ids:
        problems.append("Hãy chọn ít nhất một danh sách đề nghị để Hội đồng bình xét.")
    if problems:
        raise ValidationError(problems)
    lists = [get_list(session, i) for i in list_ids]
    for nl in lists:
        _need_state(nl, ("trinh_hoi_dong",), "ghi cuộc họp Hội đồng")
    m = CouncilMeeting(year=lists[0].year, held_on=held_on, members_total=members_total,
                       members_present=members_present, attendees=[nfc(a.strip()) for a in attendees or [] if a.strip()],
                       chair=nfc(chair.strip()), secretary=nfc(secretary.strip()), place=nfc(place.strip()),
                       note=nfc(note.strip()))
    session.add(m)
    session.flush()
    for nl in lists:
        nl.meeting_id = m.id
    session.flush()
    audit.record(session, "create", "council_meeting", m.id, new=audit.snapshot(m),
                 reason="Họp Hội đồng bình xét: " + ", ".join(f"{nl.title_code} {nl.year}" for nl in lists))
    return m


def _meeting(nl: NominationList) -> CouncilMeeting:
    if nl.meeting is None:
        raise WorkflowError(f"Danh sách {nl.title_code} năm {nl.year} chưa gắn với cuộc họp Hội đồng nào: hãy ghi cuộc "
                            "họp (ngày, số thành viên có mặt, tổng số thành viên) trước.")
    return nl.meeting


def base_count(meeting: CouncilMeeting, rule: VoteRule) -> int:
    return meeting.members_total if rule.base == "total" else meeting.members_present


def record_votes(session: Session, list_id: int, votes: Mapping[str, int]) -> list[Nomination]:
    """Record the votes for (phiếu đồng ý) of each candidate, by person or unit code."""
    require(EDIT_DRAFTS)
    nl = get_list(session, list_id)
    _need_state(nl, ("trinh_hoi_dong",), "ghi phiếu bầu của Hội đồng")
    meeting = _meeting(nl)
    rule = vote_rule_for_list(session, nl)
    base = base_count(meeting, rule)
    problems, changed = [], []
    for code, count in votes.items():
        n = _entry_by_code(session, nl, code)
        if not is_proposed(n):
            problems.append(f"{code} không có trong danh sách được đề nghị, không cần bỏ phiếu.")
            continue
        limit = meeting.members_total
        if count is None or not 0 <= int(count) <= limit:
            problems.append(f"{code}: số phiếu đồng ý phải từ 0 đến {limit} (tổng số thành viên Hội đồng).")
            continue
        old = {"council_votes_for": n.council_votes_for}
        n.council_votes_for, n.council_votes_total = int(count), base
        n.council_share = float(Fraction(int(count) * 100, base)) if base else None
        changed.append((n, old))
    if problems:
        raise ValidationError(problems)
    session.flush()
    for n, old in changed:
        audit.record(session, "vote", "nomination", n.id, old=old,
                     new={"code": subject_code(n), "council_votes_for": n.council_votes_for,
                          "council_votes_total": n.council_votes_total, "passed": passes(n.council_votes_for,
                                                                                         n.council_votes_total, rule)})
    return [n for n, _ in changed]


@dataclass
class CandidateResult:
    code: str
    name: str
    unit: str
    votes_for: int | None
    base: int | None
    share: float | None
    passed: bool
    override: str | None
    override_reason: str


def results(session: Session, list_id: int) -> tuple[VoteRule, list[CandidateResult]]:
    """Each proposed candidate's votes and whether the threshold is reached, in list order."""
    from services.awards.nominations import view_list

    nl = get_list(session, list_id)
    rule = vote_rule_for_list(session, nl)
    out = []
    for n in view_list(session, nl).proposed:
        unit = (n.person.unit.name if n.person is not None and n.person.unit else
                (n.unit.parent.name if n.unit is not None and n.unit.parent else ""))
        out.append(CandidateResult(subject_code(n), subject_name(n), unit, n.council_votes_for, n.council_votes_total,
                                   n.council_share, passes(n.council_votes_for, n.council_votes_total, rule),
                                   n.override, n.override_reason))
    return rule, out


def conclude(session: Session, list_id: int) -> NominationList:
    """End the council's examination: every proposed candidate must have its votes;
    the list moves to «Hội đồng đã bình xét»."""
    require(EDIT_DRAFTS)
    nl = get_list(session, list_id)
    _need_state(nl, ("trinh_hoi_dong",), "kết thúc bình xét")
    _meeting(nl)
    missing = [subject_code(n) for n in load_entries(session, nl) if is_proposed(n) and n.council_votes_for is None]
    if missing:
        shown = ", ".join(sorted(missing)[:10]) + (f" và {len(missing) - 10} người khác" if len(missing) > 10 else "")
        raise WorkflowError(f"Chưa ghi phiếu bầu của Hội đồng cho {len(missing)} người/tập thể: {shown}. "
                            "Hãy ghi đủ phiếu rồi kết thúc bình xét.")
    rule, res = results(session, list_id)
    passed = sum(r.passed for r in res)
    set_state(session, nl, "hoi_dong_da_binh_xet", action="council",
              reason=f"Hội đồng bình xét: {passed}/{len(res)} đạt {rule.describe()}")
    return nl


def approved(session: Session, list_id: int) -> list[Nomination]:
    """The candidates the council approved, in list order (for the decision)."""
    from services.awards.nominations import view_list

    nl = get_list(session, list_id)
    rule = vote_rule_for_list(session, nl)
    return [n for n in view_list(session, nl).proposed if passes(n.council_votes_for, n.council_votes_total, rule)]
