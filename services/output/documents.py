"""The documents of the workflow — tờ trình, biên bản, quyết định with its danh sách kèm
theo, báo cáo thành tích — as ONE document model (``Doc``) rendered both to .docx
(python-docx, editable in Word) and to PDF (reportlab platypus), laid out per Nghị định
30/2020/NĐ-CP: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman
(or the bundled Liberation Serif) 14 pt; the header with the agency on the left (cơ quan
chủ quản over cơ quan ban hành, underlined, "Số: .../TTr-...") and the national motto on
the right (underlined), the italic dateline, the signature block and "Nơi nhận:".

The wording lives in ``resources/documents/*.json`` (see the README there): an agency
changes it without code, or puts its own copy in ``<data folder>/documents/``.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Agency,
    Award,
    Decision,
    Evaluation,
    Initiative,
    NominationList,
    Person,
    Title,
)
from models.vocabulary import GENDERS, RATINGS
from services.awards.valid_awards import decision_cancelled
from services.output.docx_common import BODY_PT, MARGINS_MM, new_document
from services.system.files import atomic_write
from services.system.text import format_date, long_date

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "resources" / "documents"
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
HEADER_PT, TABLE_PT = 13, 12


class DocumentError(RuntimeError):
    """A document that cannot be made; the message says why and what to do."""


# --- the document model -------------------------------------------------------------------

@dataclass
class Para:
    text: str
    style: str = ""  # "", center, bold, italic, right, heading


@dataclass
class TableBlock:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # fractions of the text width


@dataclass
class PageBreak:
    pass


@dataclass
class Signature:
    capacity: str
    position: str
    name: str


@dataclass
class Doc:
    file_stem: str
    parent_authority: str
    agency: str
    number_line: str  # "Số: 215/QĐ-SLĐTBXH", or "" for forms
    dateline: str
    title: str
    subject: str
    national_header_only: bool = False
    authority_line: str = ""
    addressee: str = ""
    blocks: list[Any] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    attachment: list[Any] = field(default_factory=list)  # blocks after a page break

    def all_text(self) -> str:
        """Every word of the document, for tests and search."""
        parts = [self.parent_authority, self.agency, self.number_line, self.dateline, self.title, self.subject,
                 self.authority_line, self.addressee]
        for b in self.blocks + self.attachment:
            if isinstance(b, Para):
                parts.append(b.text)
            elif isinstance(b, TableBlock):
                parts += b.headers + [c for r in b.rows for c in r]
        parts += self.recipients + [f"{s.capacity} {s.position} {s.name}" for s in self.signatures]
        return "\n".join(p for p in parts if p)


class _Fill(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_dirs() -> list[Path]:
    dirs = []
    data = os.environ.get("TDKT_DATA_DIR")
    if data:
        dirs.append(Path(data) / "documents")
    dirs.append(TEMPLATES_DIR)
    return dirs


def load_template(name: str) -> dict[str, Any]:
    for d in template_dirs():
        path = d / f"{name}.json"
        if path.is_file():
            try:
                with path.open(encoding="utf-8") as f:
                    return json.load(f)
            except (OSError, json.JSONDecodeError) as exc:
                raise DocumentError(f"Mẫu văn bản {path} bị lỗi ({exc}). Hãy sửa tệp mẫu hoặc xóa để dùng mẫu gốc.") from exc
    raise DocumentError(f"Không tìm thấy mẫu văn bản «{name}.json» trong {TEMPLATES_DIR}. Hãy cài đặt lại ứng dụng.")


def _fill(text: str, values: dict[str, Any]) -> str:
    return str(text).format_map(_Fill(values))


def build(template: dict[str, Any], values: dict[str, Any], tables: dict[str, TableBlock], *, file_stem: str,
          number: str, dateline: str) -> Doc:
    def blocks(items: Sequence[dict[str, Any]]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if "table" in item:
                t = tables.get(item["table"])
                if t is not None:
                    out.append(t)
            elif item.get("page_break"):
                out.append(PageBreak())
            else:
                text = _fill(item.get("p", ""), values).strip()
                if text:
                    out.append(Para(text, item.get("style", "")))
        return out

    kind = template.get("kind", "")
    doc = Doc(
        file_stem=file_stem,
        parent_authority=values.get("PARENT_AUTHORITY", ""),
        agency=values.get("AGENCY_NAME", ""),
        number_line=(f"Số: {number}" if number else f"Số:      /{kind}-{values.get('doc_suffix', '')}") if kind else "",
        dateline=dateline,
        title=_fill(template.get("title", ""), values),
        subject=_fill(template.get("subject", ""), values),
        national_header_only=bool(template.get("national_header_only")),
        authority_line=_fill(template.get("authority_line", ""), values),
        addressee=_fill(template.get("addressee", ""), values),
        blocks=blocks(template.get("body", [])),
        recipients=[_fill(r, values) for r in template.get("recipients", [])],
        signatures=[Signature(_fill(s.get("capacity", ""), values).upper(), _fill(s.get("position", ""), values).upper(),
                              _fill(s.get("name", ""), values)) for s in template.get("signatures", [])],
    )
    att = template.get("attachment")
    if att:
        doc.attachment = [Para(_fill(att.get("title", ""), values), "heading")]
        for line in _fill(att.get("subtitle", ""), values).split("\n"):
            doc.attachment.append(Para(line, "center"))
        t = tables.get(att.get("table", ""))
        if t is not None:
            doc.attachment.append(t)
    return doc


# --- values from the database ----------------------------------------------------------

def _agency_values(session: Session) -> dict[str, Any]:
    ag = session.scalars(select(Agency).order_by(Agency.id)).first()
    name = ag.name if ag else "Cơ quan"
    parent = ag.parent_authority if ag else ""
    return {"agency_name": name, "AGENCY_NAME": name.upper(), "parent_authority": parent,
            "PARENT_AUTHORITY": parent.upper(), "place": (ag.place if ag else "") or "",
            "doc_suffix": (ag.doc_suffix if ag else "") or ""}


def _dateline(values: dict[str, Any], on: date | None) -> str:
    place = values.get("place") or ""
    if on is None:
        return f"{place}, ngày      tháng      năm {values.get('year', '')}".strip(", ")
    return long_date(place, on)


def _title_values(session: Session, nl: NominationList) -> dict[str, Any]:
    t = session.get(Title, nl.title_code)
    name = t.name if t else nl.title_code
    return {"title_name": name, "TITLE_NAME": name.upper(), "title_code": nl.title_code, "year": nl.year,
            "next_year": nl.year + 1, "quota": "không áp dụng" if nl.quota is None else nl.quota,
            "quota_basis": nl.quota_basis or "không áp dụng tỷ lệ"}


def _unit_of(n) -> str:
    if n.person_id is not None:
        return n.person.unit.name if n.person.unit else ""
    return n.unit.parent.name if n.unit.parent else ""


def _overrides_text(view) -> str:
    if not view.overrides:
        return ""
    parts = [f"{('bổ sung' if n.override == 'added' else 'không đề nghị')} {_name(n)} ({n.override_reason})"
             for n in view.overrides]
    return "Thay đổi so với dự thảo theo tiêu chuẩn: " + "; ".join(parts) + "."


def _name(n) -> str:
    return n.person.full_name if n.person_id is not None else n.unit.name


def _signer_values(session: Session, decision: Decision | None = None) -> dict[str, str]:
    if decision is not None and decision.signer_name:
        return {"signer_name": decision.signer_name, "signer_position": decision.signer_position,
                "signer_capacity": decision.signer_capacity}
    from services.awards.decisions import default_signer

    s = default_signer(session)
    return {"signer_name": s.full_name if s else "", "signer_position": s.position if s else "",
            "signer_capacity": s.capacity if s else ""}


def submission(session: Session, list_id: int, on: date | None = None) -> Doc:
    """Tờ trình: the list proposed to the council."""
    from services.awards.nominations import get_list, view_list

    nl = get_list(session, list_id)
    view = view_list(session, nl)
    values = {**_agency_values(session), **_title_values(session, nl), **_signer_values(session),
              "count": len(view.proposed), "overrides_text": _overrides_text(view)}
    rows = [[str(i), _name(n), _unit_of(n), "; ".join(r["text"] for r in n.reasons[:1]) +
             (f" [Bổ sung: {n.override_reason}]" if n.override == "added" else "")]
            for i, n in enumerate(view.proposed, 1)]
    table = TableBlock(["TT", "Họ và tên / Tập thể", "Đơn vị", "Căn cứ đề nghị"], rows, [0.07, 0.28, 0.25, 0.40])
    return build(load_template("to-trinh"), values, {"candidates": table},
                 file_stem=f"to-trinh-{nl.title_code}-{nl.year}", number="", dateline=_dateline(values, on))


def minutes(session: Session, list_id: int) -> Doc:
    """Biên bản: the council meeting and each candidate's votes."""
    from services.awards.council import results
    from services.awards.nominations import get_list, view_list

    nl = get_list(session, list_id)
    if nl.meeting is None:
        raise DocumentError(f"Danh sách {nl.title_code} năm {nl.year} chưa có cuộc họp Hội đồng: chưa lập được biên bản.")
    m = nl.meeting
    rule, res = results(session, list_id)
    view = view_list(session, nl)
    values = {**_agency_values(session), **_title_values(session, nl), "count": len(res),
              "meeting_date": format_date(m.held_on), "members_total": m.members_total,
              "members_present": m.members_present, "chair": m.chair, "secretary": m.secretary,
              "meeting_place": m.place or values_place(session),
              "attendees": ("Gồm: " + ", ".join(m.attendees) + ".") if m.attendees else "",
              "vote_rule": rule.describe(), "passed": sum(r.passed for r in res), "overrides_text": _overrides_text(view)}
    rows = [[str(i), r.name, r.unit, "" if r.votes_for is None else f"{r.votes_for}/{r.base}",
             "" if r.share is None else f"{r.share:.1f}".replace(".", ",") + "%", "Đạt" if r.passed else "Không đạt"]
            for i, r in enumerate(res, 1)]
    table = TableBlock(["TT", "Họ và tên / Tập thể", "Đơn vị", "Phiếu đồng ý", "Tỷ lệ", "Kết quả"], rows,
                       [0.07, 0.30, 0.25, 0.13, 0.11, 0.14])
    return build(load_template("bien-ban"), values, {"results": table},
                 file_stem=f"bien-ban-{nl.title_code}-{nl.year}", number="", dateline=_dateline(values, m.held_on))


