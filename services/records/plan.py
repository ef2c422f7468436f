"""Kế hoạch & đăng ký: the year's emulation plan (theme, phases with dates, socio-economic
targets with their actual figures) and the registrations (đăng ký thi đua) of units and
people for titles, with totals per title against the plan's title targets. Targets are
never quotas. Every change is audited, in the caller's transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import (
    EmulationPlan,
    Person,
    Phase,
    Registration,
    Target,
    Title,
    TitleTarget,
    Unit,
)
from services.records.units import NotFoundError, ValidationError
from services.system import audit
from services.system.access import EDIT_RECORDS, require
from services.system.text import format_date, nfc

COMPARISONS = {">=": "từ … trở lên", ">": "trên", "<=": "không quá", "range": "trong khoảng"}


@dataclass
class PhaseInput:
    name: str
    start_date: date | None
    end_date: date | None
    description: str = ""


@dataclass
class TargetInput:
    description: str
    unit_of_measure: str = ""
    comparison: str = ">="
    target_value: float | None = None
    target_max: float | None = None
    actual_value: float | None = None
    note: str = ""


@dataclass
class PlanInput:
    number: str = ""
    issued_on: date | None = None
    title: str = ""
    theme: str = ""
    general_goal: str = ""
    phases: list[PhaseInput] = field(default_factory=list)
    targets: list[TargetInput] = field(default_factory=list)


def load_plan(session: Session, year: int) -> EmulationPlan | None:
    return session.scalars(select(EmulationPlan).where(EmulationPlan.year == year).options(
        selectinload(EmulationPlan.phases), selectinload(EmulationPlan.targets),
        selectinload(EmulationPlan.title_targets))).first()


def validate_plan(data: PlanInput) -> list[str]:
    problems = []
    for i, p in enumerate(data.phases, 1):
        if not nfc(p.name or "").strip():
            problems.append(f"Đợt thi đua dòng {i}: chưa nhập tên đợt.")
        if p.start_date is None or p.end_date is None:
            problems.append(f"Đợt thi đua dòng {i}: cần cả ngày bắt đầu và ngày kết thúc (dd/mm/yyyy).")
        elif p.end_date < p.start_date:
            problems.append(f"Đợt thi đua “{p.name}”: ngày kết thúc {format_date(p.end_date)} trước ngày bắt đầu "
                            f"{format_date(p.start_date)}.")
    for i, t in enumerate(data.targets, 1):
        if not nfc(t.description or "").strip():
            problems.append(f"Chỉ tiêu dòng {i}: chưa nhập nội dung chỉ tiêu.")
        if t.comparison not in COMPARISONS:
            problems.append(f"Chỉ tiêu dòng {i}: cách so sánh không hợp lệ.")
        if t.comparison == "range" and (t.target_value is None or t.target_max is None):
            problems.append(f"Chỉ tiêu dòng {i}: chỉ tiêu dạng khoảng cần cả giá trị từ và đến.")
        if t.target_max is not None and t.target_value is not None and t.target_max < t.target_value:
            problems.append(f"Chỉ tiêu dòng {i}: giá trị “đến” nhỏ hơn giá trị “từ”.")
    return problems


def save_plan(session: Session, year: int, data: PlanInput) -> EmulationPlan:
    """Create or replace the plan of ``year`` (phases and targets as given)."""
    require(EDIT_RECORDS)
    problems = validate_plan(data)
    if problems:
        raise ValidationError(problems)
    plan = load_plan(session, year)
    before = _plan_dict(plan) if plan else None
    if plan is None:
        plan = EmulationPlan(year=year)
        session.add(plan)
    plan.number, plan.issued_on = nfc(data.number).strip(), data.issued_on
    plan.title, plan.theme, plan.general_goal = nfc(data.title).strip(), nfc(data.theme).strip(), nfc(data.general_goal).strip()
    plan.phases = [Phase(name=nfc(p.name).strip(), start_date=p.start_date, end_date=p.end_date,
                         description=nfc(p.description or "").strip(), sort_order=i) for i, p in enumerate(data.phases)]
    plan.targets = [Target(sort_order=i, description=nfc(t.description).strip(), unit_of_measure=nfc(t.unit_of_measure or ""),
                           comparison=t.comparison, target_value=t.target_value, target_max=t.target_max,
                           actual_value=t.actual_value, note=nfc(t.note or "")) for i, t in enumerate(data.targets, 1)]
    session.flush()
    after = _plan_dict(plan)
    if before != after:
        audit.record(session, "update" if before else "create", "emulation_plan", plan.id, old=before, new=after)
    return plan


def _plan_dict(plan: EmulationPlan) -> dict[str, Any]:
    return {
        "year": plan.year, "number": plan.number, "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "title": plan.title, "theme": plan.theme, "general_goal": plan.general_goal,
        "phases": [[p.name, p.start_date.isoformat(), p.end_date.isoformat(), p.description] for p in plan.phases],
        "targets": [[t.description, t.unit_of_measure, t.comparison, t.target_value, t.target_max, t.actual_value, t.note]
                    for t in plan.targets],
    }


def target_met(t: Target | TargetInput) -> bool | None:
    """Whether the actual figure meets the target (None while unknown)."""
    if t.actual_value is None or t.target_value is None:
        return None
    a = t.actual_value
    if t.comparison == ">=":
        return a >= t.target_value
    if t.comparison == ">":
        return a > t.target_value
    if t.comparison == "<=":
        return a <= t.target_value
    return t.target_value <= a <= (t.target_max if t.target_max is not None else t.target_value)


# Registrations ------------------------------------------------------------------------------

@dataclass
class RegistrationRow:
    id: int
    title_code: str
    title_name: str
    subject: str  # "person" or "unit"
    code: str
    name: str
    unit_name: str


def list_registrations(session: Session, year: int) -> list[RegistrationRow]:
    titles = dict(session.execute(select(Title.code, Title.name)).all())
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    rows = []
    for rid, title, pid, uid, pcode, pname, punit, ucode in session.execute(
        select(Registration.id, Registration.title_code, Registration.person_id, Registration.unit_id,
               Person.code, Person.full_name, Person.unit_id, Unit.code)
        .outerjoin(Person, Person.id == Registration.person_id).outerjoin(Unit, Unit.id == Registration.unit_id)
        .where(Registration.year == year)
    ):
        if pid is not None:
            rows.append(RegistrationRow(rid, title, titles.get(title, title), "person", pcode, pname,
                                        units.get(punit, "") if punit is not None else ""))
        else:
            rows.append(RegistrationRow(rid, title, titles.get(title, title), "unit", ucode,
                                        units.get(uid, "") if uid is not None else "", ""))
    order = {c: i for i, c in enumerate(titles)}
    rows.sort(key=lambda r: (order.get(r.title_code, 99), r.subject, r.code))
    return rows


def add_registration(session: Session, year: int, title_code: str, *, person_code: str | None = None,
                     unit_id: int | None = None) -> Registration:
    require(EDIT_RECORDS)
    title = session.get(Title, title_code)
    if title is None:
        raise ValidationError("Chưa chọn danh hiệu.")
    person_id = None
    if person_code:
        person_id = session.scalar(select(Person.id).where(Person.code == nfc(person_code).strip(),
                                                           Person.deleted_at.is_(None)))
        if person_id is None:
            raise ValidationError(f"Không có cán bộ mã “{person_code}”.")
        if title.subject == "unit":
            raise ValidationError(f"“{title.name}” là danh hiệu tập thể; hãy chọn một đơn vị.")
    elif unit_id is not None:
        if title.subject == "person":
            raise ValidationError(f"“{title.name}” là danh hiệu cá nhân; hãy nhập mã cán bộ.")
    else:
        raise ValidationError("Hãy nhập mã cán bộ hoặc chọn đơn vị đăng ký.")
    dup = session.scalar(select(Registration.id).where(
        Registration.year == year, Registration.title_code == title_code,
        Registration.person_id.is_(None) if person_id is None else Registration.person_id == person_id,
        Registration.unit_id.is_(None) if person_id is not None else Registration.unit_id == unit_id))
    if dup is not None:
        raise ValidationError(f"Đã có đăng ký này cho danh hiệu “{title.name}” năm {year}.")
    reg = Registration(year=year, title_code=title_code, person_id=person_id, unit_id=None if person_id else unit_id)
    session.add(reg)
    session.flush()
    audit.record(session, "create", "registration", reg.id, new=audit.snapshot(reg))
    return reg


def delete_registration(session: Session, registration_id: int) -> None:
    require(EDIT_RECORDS)
    reg = session.get(Registration, registration_id)
    if reg is None:
        raise NotFoundError("Đăng ký này không còn (có thể đã bị xóa). Hãy tải lại.")
    audit.record(session, "delete", "registration", reg.id, old=audit.snapshot(reg))
    session.delete(reg)
    session.flush()


@dataclass
class TitleTotal:
    title_code: str
    title_name: str
    people: int
    units: int
    target: str  # the plan's figure, as written ("04", "01-02", "trên 85%")
    note: str


def _target_text(tt: TitleTarget) -> str:
    if tt.percent_min is not None:
        prefix = "" if tt.percent_min >= 100 else "trên "
        return f"{prefix}{tt.percent_min:g}%".replace(".", ",")
    if tt.count_min is not None and tt.count_max is not None and tt.count_max != tt.count_min:
        return f"{tt.count_min:02d}-{tt.count_max:02d}"
    value = tt.count_min if tt.count_min is not None else tt.count_max
    return f"{value:02d}" if value is not None else ""


def registration_totals(session: Session, year: int) -> list[TitleTotal]:
    """Per title: registered people and units, and the plan's target (never a quota)."""
    counts: dict[str, list[int]] = {}
    for title, is_person, n in session.execute(
        select(Registration.title_code, Registration.person_id.is_not(None), func.count())
        .where(Registration.year == year).group_by(Registration.title_code, Registration.person_id.is_not(None))
    ):
        counts.setdefault(title, [0, 0])[0 if is_person else 1] += n
    plan = load_plan(session, year)
    targets = {tt.title_code: tt for tt in (plan.title_targets if plan else [])}
    out = []
    for code, name in session.execute(select(Title.code, Title.name).order_by(Title.sort_order)):
        if code not in counts and code not in targets:
            continue
        people, units = counts.get(code, [0, 0])
        tt = targets.get(code)
        out.append(TitleTotal(code, name, people, units, _target_text(tt) if tt else "", tt.note if tt else ""))
    return out


__all__ = ["COMPARISONS", "PhaseInput", "PlanInput", "RegistrationRow", "TargetInput", "TitleTotal", "add_registration",
           "delete_registration", "list_registrations", "load_plan", "registration_totals", "save_plan", "target_met",
           "validate_plan"]
