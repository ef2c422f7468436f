"""Decisions (quyết định khen thưởng) made from an approved nomination list.

Creating one writes an ``Award`` for every candidate the council approved (the history
of titles and awards), marks the initiatives those awards relied on as used (an
initiative serves one award only, Công văn 5007/BNV-TĐKT) and locks the list
(«Đã quyết định»). Cancelling one (with a reason) sets it «Đã hủy»: its awards stop
counting everywhere (drafting, history, certificates read only decisions in force),
its initiatives are freed, and the list returns to «Hội đồng đã bình xét» so a
corrected decision can be made.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, insert, select, update
from sqlalchemy.orm import Session

from models import Agency, Award, Decision, Initiative, NominationList, Signer, Title
from models.base import nfc
from models.vocabulary import AUTHORITY_LEVELS
from services.awards.council import approved
from services.awards.nominations import (
    WorkflowError,
    _need_state,
    find_list,
    get_list,
    initiatives_of,
    set_state,
)
from services.awards.valid_awards import CANCELLED, decision_cancelled
from services.records.units import NotFoundError, ValidationError
from services.system import audit
from services.system.access import DECIDE, require
from services.system.settings import default_signer

ENTITY = "decision"


def _changed(session: Session, statement: Update) -> int:
    """Run an UPDATE; the number of rows it changed."""
    result = session.execute(statement)
    return cast(CursorResult[Any], result).rowcount or 0


def agency(session: Session) -> Agency | None:
    return session.scalars(select(Agency).order_by(Agency.id)).first()


def find_signer(session: Session, ref: str | int | None) -> Signer | None:
    """A signer by id or by (part of) the full name; the default signer when ``ref`` is empty."""
    if ref is None or str(ref).strip() == "":
        return default_signer(session)
    text = nfc(str(ref).strip())
    if text.isdigit():
        s = session.get(Signer, int(text))
        if s is not None:
            return s
    from services.system.text import fold

    found = [s for s in session.scalars(select(Signer)) if fold(text) in fold(s.full_name)]
    if len(found) != 1:
        names = "; ".join(f"{s.id}: {s.full_name} ({s.capacity} {s.position})".strip() for s in session.scalars(select(Signer)))
        raise ValidationError(f"Không xác định được người ký «{text}». Người ký đã khai báo: {names or 'chưa có'}.")
    return found[0]


def default_authority(session: Session, level: str) -> str:
    ag = agency(session)
    if ag is None:
        return AUTHORITY_LEVELS.get(level, "")
    if level == "co_so":
        return f"Giám đốc {ag.name}"
    if level == "tinh":
        return f"Chủ tịch Ủy ban nhân dân tỉnh {ag.place}".strip()
    return AUTHORITY_LEVELS.get(level, "")


def full_number(session: Session, number: str, level: str) -> str:
    """"215" becomes "215/QĐ-SLĐTBXH" for a decision of the agency; anything else is kept."""
    number = nfc(str(number).strip())
    ag = agency(session)
    if number.isdigit() and level == "co_so" and ag is not None and ag.doc_suffix:
        return f"{number}/QĐ-{ag.doc_suffix}"
    return number


def create_decision(session: Session, list_id: int, *, number: str, issued_on: date, signer: Signer | None = None,
                    level: str | None = None, issuing_authority: str | None = None, summary: str = "") -> Decision:
    """The decision granting the list's title to every candidate the council approved."""
    require(DECIDE)
    nl = get_list(session, list_id)
    _need_state(nl, ("hoi_dong_da_binh_xet",), "ra quyết định")
    title = session.get(Title, nl.title_code)
    level = level or (title.level if title else "co_so")
    problems = []
    if level not in AUTHORITY_LEVELS:
        problems.append(f"Cấp ra quyết định «{level}» không hợp lệ; chọn một trong: {', '.join(AUTHORITY_LEVELS)}.")
    if not str(number or "").strip():
        problems.append("Hãy ghi số quyết định.")
    if issued_on is None:
        problems.append("Hãy ghi ngày ký quyết định.")
    if problems:
        raise ValidationError(problems)
    number = full_number(session, number, level)
    clash = session.scalars(select(Decision).where(Decision.number == number, Decision.issued_on == issued_on)).first()
    if clash is not None:
        raise ValidationError(f"Đã có quyết định số {number} ngày {issued_on:%d/%m/%Y}. Hãy kiểm tra lại số quyết định.")
    winners = approved(session, nl.id)
    if not winners:
        raise WorkflowError(f"Không ai trong danh sách {nl.title_code} năm {nl.year} đạt tỷ lệ phiếu của Hội đồng: "
                            "không có gì để quyết định.")
    signer = signer if signer is not None else default_signer(session)
    name = title.name if title else nl.title_code
    d = Decision(number=number, issued_on=issued_on, level=level,
                 issuing_authority=nfc((issuing_authority or "").strip()) or default_authority(session, level),
                 signer_name=signer.full_name if signer else "", signer_position=signer.position if signer else "",
                 signer_capacity=signer.capacity if signer else "",
                 summary=nfc(summary.strip()) or (f"Tặng danh hiệu {name} năm {nl.year}"
                                                  if title and title.kind == "title" else f"Tặng {name} năm {nl.year}"),
                 nomination_list_id=nl.id, state="hieu_luc")
    session.add(d)
    session.flush()
    achievement = (f"Đã đạt danh hiệu {name} năm {nl.year}" if title and title.kind == "title"
                   else f"Đã có thành tích xuất sắc trong phong trào thi đua năm {nl.year}")
    rows = [{"year": nl.year, "title_code": nl.title_code, "person_id": n.person_id, "unit_id": n.unit_id,
             "decision_id": d.id, "achievement": achievement} for n in winners]
    award_ids = session.execute(insert(Award).returning(Award.id, Award.person_id, Award.unit_id), rows).all()
    by_subject = {(pid, uid): aid for aid, pid, uid in award_ids}
    # Initiatives relied on: one set-based update per award that relied on any (few).
    used = 0
    for n in winners:
        codes = initiatives_of(n)
        if not codes:
            continue
        aid = by_subject[(n.person_id, n.unit_id)]
        used += _changed(session,
            update(Initiative).where(Initiative.code.in_(codes), Initiative.used_by_award_id.is_(None))
            .values(used_by_award_id=aid))
        # An initiative used by an award of a cancelled decision is free again.
        used += _changed(session,
            update(Initiative).where(
                Initiative.code.in_(codes),
                Initiative.used_by_award_id.in_(select(Award.id).join(Decision, Decision.id == Award.decision_id)
                                                .where(Decision.state == CANCELLED)))
            .values(used_by_award_id=aid))
    set_state(session, nl, "da_quyet_dinh", action="decide", reason=f"Quyết định số {number}")
    session.expire(d, ["awards"])
    audit.record(session, "create", ENTITY, d.id, new={**audit.snapshot(d), "awards": len(rows),
                                                         "initiatives_used": used},
                 reason=f"Quyết định từ danh sách {nl.title_code} năm {nl.year}")
    return d