def values_place(session: Session) -> str:
    return _agency_values(session)["place"]


def decision_doc(session: Session, decision_id: int) -> Doc:
    """Quyết định with its danh sách kèm theo."""
    d = session.get(Decision, decision_id)
    if d is None:
        raise DocumentError(f"Không tìm thấy quyết định mã {decision_id}.")
    nl = session.get(NominationList, d.nomination_list_id) if d.nomination_list_id else None
    awards = session.scalars(select(Award).where(Award.decision_id == d.id)
                             .options(selectinload(Award.person).selectinload(Person.unit),
                                      selectinload(Award.unit))).all()
    if nl is not None:
        tv = _title_values(session, nl)
        from services.awards.nominations import view_list

        order = {(n.person_id, n.unit_id): i for i, n in enumerate(view_list(session, nl).proposed)}
        awards = sorted(awards, key=lambda a: order.get((a.person_id, a.unit_id), 10 ** 6))
        meeting_date = format_date(nl.meeting.held_on) if nl.meeting else ""
    else:
        first = awards[0] if awards else None
        t = session.get(Title, first.title_code) if first else None
        tv = {"title_name": t.name if t else "", "TITLE_NAME": (t.name if t else "").upper(),
              "year": first.year if first else "", "title_code": first.title_code if first else ""}
        meeting_date = ""
    values = {**_agency_values(session), **tv, **_signer_values(session, d), "count": len(awards),
              "number": d.number, "date_short": format_date(d.issued_on), "meeting_date": meeting_date,
              "issuing_authority": d.issuing_authority, "ISSUING_AUTHORITY": d.issuing_authority.upper()}
    if d.level != "co_so":
        # A decision of a higher authority: its own header (the agency only records it).
        values["PARENT_AUTHORITY"] = ""
        values["AGENCY_NAME"] = d.issuing_authority.upper().replace("CHỦ TỊCH ", "")
    rows = []
    for i, a in enumerate(awards, 1):
        if a.person is not None:
            p = a.person
            rows.append([str(i), p.full_name, p.position or "", p.unit.name if p.unit else ""])
        elif a.unit is not None:
            rows.append([str(i), a.unit.name, "", a.unit.parent.name if a.unit.parent else ""])
    table = TableBlock(["TT", "Họ và tên / Tập thể", "Chức vụ", "Đơn vị"], rows, [0.08, 0.34, 0.24, 0.34])
    doc = build(load_template("quyet-dinh"), values, {"awards": table},
                file_stem=f"quyet-dinh-{_safe(d.number)}", number=d.number, dateline=_dateline(values, d.issued_on))
    if decision_cancelled(d.state):
        doc.blocks.insert(0, Para(f"(QUYẾT ĐỊNH ĐÃ BỊ HỦY: {d.cancel_reason})", "bold"))
    return doc


