"""Nomination lists (danh sách đề nghị): the engine's draft saved as ``NominationList`` /
``Nomination`` rows, the secretariat's overrides and manual order, and the workflow states.

States (models.vocabulary.LIST_STATES) and who moves a list between them:

    nhap ──submit──▶ trinh_hoi_dong ──council.conclude──▶ hoi_dong_da_binh_xet ──decisions.create──▶ da_quyet_dinh
     ▲                 │                                      │                                      │
     └──return (reason)┘ ◀──────────── reopen (reason) ───────┘ ◀──────── decisions.cancel ───────────┘

Only a list in ``nhap`` can be re-drafted, overridden or reordered; votes are recorded
while it is ``trinh_hoi_dong``; a list ``da_quyet_dinh`` is locked (only cancelling its
decision reopens it). Every change writes an audit entry, with the reason when one is given.

Re-drafting keeps the manual overrides (added / removed, with their reasons) of the people
and units still considered, and the manual order inside groups of tied candidates.

The initiatives an entry relies on (``Nomination.initiative_codes``) and its tie group
(``tie_group``, with ``tie_manual`` once the secretariat reordered the group) have columns
of their own; ``reasons`` also carries a line of text on each, for people to read.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, selectinload

from models import Nomination, NominationList, Person, RuleSet, Title, Unit
from models.base import nfc
from models.vocabulary import LIST_STATES, OVERRIDES
from services.awards.drafting import Draft, draft_year
from services.awards.rules_engine import TitleList
from services.records.units import NotFoundError, RecordError, ValidationError
from services.system import audit
from services.system.access import EDIT_DRAFTS, require

ENTITY = "nomination_list"
STATE_ORDER = list(LIST_STATES)
# Transitions the user asks for directly (the others happen through council / decisions).
USER_TRANSITIONS: dict[tuple[str, str], str] = {
    ("nhap", "trinh_hoi_dong"): "submit",
    ("trinh_hoi_dong", "nhap"): "return",
    ("hoi_dong_da_binh_xet", "trinh_hoi_dong"): "reopen",
}
NEEDS_REASON = {"return", "reopen"}
ACTION_LABELS = {"submit": "Trình Hội đồng", "return": "Trả về Nháp", "reopen": "Mở lại để bình xét lại"}


class WorkflowError(RecordError):
    """A step the workflow does not allow now; the message says why and what to do."""


# --- reading ------------------------------------------------------------------------------

def state_label(state: str) -> str:
    return LIST_STATES.get(state, state)


def get_list(session: Session, list_id: int) -> NominationList:
    nl = session.get(NominationList, list_id)
    if nl is None:
        raise NotFoundError(f"Không tìm thấy danh sách đề nghị mã {list_id}. Hãy tải lại trang.")
    return nl


def find_list(session: Session, year: int, title_code: str) -> NominationList | None:
    """The list of ``title_code`` for ``year`` (the newest one if several were made)."""
    return session.scalars(
        select(NominationList).where(NominationList.year == year, NominationList.title_code == title_code)
        .order_by(NominationList.id.desc())
    ).first()


def require_list(session: Session, year: int, title_code: str) -> NominationList:
    nl = find_list(session, year, title_code)
    if nl is None:
        raise NotFoundError(f"Chưa có danh sách đề nghị {title_code} năm {year}. Hãy chạy dự thảo trước "
                            f"(lệnh: nominations draft --year {year}).")
    return nl


def lists_for_year(session: Session, year: int) -> list[NominationList]:
    titles = {t.code: t.sort_order for t in session.scalars(select(Title))}
    rows = session.scalars(select(NominationList).where(NominationList.year == year)).all()
    newest: dict[str, NominationList] = {}
    for nl in rows:
        if nl.title_code not in newest or nl.id > newest[nl.title_code].id:
            newest[nl.title_code] = nl
    return sorted(newest.values(), key=lambda nl: (titles.get(nl.title_code, 99), nl.title_code))


def tie_of(n: Nomination) -> tuple[int | None, bool]:
    """(tie group, reordered by hand) of an entry; (None, False) when it ties with nobody."""
    return n.tie_group, bool(n.tie_manual)


def initiatives_of(n: Nomination) -> list[str]:
    """Codes of the initiatives the entry relies on."""
    return list(n.initiative_codes or ())


def is_proposed(n: Nomination) -> bool:
    """On the list the secretariat proposes: selected by the engine and not removed, or added."""
    return n.override == "added" or (n.grp == "selected" and n.override != "removed")


def _order_key(n: Nomination) -> tuple:
    # Engine-selected first in rank order, then those added by hand (over quota in rank
    # order, then ineligible ones by code).
    return (0 if n.grp == "selected" else 1, n.rank if n.rank is not None else 10 ** 9, subject_code(n))


def _subject(n: Nomination) -> Person | Unit:
    """The person or the unit of an entry (exactly one is set: a check constraint)."""
    subject = n.person if n.person_id is not None else n.unit
    assert subject is not None
    return subject


def subject_code(n: Nomination) -> str:
    return _subject(n).code


def subject_name(n: Nomination) -> str:
    s = _subject(n)
    return s.full_name if isinstance(s, Person) else s.name


def load_entries(session: Session, nl: NominationList) -> list[Nomination]:
    return list(session.scalars(
        select(Nomination).where(Nomination.list_id == nl.id)
        .options(selectinload(Nomination.person).selectinload(Person.unit), selectinload(Nomination.unit))
    ).all())


@dataclass
class ListView:
    """A list as the screens and documents show it."""

    nomination_list: NominationList
    title_name: str
    proposed: list[Nomination]  # in order
    over_quota: list[Nomination]  # eligible, cut by the quota, not added back
    ineligible: list[Nomination]
    removed: list[Nomination]  # removed by hand
    overrides: list[Nomination] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.nomination_list.state


def view_list(session: Session, nl: NominationList) -> ListView:
    entries = load_entries(session, nl)
    title = session.get(Title, nl.title_code)
    proposed = sorted((n for n in entries if is_proposed(n)), key=_order_key)
    over = sorted((n for n in entries if n.grp == "over_quota" and n.override is None), key=_order_key)
    inel = sorted((n for n in entries if n.grp == "ineligible" and n.override is None), key=subject_code)
    removed = sorted((n for n in entries if n.override == "removed"), key=_order_key)
    overrides = sorted((n for n in entries if n.override), key=_order_key)
    return ListView(nl, title.name if title else nl.title_code, proposed, over, inel, removed, overrides)


# --- saving a draft ---------------------------------------------------------------------

@dataclass
class SaveResult:
    year: int
    saved: list[str] = field(default_factory=list)  # title codes saved or re-drafted
    locked: list[str] = field(default_factory=list)  # not in Nháp: left as they are
    kept_overrides: int = 0
    lost_overrides: list[str] = field(default_factory=list)  # messages
    warnings: list[str] = field(default_factory=list)


def _p3_article(session: Session, rule_set_id: int | None) -> str:
    rs = session.get(RuleSet, rule_set_id) if rule_set_id else None
    try:
        return str(rs.params["CSTDCS"]["rules"]["P3"]["article"])  # type: ignore[union-attr]
    except (AttributeError, KeyError, TypeError):
        return "NĐ 98/2023/NĐ-CP Điều 4"


def _workflow_reasons(tl: TitleList, e, p3_article: str) -> list[dict[str, Any]]:
    out = []
    if e.initiatives:
        out.append({"rule": e.reasons[0].rule if e.reasons else "", "article": "Công văn 5007/BNV-TĐKT",
                    "text": f"sáng kiến làm căn cứ: {', '.join(e.initiatives)} (được ghi là đã dùng khi có quyết định "
                            "khen thưởng; mỗi sáng kiến chỉ dùng cho một lần khen thưởng)"})
    if e.tie is not None:
        out.append({"rule": "P3" if e.subject == "person" else "U2", "article": p3_article,
                    "text": f"ngang nhau với người/tập thể khác cùng nhóm {e.tie} ở mọi bước xếp hạng trừ thứ tự tên; "
                            "Văn phòng có thể đổi thứ tự trong nhóm"})
    return out


def save_draft(session: Session, year: int, *, draft: Draft | None = None,
               progress: Callable[[int, int, str], None] | None = None) -> SaveResult:
    """Run (or take) the draft of ``year`` and save every title's list. Lists past Nháp are
    left untouched (reported in ``locked``); lists in Nháp are rebuilt, keeping overrides
    and the manual order within ties. Call inside a transaction; the caller commits."""
    require(EDIT_DRAFTS)
    if progress:
        progress(0, 100, f"Đang dự thảo danh sách năm {year}...")
    if draft is None:
        draft = draft_year(session, year)
    result = SaveResult(year=year, warnings=list(draft.warnings))
    conn = session.connection()
    person_ids = dict(conn.execute(select(Person.code, Person.id)).all())
    unit_ids = dict(conn.execute(select(Unit.code, Unit.id)).all())
    p3_article = _p3_article(session, draft.rule_set_id)
    now = datetime.now().replace(microsecond=0)
    total = len(draft.lists) or 1
    for i, tl in enumerate(draft.lists):
        if progress:
            progress(10 + 85 * i // total, 100, f"Đang lưu danh sách {tl.title} ({i + 1}/{total})...")
        nl = find_list(session, year, tl.title)
        if nl is not None and nl.state != "nhap":
            result.locked.append(tl.title)
            continue
        kept: dict[tuple[str, str], dict[str, Any]] = {}
        if nl is None:
            nl = NominationList(year=year, title_code=tl.title, state="nhap")
            session.add(nl)
            action = "create"
        else:
            action = "redraft"
            for n in load_entries(session, nl):
                key = ("person" if n.person_id is not None else "unit", subject_code(n))
                tie, manual = tie_of(n)
                if n.override or manual:
                    kept[key] = {"override": n.override, "reason": n.override_reason, "rank": n.rank,
                                 "tie": tie, "manual": manual, "grp": n.grp}
            session.execute(delete(Nomination).where(Nomination.list_id == nl.id))
            session.expire(nl, ["entries"])
        nl.rule_set_id, nl.quota, nl.quota_basis, nl.drafted_at = draft.rule_set_id, tl.quota, tl.quota_basis, now
        session.flush()
        rows, seen = _rows_for(tl, nl.id, person_ids, unit_ids, kept, p3_article)
        if rows:
            session.execute(insert(Nomination), rows)
        for key, k in kept.items():
            if k["override"] and key not in seen:
                result.lost_overrides.append(
                    f"{tl.title}: {key[1]} ({OVERRIDES[k['override']].lower()}, lý do: {k['reason']}) không còn trong "
                    f"dự thảo mới (không có kết quả bình xét năm {year}), nên thay đổi thủ công này không áp dụng được.")
        result.kept_overrides += sum(1 for key, k in kept.items() if k["override"] and key in seen)
        audit.record(session, action, ENTITY, nl.id,
                     new={"year": year, "title": tl.title, "rule_set": draft.rule_set, "quota": tl.quota,
                          "selected": len(tl.selected), "over_quota": len(tl.over_quota),
                          "ineligible": tl.ineligible_count(),
                          "overrides_kept": sum(1 for key, k in kept.items() if k["override"] and key in seen)},
                     reason="Dự thảo lại, giữ các thay đổi thủ công" if action == "redraft" else "Dự thảo lần đầu")
        result.saved.append(tl.title)
    session.flush()
    if progress:
        progress(100, 100, "Đã lưu dự thảo.")
    return result


def _rows_for(tl: TitleList, list_id: int, person_ids: dict[str, int], unit_ids: dict[str, int],
              kept: dict[tuple[str, str], dict[str, Any]], p3_article: str) -> tuple[list[dict], set]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    ranked = tl.selected + tl.over_quota
    # Manual order inside ties: the members of a tie group take the group's rank slots in
    # the order the secretariat left them, when any member was reordered by hand.
    groups: dict[int, list] = {}
    for e in ranked:
        if e.tie is not None:
            groups.setdefault(e.tie, []).append(e)
    new_rank = {id(e): e.rank for e in ranked}
    manual_groups: set[int] = set()
    for tie, members in groups.items():
        olds = [kept.get((e.subject, e.code)) for e in members]
        if any(o and o["manual"] for o in olds):
            manual_groups.add(tie)
            slots = sorted(e.rank for e in members)
            order = sorted(members, key=lambda e: (
                (0, kept[(e.subject, e.code)]["rank"]) if kept.get((e.subject, e.code)) and
                kept[(e.subject, e.code)]["rank"] is not None else (1, e.rank)))
            for e, slot in zip(order, slots):
                new_rank[id(e)] = slot
    converted: dict[int, list[dict]] = {}

    def reasons_of(e) -> list[dict]:
        base = converted.get(id(e.reasons))
        if base is None:
            base = converted[id(e.reasons)] = [r.as_dict() for r in e.reasons]
        extra = _workflow_reasons(tl, e, p3_article) if (e.initiatives or e.tie is not None) else None
        return base + extra if extra else base

    for e in ranked + tl.ineligible:
        key = (e.subject, e.code)
        pid = person_ids.get(e.code) if e.subject == "person" else None
        uid = unit_ids.get(e.code) if e.subject == "unit" else None
        if pid is None and uid is None:
            continue
        seen.add(key)
        k = kept.get(key)
        override = k["override"] if k else None
        # An "added" override on someone the engine now selects anyway is no longer needed,
        # and a "removed" one on someone it no longer selects neither; both are kept as the
        # user's decision all the same, so the list shows what was decided and why.
        rows.append({"list_id": list_id, "person_id": pid, "unit_id": uid, "grp": e.group,
                     "rank": new_rank.get(id(e), e.rank), "reasons": reasons_of(e), "tie_group": e.tie,
                     "tie_manual": e.tie is not None and e.tie in manual_groups,
                     "initiative_codes": list(e.initiatives),
                     "override": override, "override_reason": k["reason"] if k and override else "", "note": ""})
    return rows, seen


# --- overrides and order --------------------------------------------------------------

def _need_state(nl: NominationList, allowed: Iterable[str], doing: str) -> None:
    allowed = tuple(allowed)
    if nl.state not in allowed:
        if nl.state == "da_quyet_dinh":
            raise WorkflowError(f"Danh sách {nl.title_code} năm {nl.year} đã có quyết định nên bị khóa: không thể "
                                f"{doing}. Muốn sửa, hãy hủy quyết định (kèm lý do) trước.")
        need = " hoặc ".join(f"«{state_label(s)}»" for s in allowed)
        raise WorkflowError(f"Danh sách {nl.title_code} năm {nl.year} đang ở trạng thái «{state_label(nl.state)}»: "
                            f"chỉ có thể {doing} khi danh sách ở trạng thái {need}.")


def _entry_by_code(session: Session, nl: NominationList, code: str) -> Nomination:
    code = nfc(code.strip())
    n = session.scalars(
        select(Nomination).join(Person, Person.id == Nomination.person_id)
        .where(Nomination.list_id == nl.id, Person.code == code)).first()
    if n is None:
        n = session.scalars(
            select(Nomination).join(Unit, Unit.id == Nomination.unit_id)
            .where(Nomination.list_id == nl.id, Unit.code == code)).first()
    if n is None:
        raise NotFoundError(f"{code} không có trong danh sách {nl.title_code} năm {nl.year} (chỉ những người, tập thể "
                            f"có kết quả bình xét năm {nl.year} mới được xét). Hãy kiểm tra lại mã.")
    return n


def _reason(text: str | None, what: str) -> str:
    text = nfc((text or "").strip())
    if len(text) < 5:
        raise ValidationError(f"Hãy ghi lý do {what} (ít nhất 5 ký tự): lý do được lưu trong nhật ký và hiện trên danh sách.")
    return text


def override(session: Session, list_id: int, code: str, action: str, reason: str) -> Nomination:
    """Add (``action="add"``) or remove (``"remove"``) a candidate by hand, with a written
    reason; ``"clear"`` undoes an earlier override (a reason is required too)."""
    require(EDIT_DRAFTS)
    nl = get_list(session, list_id)
    _need_state(nl, ("nhap",), "thêm, bớt người trong danh sách")
    n = _entry_by_code(session, nl, code)
    reason = _reason(reason, {"add": "thêm", "remove": "loại", "clear": "bỏ thay đổi thủ công"}.get(action, ""))
    who = f"{subject_code(n)} - {subject_name(n)}"
    old = {"override": n.override, "override_reason": n.override_reason}
    if action == "add":
        if is_proposed(n):
            raise WorkflowError(f"{who} đã có trong danh sách đề nghị {nl.title_code}.")
        n.override = None if n.override == "removed" and n.grp == "selected" else "added"
        n.override_reason = reason if n.override else ""
    elif action == "remove":
        if not is_proposed(n):
            raise WorkflowError(f"{who} không có trong danh sách đề nghị {nl.title_code}, không cần loại.")
        n.override = None if n.override == "added" else "removed"
        n.override_reason = reason if n.override else ""
    elif action == "clear":
        if n.override is None:
            raise WorkflowError(f"{who} không có thay đổi thủ công nào để bỏ.")
        n.override, n.override_reason = None, ""
    else:
        raise ValueError(action)
    nl.updated_at = datetime.now()
    session.flush()
    audit.record(session, "override", "nomination", n.id, old=old,
                 new={"list": f"{nl.title_code} {nl.year}", "code": subject_code(n), "action": action,
                      "override": n.override, "override_reason": n.override_reason}, reason=reason)
    return n


def move_within_tie(session: Session, list_id: int, code: str, delta: int) -> bool:
    """Move a candidate up (-1) or down (+1) inside its group of tied candidates. Returns
    False when it is already first/last of its group. Raises when it is in no tie."""
    require(EDIT_DRAFTS)
    nl = get_list(session, list_id)
    _need_state(nl, ("nhap",), "đổi thứ tự")
    n = _entry_by_code(session, nl, code)
    tie, _manual = tie_of(n)
    if tie is None or n.rank is None:
        raise WorkflowError(f"{subject_code(n)} không ngang hạng với ai: thứ tự do các bước xếp hạng (P3) quyết định, "
                            "chỉ đổi được thứ tự giữa những người ngang nhau. Muốn thêm hoặc loại, hãy dùng "
                            "Thêm/Loại kèm lý do.")
    members = sorted((m for m in load_entries(session, nl) if tie_of(m)[0] == tie and m.grp == n.grp),
                     key=lambda m: m.rank or 0)
    i = members.index(n)
    j = i + (1 if delta > 0 else -1)
    if not 0 <= j < len(members):
        return False
    other = members[j]
    n.rank, other.rank = other.rank, n.rank
    for m in members:
        m.tie_manual = True
    session.flush()
    audit.record(session, "reorder", "nomination", n.id,
                 old={"code": subject_code(n), "rank": other.rank}, new={"code": subject_code(n), "rank": n.rank},
                 reason=f"Đổi thứ tự trong nhóm ngang nhau {tie} của danh sách {nl.title_code} {nl.year}")
    return True


# --- states ---------------------------------------------------------------------------------

def set_state(session: Session, nl: NominationList, to: str, *, action: str, reason: str = "") -> None:
    """Move ``nl`` to ``to`` and audit it (for this module, council and decisions)."""
    old = nl.state
    nl.state = to
    session.flush()
    audit.record(session, action, ENTITY, nl.id, old={"state": old}, new={"state": to, "title": nl.title_code,
                                                                          "year": nl.year}, reason=reason)


def change_state(session: Session, list_id: int, to: str, reason: str = "") -> NominationList:
    """A state change the user asks for: submit (Nháp → Trình Hội đồng), return (→ Nháp,
    with a reason), reopen (Hội đồng đã bình xét → Trình Hội đồng, with a reason). The
    council's conclusion and the decision move the list further (council.py, decisions.py)."""
    require(EDIT_DRAFTS)
    nl = get_list(session, list_id)
    if to not in LIST_STATES:
        raise ValidationError(f"Trạng thái «{to}» không có; chọn một trong: {', '.join(LIST_STATES)}.")
    action = USER_TRANSITIONS.get((nl.state, to))
    if action is None:
        if nl.state == "da_quyet_dinh":
            raise WorkflowError(f"Danh sách {nl.title_code} năm {nl.year} đã có quyết định nên bị khóa. Muốn sửa, "
                                "hãy hủy quyết định (kèm lý do) trước.")
        if to == "hoi_dong_da_binh_xet":
            raise WorkflowError("Danh sách chuyển sang «Hội đồng đã bình xét» khi ghi xong kết quả bỏ phiếu của Hội đồng "
                                "(Hội đồng → Kết thúc bình xét).")
        if to == "da_quyet_dinh":
            raise WorkflowError("Danh sách chuyển sang «Đã quyết định» khi lưu quyết định khen thưởng từ danh sách này.")
        raise WorkflowError(f"Không thể chuyển danh sách từ «{state_label(nl.state)}» sang «{state_label(to)}».")
    if action in NEEDS_REASON:
        reason = _reason(reason, ACTION_LABELS[action].lower())
    if action == "submit":
        proposed = [n for n in load_entries(session, nl) if is_proposed(n)]
        if not proposed:
            raise WorkflowError(f"Danh sách {nl.title_code} năm {nl.year} không có ai được đề nghị: không có gì để trình "
                                "Hội đồng.")
    if action in ("return", "reopen"):
        # Votes recorded for the previous round no longer stand.
        for n in load_entries(session, nl):
            n.council_votes_for = n.council_votes_total = n.council_share = None
    set_state(session, nl, to, action=action, reason=reason or ACTION_LABELS[action])
    return nl
