"""The register (sổ vàng) and print batches: printing a batch records one
``CertificateRecord`` per certificate; the first printing of an award on a layout gets
the next register number of that layout and year ("125/GK-2024"), printing it again is
recorded as a reprint that keeps the number. All or nothing: on any error no record is
kept and no file is left."""
from __future__ import annotations

import getpass
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Agency,
    Award,
    CertificateRecord,
    Decision,
    Person,
    Title,
    Unit,
)
from services.awards.valid_awards import decision_cancelled
from services.output.certificates.calibration import get_calibration
from services.output.certificates.common import CertificateError
from services.output.certificates.drawing import MODES, render_certificates
from services.output.certificates.layouts import (
    Layout,
    available_layouts,
    default_layout_name,
    get_layout,
)
from services.output.certificates.values import certificate_values, find_decision
from services.system.files import atomic_write
from services.system.settings import default_signer
from services.system.text import fold, name_ranks, nfc


@dataclass
class IssuedCertificate:
    award_id: int
    layout: str
    register_no: str
    reprint: bool
    record_id: int | None = None


@dataclass
class IssueResult:
    path: Path | None
    pages: int
    certificates: list[IssuedCertificate] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(1 for c in self.certificates if not c.reprint)

    @property
    def reprint_count(self) -> int:
        return sum(1 for c in self.certificates if c.reprint)


def register_number(seq: int, code: str, year: int) -> str:
    return f"{seq}/{code}-{year}"


_REGISTER_RE = re.compile(r"^(\d+)/")