def achievement_report(session: Session, person_id: int, year: int, title_code: str = "CSTDCS") -> Doc:
    """Báo cáo thành tích of a person, pre-filled from the record (ratings, initiatives, awards)."""
    from services.awards.history import person_history

    p = session.get(Person, person_id)
    if p is None:
        raise DocumentError(f"Không tìm thấy cán bộ mã {person_id}.")
    t = session.get(Title, title_code)
    hist = person_history(session, p.id)
    values = {**_agency_values(session), "year": year, "title_name": t.name if t else title_code,
              "person_name": p.full_name, "birth_date": format_date(p.birth_date) or "....",
              "gender": GENDERS.get(p.gender, p.gender), "position": p.position or "....",
              "unit_name": p.unit.name if p.unit else "", "joined": format_date(p.joined) or "...."}
    evals = session.execute(select(Evaluation.year, Evaluation.rating).where(
        Evaluation.person_id == p.id, Evaluation.year <= year).order_by(Evaluation.year)).all()
    ratings = TableBlock(["Năm", "Xếp loại chất lượng"],
                         [[str(y), RATINGS.get(r or "", r or "chưa xếp loại")] for y, r in evals] or [["", "chưa có"]],
                         [0.2, 0.8])
    inits = session.scalars(select(Initiative).where(Initiative.person_id == p.id, Initiative.year <= year)
                            .order_by(Initiative.year, Initiative.code)).all()
    itable = TableBlock(["Năm", "Mã", "Tên sáng kiến, đề tài", "Cấp công nhận"],
                        [[str(i.year), i.code, i.title, i.recognized_by or i.level] for i in inits] or [["", "", "chưa có", ""]],
                        [0.1, 0.17, 0.5, 0.23])
    atable = TableBlock(["Năm", "Hình thức khen thưởng", "Số quyết định"],
                        [[str(h.year), h.title_name, h.decision_number] for h in hist.awards if h.year <= year]
                        or [["", "chưa có", ""]], [0.12, 0.55, 0.33])
    return build(load_template("bao-cao-thanh-tich"), values,
                 {"ratings": ratings, "initiatives": itable, "awards": atable},
                 file_stem=f"bao-cao-thanh-tich-{p.code}-{year}", number="", dateline=_dateline(values, None))