def find_decision(session: Session, ref: str | int) -> Decision:
    from services.output.certificates import CertificateError
    from services.output.certificates import find_decision as find

    try:
        return find(session, str(ref))
    except CertificateError as exc:
        raise NotFoundError(str(exc)) from exc


def cancel_decision(session: Session, decision_id: int, reason: str) -> Decision:
    """Cancel a decision with a reason: its awards leave the history, its initiatives are
    freed, and its list returns to «Hội đồng đã bình xét»."""
    require(DECIDE)
    d = session.get(Decision, decision_id)
    if d is None:
        raise NotFoundError(f"Không tìm thấy quyết định mã {decision_id}.")
    if decision_cancelled(d.state):
        raise WorkflowError(f"Quyết định {d.number} đã bị hủy từ trước.")
    reason = nfc((reason or "").strip())
    if len(reason) < 5:
        raise ValidationError("Hãy ghi lý do hủy quyết định (ít nhất 5 ký tự): lý do được lưu trong nhật ký.")
    old = audit.snapshot(d)
    d.state, d.cancel_reason, d.cancelled_at = CANCELLED, reason, datetime.now().replace(microsecond=0)
    freed = _changed(session,
        update(Initiative).where(Initiative.used_by_award_id.in_(select(Award.id).where(Award.decision_id == d.id)))
        .values(used_by_award_id=None))
    session.flush()
    if d.nomination_list_id is not None:
        nl = session.get(NominationList, d.nomination_list_id)
        if nl is not None and nl.state == "da_quyet_dinh":
            set_state(session, nl, "hoi_dong_da_binh_xet", action="cancel_decision",
                      reason=f"Hủy quyết định {d.number}: {reason}")
    audit.record(session, "cancel", ENTITY, d.id, old=old, new={**audit.snapshot(d), "initiatives_freed": freed},
                 reason=reason)
    return d


def decisions_for_year(session: Session, year: int | None = None) -> list[Decision]:
    stmt = select(Decision).order_by(Decision.issued_on.desc(), Decision.id.desc())
    if year is not None:
        stmt = stmt.where(Decision.id.in_(select(Award.decision_id).where(Award.year == year)) |
                          Decision.nomination_list_id.in_(select(NominationList.id).where(NominationList.year == year)))
    return list(session.scalars(stmt))


__all__ = ["create_decision", "cancel_decision", "find_decision", "find_signer", "default_signer",
           "default_authority", "decisions_for_year", "full_number", "find_list"]