def _next_numbers(session: Session, keys: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The last register number used for each (register code, year)."""
    last: dict[tuple[str, int], int] = {}
    for code, year in keys:
        suffix = f"/{code}-{year}"
        nos = session.scalars(
            select(CertificateRecord.register_no).where(
                CertificateRecord.register_no.like(f"%{suffix}"), CertificateRecord.reprint_of_id.is_(None))
        ).all()
        last[(code, year)] = max((int(m.group(1)) for n in nos if n.endswith(suffix) and (m := _REGISTER_RE.match(n))), default=0)
    return last


def decision_award_ids(session: Session, decision: Decision) -> list[int]:
    """The awards of a decision in list order: by title (catalogue order), people before
    collectives, people in Vietnamese name order, collectives by unit order."""
    rows = session.execute(
        select(Award.id, Award.person_id, Title.sort_order, Person.full_name, Unit.sort_order, Unit.name)
        .join(Title, Title.code == Award.title_code, isouter=True)
        .join(Person, Person.id == Award.person_id, isouter=True)
        .join(Unit, Unit.id == Award.unit_id, isouter=True)
        .where(Award.decision_id == decision.id)
    ).all()
    ranks = name_ranks(r[3] for r in rows if r[3] is not None)
    def key(r: Any) -> tuple:
        if r[1] is not None:
            return (r[2] or 0, 0, ranks[nfc(r[3])], "", r[0])
        return (r[2] or 0, 1, r[4] or 0, fold(r[5] or ""), r[0])
    return [r[0] for r in sorted(rows, key=key)]


@dataclass
class _PlannedPage:
    award: Award
    layout: Layout
    register_no: str
    original: CertificateRecord | None  # the first printing, when this one is a reprint
    values: dict[str, str]


@dataclass
class _Plan:
    pages: list[_PlannedPage]
    agency: Agency | None
    offset: tuple[float, float]


def plan_pages(session: Session, award_ids: Sequence[int], *, layout_name: str | None, mode: str,
                printer: str | None, layouts: dict[str, Layout] | None, what: str) -> _Plan:
    """The pages of the awards' certificates in the given order, each with its layout and
    register number: an award already in the register keeps its number, a new one takes
    the next free number of its layout and year. Nothing is written."""
    if mode not in MODES:
        raise CertificateError(f"Chế độ in «{mode}» không hợp lệ; dùng «full» hoặc «overlay».")
    ids = list(dict.fromkeys(award_ids))
    if not ids:
        raise CertificateError(f"Chưa chọn khen thưởng nào để {what}.")
    layouts = available_layouts() if layouts is None else layouts
    forced = get_layout(layout_name, layouts) if layout_name else None
    awards = {a.id: a for a in session.scalars(
        select(Award).where(Award.id.in_(ids)).options(
            selectinload(Award.decision),
            selectinload(Award.person).selectinload(Person.unit),
            selectinload(Award.unit).selectinload(Unit.parent),
        )
    ).all()}
    missing = [i for i in ids if i not in awards]
    if missing:
        raise CertificateError(f"Không tìm thấy khen thưởng có mã {', '.join(map(str, missing[:10]))}. "
                               "Hãy tải lại danh sách rồi thử lại.")
    cancelled = {a.decision.number for a in awards.values() if a.decision is not None and decision_cancelled(a.decision.state)}
    if cancelled:
        raise CertificateError(f"Quyết định {', '.join(sorted(cancelled))} đã bị hủy; không in giấy khen theo quyết định đã hủy.")
    titles = {t.code: t for t in session.scalars(select(Title)).all()}
    agency = session.scalars(select(Agency).order_by(Agency.id)).first()
    signer = default_signer(session)
    chosen = {
        i: forced or layouts[default_layout_name(awards[i].title_code,
                                                 "person" if awards[i].person_id is not None else "unit", layouts)]
        for i in ids
    }
    originals = {
        (r.award_id, r.layout): r
        for r in session.scalars(
            select(CertificateRecord).where(CertificateRecord.award_id.in_(ids), CertificateRecord.reprint_of_id.is_(None))
            .order_by(CertificateRecord.id)
        ).all()
    }
    last = _next_numbers(session, {(chosen[i].register_code, awards[i].year) for i in ids
                                   if (i, chosen[i].name) not in originals})
    pages: list[_PlannedPage] = []
    for i in ids:
        a, lay = awards[i], chosen[i]
        original = originals.get((i, lay.name))
        if original is not None:
            number = original.register_no
        else:
            key = (lay.register_code, a.year)
            last[key] += 1
            number = register_number(last[key], *key)
        values = certificate_values(a, title=titles.get(a.title_code), agency=agency, default_signer=signer,
                                    register_no=number)
        pages.append(_PlannedPage(a, lay, number, original, values))
    offset = get_calibration(session, printer) if mode == "overlay" else (0.0, 0.0)
    return _Plan(pages, agency, offset)


def issue_certificates(session: Session, award_ids: Sequence[int], out: str | os.PathLike[str] | BinaryIO, *,
                       layout_name: str | None = None, mode: str = "full", printer: str | None = None,
                       printed_by: str | None = None, layouts: dict[str, Layout] | None = None) -> IssueResult:
    """Print the awards' certificates into one PDF, in the given order, and record them
    in the register. All or nothing: on any error no record is kept and no file is left."""
    plan = plan_pages(session, award_ids, layout_name=layout_name, mode=mode, printer=printer, layouts=layouts,
                       what="in")
    who = nfc(printed_by if printed_by is not None else _current_user())
    issued: list[IssuedCertificate] = []
    new_records: list[tuple[IssuedCertificate, CertificateRecord]] = []
    for page in plan.pages:
        item = IssuedCertificate(page.award.id, page.layout.name, page.register_no, page.original is not None)
        record = CertificateRecord(award_id=page.award.id, register_no=page.register_no, layout=page.layout.name,
                                   mode=mode, reprint_of_id=page.original.id if page.original is not None else None,
                                   printed_by=who, copies=1)
        issued.append(item)
        new_records.append((item, record))
    pages = [(page.layout, page.values) for page in plan.pages]
    decisions = {p.award.decision.number for p in plan.pages if p.award.decision is not None}
    doc_title = "Giấy khen" + (f" - Quyết định {', '.join(sorted(decisions))}" if decisions else "")
    author = plan.agency.name if plan.agency is not None else ""
    path: Path | None = None
    try:
        if isinstance(out, (str, os.PathLike)):
            path = Path(out)
            with atomic_write(path) as tmp:
                count = render_certificates(pages, tmp, mode, plan.offset, doc_title, author)
                session.add_all(r for _, r in new_records)
                session.flush()
        else:
            count = render_certificates(pages, out, mode, plan.offset, doc_title, author)
            session.add_all(r for _, r in new_records)
            session.flush()
        session.commit()
    except OSError as exc:
        session.rollback()
        raise CertificateError(
            f"Không ghi được tệp «{path}» ({exc.strerror or exc}): tệp đang mở trong chương trình khác, "
            "là một thư mục, hoặc không có quyền ghi. Hãy đóng tệp hoặc chọn nơi lưu khác."
        ) from exc
    except Exception:
        session.rollback()
        raise
    for item, record in new_records:
        item.record_id = record.id
    return IssueResult(path=path, pages=count, certificates=issued)


def issue_decision(session: Session, decision_ref: str | int, out: str | os.PathLike[str] | BinaryIO, **kwargs: Any) -> IssueResult:
    """Every certificate of a decision, in list order (see ``issue_certificates``)."""
    decision = session.get(Decision, decision_ref) if isinstance(decision_ref, int) else find_decision(session, decision_ref)
    if decision is None:
        raise CertificateError(f"Không tìm thấy quyết định mã {decision_ref}.")
    ids = decision_award_ids(session, decision)
    if not ids:
        raise CertificateError(f"Quyết định {decision.number} chưa có khen thưởng nào; hãy nhập danh sách khen thưởng trước khi in.")
    return issue_certificates(session, ids, out, **kwargs)


def register_entries(session: Session, year: int | None = None) -> list[CertificateRecord]:
    """The register (sổ vàng): every printing, oldest first, with award, person and unit loaded."""
    query = select(CertificateRecord).options(
        selectinload(CertificateRecord.award).selectinload(Award.person),
        selectinload(CertificateRecord.award).selectinload(Award.unit),
        selectinload(CertificateRecord.award).selectinload(Award.decision),
    ).order_by(CertificateRecord.id)
    if year is not None:
        query = query.join(Award, Award.id == CertificateRecord.award_id).where(Award.year == year)
    return list(session.scalars(query).all())


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (services, some Windows setups)
        return ""



def reprint_records(session: Session, record_ids: Sequence[int], out: str | os.PathLike[str] | BinaryIO, *,
                    mode: str | None = None, printer: str | None = None, printed_by: str | None = None,
                    layouts: dict[str, Layout] | None = None) -> IssueResult:
    """Print again the certificates of chosen register entries, each on its own layout and
    with its own number, and record every page as a reprint of the original printing.
    ``mode`` None keeps each entry's mode (one mode per PDF: the first entry's)."""
    ids = list(dict.fromkeys(record_ids))
    if not ids:
        raise CertificateError("Chưa chọn mục nào trong sổ vàng để in lại.")
    records = {r.id: r for r in session.scalars(select(CertificateRecord).where(CertificateRecord.id.in_(ids)))}
    missing = [i for i in ids if i not in records]
    if missing:
        raise CertificateError(f"Không tìm thấy mục sổ vàng {', '.join(map(str, missing[:10]))}; hãy tải lại sổ vàng.")
    # A reprint of a reprint is a reprint of the original.
    original_ids = [records[i].reprint_of_id or i for i in ids]
    originals = {r.id: r for r in session.scalars(select(CertificateRecord).where(CertificateRecord.id.in_(original_ids)))}
    order = [originals[i] for i in dict.fromkeys(original_ids) if i in originals]
    if not order:
        raise CertificateError("Bản in gốc của các mục đã chọn không còn trong sổ vàng.")
    mode = mode or order[0].mode
    if mode not in MODES:
        raise CertificateError(f"Chế độ in «{mode}» không hợp lệ; dùng «full» hoặc «overlay».")
    layouts = available_layouts() if layouts is None else layouts
    award_ids = [r.award_id for r in order]
    awards = {a.id: a for a in session.scalars(
        select(Award).where(Award.id.in_(award_ids)).options(
            selectinload(Award.decision), selectinload(Award.person).selectinload(Person.unit),
            selectinload(Award.unit).selectinload(Unit.parent))
    ).all()}
    cancelled = {a.decision.number for a in awards.values() if a.decision is not None and decision_cancelled(a.decision.state)}
    if cancelled:
        raise CertificateError(f"Quyết định {', '.join(sorted(cancelled))} đã bị hủy; không in lại giấy khen theo quyết định đã hủy.")
    titles = {t.code: t for t in session.scalars(select(Title)).all()}
    agency = session.scalars(select(Agency).order_by(Agency.id)).first()
    signer = default_signer(session)
    who = nfc(printed_by if printed_by is not None else _current_user())
    pages: list[tuple[Layout, dict[str, str]]] = []
    new_records: list[tuple[IssuedCertificate, CertificateRecord]] = []
    for original in order:
        a = awards[original.award_id]
        lay = get_layout(original.layout, layouts)
        pages.append((lay, certificate_values(a, title=titles.get(a.title_code), agency=agency,
                                              default_signer=signer, register_no=original.register_no)))
        item = IssuedCertificate(a.id, lay.name, original.register_no, True)
        new_records.append((item, CertificateRecord(award_id=a.id, register_no=original.register_no, layout=lay.name,
                                                    mode=mode, reprint_of_id=original.id, printed_by=who, copies=1)))
    offset = get_calibration(session, printer) if mode == "overlay" else (0.0, 0.0)
    try:
        count = render_certificates(pages, out, mode, offset, "Giấy khen - in lại", agency.name if agency else "")
        session.add_all(r for _, r in new_records)
        session.flush()
        session.commit()
    except OSError as exc:
        session.rollback()
        raise CertificateError(f"Không ghi được tệp ({exc.strerror or exc}). Hãy đóng tệp hoặc chọn nơi lưu khác.") from exc
    except Exception:
        session.rollback()
        raise
    for item, record in new_records:
        item.record_id = record.id
    return IssueResult(path=Path(out) if isinstance(out, (str, os.PathLike)) else None, pages=count,
                       certificates=[i for i, _ in new_records])


def undo_issue(session: Session, record_ids: Sequence[int]) -> None:
    """Take back register entries just made for a print job that then failed (the printer
    refused the job): nothing was handed over, so nothing stays in the register."""
    from sqlalchemy import delete

    ids = [i for i in record_ids if i is not None]
    if ids:
        session.execute(delete(CertificateRecord).where(CertificateRecord.id.in_(ids)))
        session.commit()