def _safe(text: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
    return keep.strip("-") or "van-ban"


# --- rendering: .docx ---------------------------------------------------------------------

def render_docx(doc: Doc, path: Path) -> Path:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    d = new_document()
    d.styles["Normal"].paragraph_format.space_after = Pt(0)
    align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
             "heading": WD_ALIGN_PARAGRAPH.CENTER, "": WD_ALIGN_PARAGRAPH.JUSTIFY,
             "bold": WD_ALIGN_PARAGRAPH.JUSTIFY, "italic": WD_ALIGN_PARAGRAPH.JUSTIFY,
             "left": WD_ALIGN_PARAGRAPH.LEFT}

    def line(container, text, *, size=BODY_PT, bold=False, italic=False, underline=False, al="center", after=0,
             indent=False):
        p = container.add_paragraph()
        p.alignment = align.get(al, WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_after = Pt(after)
        if indent:
            p.paragraph_format.first_line_indent = Mm(10)
        r = p.add_run(text)
        r.font.size, r.bold, r.italic, r.underline = Pt(size), bold, italic, underline
        return p

    def cell_first(cell, text, **kw):
        p = cell.paragraphs[0]
        p.alignment = align.get(kw.pop("al", "center"), WD_ALIGN_PARAGRAPH.CENTER)
        r = p.add_run(text)
        r.font.size = Pt(kw.get("size", BODY_PT))
        r.bold, r.italic, r.underline = kw.get("bold", False), kw.get("italic", False), kw.get("underline", False)

    # Header (ND30): two columns, no borders.
    if doc.national_header_only:
        line(d, MOTTO_1, size=HEADER_PT, bold=True)
        line(d, MOTTO_2, size=BODY_PT, bold=True, underline=True, after=6)
        line(d, doc.dateline, italic=True, al="right", after=6)
    else:
        t = d.add_table(rows=1, cols=2)
        t.autofit = False
        left, right = t.rows[0].cells
        for col, w in zip(t.columns, (Mm(68), Mm(97))):
            col.width = w
            for c in col.cells:
                c.width = w
        cell_first(left, doc.parent_authority, size=HEADER_PT)
        line(left, doc.agency, size=HEADER_PT, bold=True, underline=True)
        if doc.number_line:
            line(left, doc.number_line, size=HEADER_PT)
        cell_first(right, MOTTO_1, size=12, bold=True)
        line(right, MOTTO_2, size=BODY_PT, bold=True, underline=True)
        line(right, doc.dateline, italic=True, after=0)
    line(d, "", after=6)
    line(d, doc.title, bold=True)
    if doc.subject:
        line(d, doc.subject, bold=True, after=6)
    if doc.authority_line:
        line(d, doc.authority_line, bold=True, after=6)
    if doc.addressee:
        line(d, doc.addressee, after=6)

    def add_blocks(blocks):
        for b in blocks:
            if isinstance(b, Para):
                st = b.style
                line(d, b.text, bold=st in ("bold", "heading"), italic=st == "italic", al=st if st in align else "",
                     after=6, indent=st in ("", "italic"))
            elif isinstance(b, TableBlock):
                tb = d.add_table(rows=1, cols=len(b.headers))
                tb.style = "Table Grid"
                tb.alignment = WD_TABLE_ALIGNMENT.CENTER
                width = 165
                for i, h in enumerate(b.headers):
                    c = tb.rows[0].cells[i]
                    c.width = Mm(width * b.widths[i])
                    cell_first(c, h, size=TABLE_PT, bold=True)
                for row in b.rows:
                    cells = tb.add_row().cells
                    for i, v in enumerate(row):
                        cells[i].width = Mm(width * b.widths[i])
                        cell_first(cells[i], v, size=TABLE_PT, al="center" if i == 0 else "left")
                line(d, "", after=6)
            elif isinstance(b, PageBreak):
                d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    add_blocks(doc.blocks)
    # Signature block: Nơi nhận on the left, signer(s) on the right.
    sigs = doc.signatures
    cols = max(2, len(sigs) if not doc.recipients else 2)
    st = d.add_table(rows=1, cols=cols)
    cells = st.rows[0].cells
    if doc.recipients:
        cell_first(cells[0], "Nơi nhận:", size=12, bold=True, italic=True, al="left")
        for r in doc.recipients:
            line(cells[0], f"- {r}", size=11, al="left")
        sig_cells = [cells[1]]
    else:
        sig_cells = cells[-len(sigs):] if sigs else []
    for cell, s in zip(sig_cells, sigs):
        first = True
        for text in (s.capacity, s.position):
            if text:
                (cell_first(cell, text, bold=True) if first else line(cell, text, bold=True))
                first = False
        if first:
            cell_first(cell, "")
        for _ in range(3):
            line(cell, "")
        line(cell, s.name, bold=True)
    if doc.attachment:
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        add_blocks(doc.attachment)
    with atomic_write(path) as tmp:
        d.save(str(tmp))
    return path


# --- rendering: PDF -------------------------------------------------------------------------

def render_pdf(doc: Doc, path: Path) -> Path:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus import PageBreak as RLPageBreak

    from services.system.fonts import serif_family

    fam = serif_family()
    reg = fam.fonts["regular"]

    def style(name, size=BODY_PT, align=TA_JUSTIFY, bold=False, italic=False, indent=0, after=4):
        return ParagraphStyle(name, fontName=fam.variant(bold, italic), fontSize=size, leading=size * 1.3,
                              alignment=align, firstLineIndent=indent, spaceAfter=after)

    story: list[Any] = []
    width = A4[0] - (MARGINS_MM["left"] + MARGINS_MM["right"]) * mm

    def P(text, st):
        return Paragraph(escape(text).replace("\n", "<br/>"), st)

    def U(text, st):
        return Paragraph(f"<u>{escape(text)}</u>", st)

    if doc.national_header_only:
        story += [P(MOTTO_1, style("m1", HEADER_PT, TA_CENTER, bold=True, after=0)),
                  U(MOTTO_2, style("m2", BODY_PT, TA_CENTER, bold=True, after=6)),
                  P(doc.dateline, style("dl", BODY_PT, TA_RIGHT, italic=True, after=8))]
    else:
        left = [P(doc.parent_authority, style("pa", HEADER_PT, TA_CENTER, after=0)),
                U(doc.agency, style("ag", HEADER_PT, TA_CENTER, bold=True, after=4))]
        if doc.number_line:
            left.append(P(doc.number_line, style("no", HEADER_PT, TA_CENTER)))
        right = [P(MOTTO_1, style("m1", HEADER_PT - 1, TA_CENTER, bold=True, after=0)),
                 U(MOTTO_2, style("m2", BODY_PT, TA_CENTER, bold=True, after=6)),
                 P(doc.dateline, style("dl", BODY_PT, TA_CENTER, italic=True))]
        head = Table([[left, right]], colWidths=[width * 0.41, width * 0.59])
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(head)
    story.append(Spacer(1, 8))
    story.append(P(doc.title, style("ti", BODY_PT, TA_CENTER, bold=True, after=0)))
    if doc.subject:
        story.append(P(doc.subject, style("su", BODY_PT, TA_CENTER, bold=True, after=8)))
    if doc.authority_line:
        story.append(P(doc.authority_line, style("au", BODY_PT, TA_CENTER, bold=True, after=8)))
    if doc.addressee:
        story.append(P(doc.addressee, style("ad", BODY_PT, TA_CENTER, after=8)))
    aligns = {"center": TA_CENTER, "right": TA_RIGHT, "heading": TA_CENTER}
    cell_style = style("cell", TABLE_PT, TA_LEFT, after=0)
    cell_center = style("cellc", TABLE_PT, TA_CENTER, after=0)
    head_style = style("cellh", TABLE_PT, TA_CENTER, bold=True, after=0)

    def add_blocks(blocks):
        for b in blocks:
            if isinstance(b, Para):
                s = b.style
                story.append(P(b.text, style("b" + s, BODY_PT, aligns.get(s, TA_JUSTIFY), bold=s in ("bold", "heading"),
                                             italic=s == "italic", indent=10 * mm if s in ("", "italic") else 0)))
            elif isinstance(b, TableBlock):
                data = [[P(h, head_style) for h in b.headers]]
                data += [[P(v, cell_center if i == 0 else cell_style) for i, v in enumerate(r)] for r in b.rows]
                t = Table(data, colWidths=[width * w for w in b.widths], repeatRows=1)
                t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
                story.append(t)
                story.append(Spacer(1, 6))
            elif isinstance(b, PageBreak):
                story.append(RLPageBreak())

    add_blocks(doc.blocks)
    sig_style = style("sg", BODY_PT, TA_CENTER, bold=True, after=0)

    def sig_cell(s: Signature):
        out = [P(t, sig_style) for t in (s.capacity, s.position) if t]
        out.append(Spacer(1, 22 * mm))
        out.append(P(s.name, sig_style))
        return out

    if doc.recipients:
        rec = [P("Nơi nhận:", style("nn", 12, TA_LEFT, bold=True, italic=True, after=0))]
        rec += [P(f"- {r}", style("nr", 11, TA_LEFT, after=0)) for r in doc.recipients]
        row = [rec] + [sig_cell(s) for s in doc.signatures[:1]]
        widths = [width * 0.45, width * 0.55]
    else:
        row = [sig_cell(s) for s in doc.signatures] or [[""]]
        widths = [width / len(row)] * len(row)
    sig = Table([row], colWidths=widths)
    sig.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(Spacer(1, 6))
    story.append(KeepTogether([sig]))
    if doc.attachment:
        story.append(RLPageBreak())
        add_blocks(doc.attachment)

    with atomic_write(path) as tmp:
        pdf = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=MARGINS_MM["left"] * mm,
                                rightMargin=MARGINS_MM["right"] * mm, topMargin=MARGINS_MM["top"] * mm,
                                bottomMargin=MARGINS_MM["bottom"] * mm, title=f"{doc.title} {doc.subject}",
                                author=doc.agency)
        pdf.build(story)
    _ = reg
    return path


