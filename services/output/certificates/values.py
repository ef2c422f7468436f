"""The data of one certificate: the text of every placeholder for an award (recipient,
title, decision, authority, signer, place and date), and finding a decision by number."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agency,
    Award,
    Decision,
    Signer,
    Title,
)
from services.output.certificates.common import CertificateError
from services.system.text import fold, format_date, long_date, nfc


def find_decision(session: Session, ref: str) -> Decision:
    """A decision by its number as written ("215/QĐ-SLĐTBXH") or its database id."""
    text = nfc(str(ref).strip())
    if not text:
        raise CertificateError("Chưa ghi số quyết định.")
    matches = session.scalars(select(Decision).where(Decision.number == text)).all()
    if not matches:
        folded = fold(text).replace(" ", "")
        matches = [d for d in session.scalars(select(Decision)).all() if fold(d.number).replace(" ", "") == folded]
    if not matches and text.isdigit():
        found = session.get(Decision, int(text))
        matches = [found] if found is not None else []
    if not matches:
        raise CertificateError(f"Không tìm thấy quyết định «{text}». Hãy ghi đúng số quyết định (vd. 215/QĐ-SLĐTBXH) hoặc mã số của nó.")
    if len(matches) > 1:
        listed = "; ".join(f"mã {d.id} ngày {format_date(d.issued_on) or '?'}" for d in matches)
        raise CertificateError(f"Có {len(matches)} quyết định cùng số «{text}» ({listed}). Hãy ghi mã số của quyết định cần in.")
    return matches[0]


def default_achievement(title: Title | None, title_code: str, year: int) -> str:
    if title is not None and title.kind == "title":
        return f"Đã đạt danh hiệu {title.name} năm {year}"
    return f"Đã có thành tích xuất sắc trong phong trào thi đua năm {year}"


def _authority(decision: Decision | None, agency: Agency | None) -> str:
    if decision is not None and decision.issuing_authority.strip():
        return decision.issuing_authority
    if agency is None:
        return ""
    level = decision.level if decision is not None else "co_so"
    if level == "tinh" and agency.parent_authority:
        return f"Chủ tịch {agency.parent_authority}"
    return f"Giám đốc {agency.name}"


def certificate_values(award: Award, *, title: Title | None, agency: Agency | None,
                       default_signer: Signer | None, register_no: str) -> dict[str, str]:
    """The text of every placeholder for one award."""
    decision = award.decision
    title_name = title.name if title is not None else award.title_code
    # "Giấy khen của Giám đốc Sở" -> "Giấy khen" on the certificate's own line.
    short_title = title_name.split(" của ")[0]
    if award.person is not None:
        person = award.person
        salutation = "Bà" if person.gender == "nu" else "Ông"
        name = person.full_name
        unit_name = person.unit.name if person.unit is not None else ""
        position = person.position or ""
        position_unit = ", ".join(p for p in (position, unit_name) if p)
        recipient = f"{salutation} {name}"
    else:
        unit = award.unit
        salutation, position = "", ""
        name = unit.name if unit is not None else ""
        parent = unit.parent.name if unit is not None and unit.parent is not None else ""
        unit_name = parent or (agency.name if agency is not None else "")
        position_unit = unit_name
        recipient = name
    signer_name = decision.signer_name if decision is not None else ""
    signer_position = decision.signer_position if decision is not None else ""
    signer_capacity = decision.signer_capacity if decision is not None else ""
    # The agency's own signer stands in only for the agency's own decisions: a higher
    # authority's certificate without a recorded signer leaves the signature lines empty.
    own_decision = decision is None or decision.level == "co_so"
    if not signer_name and default_signer is not None and own_decision:
        signer_name, signer_position, signer_capacity = (
            default_signer.full_name, default_signer.position, default_signer.capacity)
    place = agency.place if agency is not None and agency.place else ""
    issued = decision.issued_on if decision is not None else None
    if issued is not None:
        place_date = long_date(place, issued) if place else "N" + long_date("", issued).lstrip(", ")[1:]
    else:
        place_date = f"{place + ', ' if place else ''}ngày ..... tháng ..... năm {award.year}"
    decision_ref = ""
    if decision is not None:
        decision_ref = f"Quyết định số {decision.number}"
        if issued is not None:
            decision_ref += f" ngày {format_date(issued)}"
    values = {
        "issuing_authority": _authority(decision, agency),
        "title_name": short_title if title is not None and title.kind == "reward" else title_name,
        "title_upper": title_name.upper(),
        "salutation": salutation,
        "name": name,
        "recipient": recipient,
        "position": position,
        "unit": unit_name,
        "position_unit": position_unit,
        "agency": agency.name if agency is not None else "",
        "achievement": award.achievement.strip() or default_achievement(title, award.title_code, award.year),
        "year": str(award.year),
        "decision_number": decision.number if decision is not None else "",
        "decision_date": format_date(issued),
        "decision_ref": decision_ref,
        "place_date": place_date,
        "signer_capacity": signer_capacity,
        "signer_position": signer_position,
        "signer_name": signer_name,
        "register_no": register_no,
    }
    return {k: nfc(v) for k, v in values.items()}
