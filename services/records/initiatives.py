"""Sáng kiến: the register of recognised initiatives (level, recognising decision, year)
and which award has used each one (an initiative serves one award only). Audited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Award, Decision, Initiative, Person, Title, Unit
from models.vocabulary import INITIATIVE_LEVELS
from services.awards.valid_awards import decision_cancelled
from services.records.units import NotFoundError, ValidationError
from services.system import audit
from services.system.access import EDIT_RECORDS, require
from services.system.text import format_date, nfc


@dataclass
class InitiativeRow:
    id: int
    code: str
    year: int
    level: str
    title: str
    recognized_by: str
    person_code: str
    person_name: str
    unit_name: str
    used_by: str  # "CSTĐCS 2023 – QĐ 215/QĐ-SLĐTBXH ngày 20/12/2023", or ""

    @property
    def level_label(self) -> str:
        return INITIATIVE_LEVELS.get(self.level, self.level)


def list_initiatives(session: Session, year: int | None = None) -> list[InitiativeRow]:
    titles = dict(session.execute(select(Title.code, Title.name)).all())
    stmt = (select(Initiative.id, Initiative.code, Initiative.year, Initiative.level, Initiative.title,
                   Initiative.recognized_by, Person.code, Person.full_name, Unit.name, Award.title_code, Award.year,
                   Decision.number, Decision.issued_on, Decision.state)
            .join(Person, Person.id == Initiative.person_id).join(Unit, Unit.id == Person.unit_id)
            .outerjoin(Award, Award.id == Initiative.used_by_award_id)
            .outerjoin(Decision, Decision.id == Award.decision_id)
            .order_by(Initiative.year.desc(), Initiative.code))
    if year is not None:
        stmt = stmt.where(Initiative.year == year)
    rows = []
    for (iid, code, yr, level, title, by, pcode, pname, uname, atitle, ayear, dnum, ddate, dstate) in session.execute(stmt):
        used = ""
        if atitle:
            used = f"{titles.get(atitle, atitle)} năm {ayear}"
            if dnum:
                used += f" – QĐ {dnum}" + (f" ngày {format_date(ddate)}" if ddate else "")
            if decision_cancelled(dstate):
                used += " (quyết định đã hủy: sáng kiến được dùng lại)"
        rows.append(InitiativeRow(iid, code, yr, level, title, by or "", pcode, pname, uname, used))
    return rows


@dataclass
class InitiativeInput:
    code: str
    person_code: str
    year: int
    level: str
    title: str
    recognized_by: str = ""


def _validate(session: Session, data: InitiativeInput, initiative_id: int | None) -> tuple[list[str], int | None]:
    problems = []
    code = nfc(data.code or "").strip()
    person_id = None
    if not code:
        problems.append("Chưa nhập mã sáng kiến.")
    else:
        other = session.scalar(select(Initiative.id).where(Initiative.code == code))
        if other is not None and other != initiative_id:
            problems.append(f"Mã sáng kiến “{code}” đã có; hãy dùng mã khác.")
    if not nfc(data.title or "").strip():
        problems.append("Chưa nhập tên sáng kiến, đề tài.")
    if data.level not in INITIATIVE_LEVELS:
        problems.append("Chưa chọn cấp công nhận.")
    if not 1990 <= int(data.year or 0) <= 2100:
        problems.append("Năm công nhận không hợp lệ.")
    pc = nfc(data.person_code or "").strip()
    if not pc:
        problems.append("Chưa nhập mã cán bộ là tác giả.")
    else:
        person_id = session.scalar(select(Person.id).where(Person.code == pc, Person.deleted_at.is_(None)))
        if person_id is None:
            problems.append(f"Không có cán bộ mã “{pc}”.")
    return problems, person_id


def save_initiative(session: Session, data: InitiativeInput, initiative_id: int | None = None) -> Initiative:
    require(EDIT_RECORDS)
    problems, person_id = _validate(session, data, initiative_id)
    if problems:
        raise ValidationError(problems)
    values = {"code": nfc(data.code).strip(), "person_id": person_id, "year": int(data.year), "level": data.level,
              "title": " ".join(nfc(data.title).split()), "recognized_by": " ".join(nfc(data.recognized_by or "").split())}
    if initiative_id is None:
        ini = Initiative(**values)
        session.add(ini)
        session.flush()
        audit.record(session, "create", "initiative", ini.id, new=values)
        return ini
    found = session.get(Initiative, initiative_id)
    if found is None:
        raise NotFoundError("Không tìm thấy sáng kiến này (có thể đã bị xóa). Hãy tải lại.")
    ini = found
    before = audit.snapshot(ini)
    for k, v in values.items():
        setattr(ini, k, v)
    session.flush()
    old, new = audit.changes(before, audit.snapshot(ini))
    if new:
        audit.record(session, "update", "initiative", ini.id, old=old, new=new)
    return ini


def delete_initiative(session: Session, initiative_id: int) -> None:
    """Delete an initiative not yet used by an award (the audit log keeps its values)."""
    require(EDIT_RECORDS)
    ini = session.get(Initiative, initiative_id)
    if ini is None:
        raise NotFoundError("Không tìm thấy sáng kiến này (có thể đã bị xóa). Hãy tải lại.")
    if ini.used_by_award_id is not None:
        raise ValidationError(f"Sáng kiến “{ini.title}” đã được dùng làm căn cứ khen thưởng nên không xóa được.")
    audit.record(session, "delete", "initiative", ini.id, old=audit.snapshot(ini))
    session.delete(ini)
    session.flush()


__all__ = ["InitiativeInput", "InitiativeRow", "delete_initiative", "list_initiatives", "save_initiative"]