def write(doc: Doc, folder: Path, formats: Sequence[str] = ("docx", "pdf")) -> list[Path]:
    """Render ``doc`` into ``folder`` in each format; returns the paths written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        if "docx" in formats:
            out.append(render_docx(doc, folder / f"{doc.file_stem}.docx"))
        if "pdf" in formats:
            out.append(render_pdf(doc, folder / f"{doc.file_stem}.pdf"))
        return out
    except PermissionError as exc:
        raise DocumentError(f"Không ghi được vào {exc.filename or folder}: tệp đang mở trong Word hoặc thư mục không "
                            "cho phép ghi. Hãy đóng tệp hoặc chọn thư mục khác.") from exc
    except OSError as exc:
        raise DocumentError(f"Không ghi được văn bản vào {folder}: {exc.strerror or exc}. Hãy chọn thư mục khác.") from exc


def list_documents(session: Session, list_id: int) -> list[Doc]:
    """The documents a list has so far: tờ trình, and the biên bản once the council met."""
    from services.awards.nominations import get_list

    nl = get_list(session, list_id)
    docs = [submission(session, list_id)]
    if nl.meeting is not None:
        docs.append(minutes(session, list_id))
    return docs


def decision_documents(session: Session, decision_id: int) -> list[Doc]:
    """Tờ trình, biên bản and quyết định (with its danh sách) of a decision."""
    d = session.get(Decision, decision_id)
    if d is None:
        raise DocumentError(f"Không tìm thấy quyết định mã {decision_id}.")
    docs = list_documents(session, d.nomination_list_id) if d.nomination_list_id else []
    return docs + [decision_doc(session, decision_id)]


def self_test_render(session: Session, folder: Path) -> Path:
    """Render one document of the open database (a decision if any, else a tờ trình, else
    a báo cáo thành tích) as PDF into ``folder``; return its path."""
    d = session.scalars(select(Decision).where(Decision.state == "hieu_luc").order_by(Decision.id.desc())).first()
    if d is not None:
        doc = decision_doc(session, d.id)
    else:
        nl = session.scalars(select(NominationList).order_by(NominationList.id)).first()
        if nl is not None:
            doc = submission(session, nl.id)
        else:
            p = session.scalars(select(Person).order_by(Person.id)).first()
            if p is None:
                raise DocumentError("CSDL chưa có dữ liệu nào để thử lập văn bản.")
            doc = achievement_report(session, p.id, date.today().year)
    return render_pdf(doc, Path(folder) / f"{doc.file_stem}.pdf")
