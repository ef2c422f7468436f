"""What the certificate screens need beyond printing: the printable decisions with their
award counts, the lines of one decision, a preview that writes nothing, and the
register as flat rows."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Award,
    CertificateRecord,
    Decision,
    Person,
    Title,
    Unit,
)
from services.awards.valid_awards import CANCELLED
from services.output.certificates.common import CertificateError
from services.output.certificates.drawing import render_certificates
from services.output.certificates.layouts import (
    Layout,
    available_layouts,
    default_layout_name,
)
from services.output.certificates.register import (
    decision_award_ids,
    plan_pages,
    register_entries,
)
from services.system.text import fold, format_date


@dataclass(frozen=True)
class DecisionSummary:
    id: int
    number: str
    issued_on: Any  # date | None
    level: str
    authority: str
    award_count: int
    printed_count: int  # awards of it with at least one certificate in the register

    @property
    def label(self) -> str:
        day = format_date(self.issued_on)
        return f"{self.number}" + (f" ngày {day}" if day else "")


def printable_decisions(session: Session) -> list[DecisionSummary]:
    """Decisions in force (cancelled ones left out), newest first, with their award counts."""
    from sqlalchemy import distinct, func

    printed = (select(CertificateRecord.award_id).distinct()).subquery()
    rows = session.execute(
        select(Decision.id, Decision.number, Decision.issued_on, Decision.level, Decision.issuing_authority,
               func.count(distinct(Award.id)), func.count(distinct(printed.c.award_id)))
        .join(Award, Award.decision_id == Decision.id, isouter=True)
        .join(printed, printed.c.award_id == Award.id, isouter=True)
        .where(Decision.state != CANCELLED)
        .group_by(Decision.id, Decision.number, Decision.issued_on, Decision.level, Decision.issuing_authority)
        .order_by(Decision.issued_on.desc().nulls_last(), Decision.id.desc())
    ).all()
    return [DecisionSummary(*r) for r in rows]


@dataclass(frozen=True)
class AwardLine:
    award_id: int
    subject: str  # "person" | "unit"
    name: str
    title_code: str
    title_name: str
    unit: str
    default_layout: str  # "" when no layout fits the award
    register_no: str  # "" when never printed on its default layout


def decision_award_lines(session: Session, decision_id: int, layouts: dict[str, Layout] | None = None) -> list[AwardLine]:
    """The awards of a decision in list order, with their default layout and register number."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise CertificateError(f"Không tìm thấy quyết định mã {decision_id}; hãy tải lại danh sách quyết định.")
    layouts = available_layouts() if layouts is None else layouts
    ids = decision_award_ids(session, decision)
    awards = {a.id: a for a in session.scalars(
        select(Award).where(Award.id.in_(ids)).options(
            selectinload(Award.person).selectinload(Person.unit), selectinload(Award.unit).selectinload(Unit.parent))
    ).all()}
    titles = {t.code: t.name for t in session.scalars(select(Title)).all()}
    numbers = {
        (r.award_id, r.layout): r.register_no
        for r in session.scalars(select(CertificateRecord).where(
            CertificateRecord.award_id.in_(ids), CertificateRecord.reprint_of_id.is_(None)))
    }
    lines: list[AwardLine] = []
    for award_id in ids:
        a = awards[award_id]
        subject = "person" if a.person_id is not None else "unit"
        try:
            lay = default_layout_name(a.title_code, subject, layouts)
        except CertificateError:
            lay = ""
        if a.person is not None:
            name = a.person.full_name
            unit = a.person.unit.name if a.person.unit is not None else ""
        else:
            name = a.unit.name if a.unit is not None else ""
            unit = a.unit.parent.name if a.unit is not None and a.unit.parent is not None else ""
        lines.append(AwardLine(award_id, subject, name, a.title_code, titles.get(a.title_code, a.title_code),
                               unit, lay, numbers.get((award_id, lay), "")))
    return lines


@dataclass
class PreviewResult:
    pages: int
    register_numbers: list[str]  # as printed on the pages, in page order
    provisional: list[bool]  # True: the number the certificate would get if printed now


def preview_certificates(session: Session, award_ids: Sequence[int], out: str | os.PathLike[str] | BinaryIO, *,
                         layout_name: str | None = None, mode: str = "full", printer: str | None = None,
                         layouts: dict[str, Layout] | None = None) -> PreviewResult:
    """The exact pages ``issue_certificates`` would print now, without recording anything:
    a certificate already in the register shows its number, a new one the number it would get."""
    plan = plan_pages(session, award_ids, layout_name=layout_name, mode=mode, printer=printer, layouts=layouts,
                       what="xem trước")
    numbers = [p.register_no for p in plan.pages]
    provisional = [p.original is None for p in plan.pages]
    count = render_certificates([(p.layout, p.values) for p in plan.pages], out, mode, plan.offset,
                                "Xem trước giấy khen", plan.agency.name if plan.agency else "")
    return PreviewResult(count, numbers, provisional)




@dataclass(frozen=True)
class RegisterRow:
    record_id: int
    register_no: str
    name: str
    subject: str  # "person" | "unit"
    unit: str
    title_name: str
    year: int
    decision: str  # "215/QĐ-SLĐTBXH ngày 20/12/2024"
    layout: str
    mode: str
    printed_at: Any  # datetime (as stored)
    printed_by: str
    reprint_of_id: int | None

    @property
    def search_text(self) -> str:
        return fold(" ".join((self.register_no, self.name, self.unit, self.title_name, self.decision, self.printed_by)))


def register_rows(session: Session, year: int | None = None) -> list[RegisterRow]:
    """The register as flat rows, oldest first (see ``register_entries``)."""
    entries = register_entries(session, year)
    person_ids = {e.award.person_id for e in entries if e.award.person_id is not None}
    unit_names = dict(session.execute(
        select(Person.id, Unit.name).join(Unit, Unit.id == Person.unit_id).where(Person.id.in_(person_ids))).all()) \
        if person_ids else {}
    titles = {t.code: t.name for t in session.scalars(select(Title)).all()}
    rows: list[RegisterRow] = []
    for e in entries:
        a = e.award
        if a.person is not None:
            name, subject, unit = a.person.full_name, "person", unit_names.get(a.person.id, "")
        else:
            name, subject, unit = (a.unit.name if a.unit is not None else ""), "unit", ""
        d = a.decision
        decision = "" if d is None else d.number + (f" ngày {format_date(d.issued_on)}" if d.issued_on else "")
        rows.append(RegisterRow(e.id, e.register_no, name, subject, unit, titles.get(a.title_code, a.title_code),
                                a.year, decision, e.layout, e.mode, e.printed_at, e.printed_by, e.reprint_of_id))
    return rows


def register_years(session: Session) -> list[int]:
    """The award years present in the register, newest first."""
    return list(session.scalars(
        select(Award.year).join(CertificateRecord, CertificateRecord.award_id == Award.id).distinct()
        .order_by(Award.year.desc())))
