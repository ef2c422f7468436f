"""Cài đặt: the agency's details (name, parent authority, document suffix, default place
for dates), the signers and their signing titles, and editing the parameters of a copied
rule set (the builtin ones stay as shipped). Administrators only; audited."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, RuleSet, Signer
from services.awards.rulesets import (
    RULE_IDS,
    copy_rule_set,
    ensure_builtin_rule_sets,
    validate_params,
)
from services.records.units import NotFoundError, ValidationError
from services.system import audit
from services.system.access import ADMINISTER, require
from services.system.text import nfc

# Vietnamese names of the rule parameters, for the rule set editor.
PARAM_LABELS: dict[str, str] = {
    "drafted": "Có lập danh sách", "quota_percent": "Tỷ lệ tối đa (%)", "quota_scope": "Phạm vi tính tỷ lệ",
    "rounding": "Cách làm tròn", "min_vote_percent": "Tỷ lệ phiếu tối thiểu (%)", "min_months": "Số tháng công tác tối thiểu",
    "min_rating": "Xếp loại tối thiểu", "excellent_rating": "Xếp loại xuất sắc", "unit_min_rating": "Xếp loại tập thể tối thiểu",
    "min_member_rating": "Xếp loại thành viên tối thiểu", "blocking_discipline": "Kỷ luật làm mất điều kiện",
    "blocking_member_discipline": "Kỷ luật của thành viên làm mất điều kiện", "min_initiative_level": "Cấp sáng kiến tối thiểu",
    "min_initiatives": "Số sáng kiến tối thiểu", "years": "Số năm liên tục", "unit_years": "Số năm liên tục (tập thể)",
    "min_years_since": "Số năm từ lần khen trước", "min_cstdcs_years": "Số năm CSTĐCS tối thiểu",
    "min_ldtt_percent": "Tỷ lệ thành viên đạt LĐTT tối thiểu (%)", "min_cstdcs_members": "Số thành viên CSTĐCS tối thiểu",
    "qualifying_titles": "Danh hiệu làm căn cứ", "unit_qualifying_titles": "Danh hiệu làm căn cứ (tập thể)",
    "under_review_article": "Điều khoản về đang bị xem xét", "initiative_article": "Điều khoản về sáng kiến",
}


@dataclass
class AgencyInput:
    name: str
    short_name: str = ""
    parent_authority: str = ""
    place: str = ""
    doc_suffix: str = ""
    address: str = ""


def get_agency(session: Session) -> Agency | None:
    return session.scalars(select(Agency).order_by(Agency.id).limit(1)).first()


def save_agency(session: Session, data: AgencyInput) -> Agency:
    require(ADMINISTER)
    values = {k: " ".join(nfc(v or "").split()) for k, v in vars(data).items()}
    if not values["name"]:
        raise ValidationError("Chưa nhập tên cơ quan.")
    agency = get_agency(session)
    if agency is None:
        agency = Agency(**values)
        session.add(agency)
        session.flush()
        audit.record(session, "create", "agency", agency.id, new=values)
        return agency
    before = audit.snapshot(agency)
    for k, v in values.items():
        setattr(agency, k, v)
    session.flush()
    old, new = audit.changes(before, audit.snapshot(agency))
    if new:
        audit.record(session, "update", "agency", agency.id, old=old, new=new)
    return agency


@dataclass
class SignerInput:
    full_name: str
    position: str
    capacity: str = ""
    is_default: bool = False
    active: bool = True
    id: int | None = None


def list_signers(session: Session) -> list[Signer]:
    return list(session.scalars(select(Signer).order_by(Signer.sort_order, Signer.id)))


def default_signer(session: Session) -> Signer | None:
    """The signer documents, reports and certificates use when none is chosen: the active
    signer marked default, else the first active one in the order of the settings."""
    return session.scalars(select(Signer).where(Signer.active.is_(True))
                           .order_by(Signer.is_default.desc(), Signer.sort_order, Signer.id)).first()


def save_signers(session: Session, signers: list[SignerInput]) -> list[Signer]:
    """Replace the signers with ``signers`` (kept rows by id, in this order)."""
    require(ADMINISTER)
    problems = []
    for i, s in enumerate(signers, 1):
        if not nfc(s.full_name or "").strip():
            problems.append(f"Người ký dòng {i}: chưa nhập họ và tên.")
        if not nfc(s.position or "").strip():
            problems.append(f"Người ký dòng {i}: chưa nhập chức vụ (ví dụ PHÓ GIÁM ĐỐC).")
    if sum(1 for s in signers if s.is_default) > 1:
        problems.append("Chỉ được chọn một người ký mặc định.")
    if problems:
        raise ValidationError(problems)
    existing = {s.id: s for s in list_signers(session)}
    kept = []
    for i, data in enumerate(signers):
        row = existing.pop(data.id, None) if data.id is not None else None
        values = {"full_name": " ".join(nfc(data.full_name).split()), "position": " ".join(nfc(data.position).split()),
                  "capacity": " ".join(nfc(data.capacity or "").split()), "is_default": bool(data.is_default),
                  "active": bool(data.active), "sort_order": i}
        if row is None:
            row = Signer(**values)
            session.add(row)
            session.flush()
            audit.record(session, "create", "signer", row.id, new=values)
        else:
            before = audit.snapshot(row)
            for k, v in values.items():
                setattr(row, k, v)
            old, new = audit.changes(before, audit.snapshot(row))
            if new:
                audit.record(session, "update", "signer", row.id, old=old, new=new)
        kept.append(row)
    for row in existing.values():
        audit.record(session, "delete", "signer", row.id, old=audit.snapshot(row))
        session.delete(row)
    session.flush()
    return kept


# Rule sets ------------------------------------------------------------------------------------

def list_rule_sets(session: Session) -> list[RuleSet]:
    ensure_builtin_rule_sets(session)
    return list(session.scalars(select(RuleSet).order_by(RuleSet.valid_from, RuleSet.id)))


@dataclass
class ParamRow:
    title: str
    key: str
    label: str
    value: Any
    article: str  # the articles of the title's rules, "P2: Luật TĐKT 2022 Điều 23 [V]"


def param_rows(params: dict[str, Any]) -> list[ParamRow]:
    rows = []
    for title, prm in params.items():
        rules = prm.get("rules", {})
        article = "; ".join(f"{rule}: {r['article']} [{r.get('status', '')}]" for rule, r in rules.items())
        for key, value in prm.items():
            if key == "rules":
                continue
            rows.append(ParamRow(title, key, PARAM_LABELS.get(key, key), value, article))
    return rows


def format_value(value: Any) -> str:
    if value is None:
        return "không áp dụng"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def parse_value(text: str, like: Any) -> Any:
    """A parameter value from the editor text, shaped like the current value ``like``."""
    text = nfc(text).strip()
    if text.lower() in ("không áp dụng", "null", ""):
        return [] if isinstance(like, list) else None
    if isinstance(like, bool):
        if text.lower() in ("có", "true", "1", "x"):
            return True
        if text.lower() in ("không", "false", "0"):
            return False
        raise ValueError(f"“{text}”: ghi “có” hoặc “không”.")
    if isinstance(like, list):
        return [p.strip() for p in text.split(",") if p.strip()]
    try:
        number = json.loads(text.replace(",", "."))
        if isinstance(number, (int, float)):
            return number
    except ValueError:
        pass
    return text


def update_rule_set(session: Session, rule_set_id: int, params: dict[str, Any], valid_from: date | None = None,
                    description: str | None = None) -> RuleSet:
    """Save edited parameters of a copied rule set (builtin sets are refused: copy them first)."""
    require(ADMINISTER)
    rs = session.get(RuleSet, rule_set_id)
    if rs is None:
        raise NotFoundError("Không tìm thấy bộ quy định này. Hãy tải lại.")
    if rs.builtin:
        raise ValidationError(f"Bộ “{rs.name}” là bộ có sẵn của phần mềm, không sửa trực tiếp được. "
                              "Hãy bấm “Sao chép” rồi sửa bản sao.")
    problems = validate_params(params)
    if problems:
        raise ValidationError(problems)
    old = {"params": rs.params, "valid_from": rs.valid_from.isoformat(), "description": rs.description}
    rs.params = json.loads(json.dumps(params))
    if valid_from is not None:
        rs.valid_from = valid_from
    if description is not None:
        rs.description = nfc(description)
    session.flush()
    new = {"params": rs.params, "valid_from": rs.valid_from.isoformat(), "description": rs.description}
    if new != old:
        audit.record(session, "update", "rule_set", rs.id, old=old, new=new)
    return rs


def copy_for_editing(session: Session, source_id: int, name: str, valid_from: date | None = None) -> RuleSet:
    require(ADMINISTER)
    source = session.get(RuleSet, source_id)
    if source is None:
        raise NotFoundError("Không tìm thấy bộ quy định nguồn.")
    from services.awards.rulesets import RuleSetError

    try:
        rs = copy_rule_set(session, source, name, valid_from)
    except RuleSetError as exc:
        raise ValidationError(exc.problems) from exc
    audit.record(session, "create", "rule_set", rs.id, new={"name": rs.name, "based_on": source.name,
                                                          "valid_from": rs.valid_from.isoformat()})
    return rs


__all__ = ["AgencyInput", "PARAM_LABELS", "ParamRow", "RULE_IDS", "SignerInput", "copy_for_editing", "format_value",
           "default_signer", "get_agency", "list_rule_sets", "list_signers", "param_rows", "parse_value", "save_agency", "save_signers",
           "update_rule_set"]
