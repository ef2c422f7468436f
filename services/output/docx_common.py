"""Small helpers for .docx documents in the style of Nghị định 30/2020/NĐ-CP: A4, Times New
Roman 13-14 pt, the two-column header (issuing body on the left, national motto on the
right), the number and dateline, the title, tables with borders, the signature block.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from services.system.files import atomic_write
from services.system.text import nfc

# The page set-up of Nghị định 30/2020/NĐ-CP, Phụ lục I, used by every .docx and PDF the app
# writes (reference/official-forms.md, "ND30"): A4, margins top and bottom 20 mm (20-25),
# left 30 mm (30-35), right 15 mm (15-20), Times New Roman, body text 14 pt (13-14).
FONT = "Times New Roman"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_PT = 14
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document: the parent authority ("UBND TỈNH HÀ TĨNH"), the agency,
    the suffix of its document numbers ("SLĐTBXH") and the place of the dateline."""

    parent_authority: str
    agency: str
    doc_suffix: str
    place: str


@dataclass(frozen=True)
class SignatureBlock:
    capacity: str  # "KT. GIÁM ĐỐC" or ""
    position: str  # "PHÓ GIÁM ĐỐC"
    name: str


def new_document(*, landscape: bool = False) -> Any:
    """An empty A4 document with the ND30 page set-up (margins, Times New Roman, body 14 pt)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.space_before = Pt(0)
    return doc


def text_width(doc: Any) -> Any:
    section = doc.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         underline: bool = False, colour: str | None = None):
    run = paragraph.add_run(nfc(text))
    run.bold = bold
    run.italic = italic
    run.underline = underline
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    return run


def set_widths(table, widths: Sequence[int]) -> None:
    """Fixed column widths that both Word (cell widths) and LibreOffice (the grid) honour."""
    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = w
        for cell in table.columns[i].cells:
            cell.width = w


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_paragraph(cell, first: bool):
    return cell.paragraphs[0] if first else cell.add_paragraph()


def _centred(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)


def add_letterhead(doc: Any, head: Letterhead, number: str, dateline: str) -> None:
    """The header of an administrative document (ND30, Phụ lục I): left, the parent
    authority, the agency in bold and the number; right, the national name, the motto and
    the dateline in italics."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = text_width(doc)
    left_w = int(width * 0.4)
    set_widths(table, [left_w, width - left_w])
    left, right = table.rows[0].cells

    p = _cell_paragraph(left, True)
    _centred(p)
    _run(p, head.parent_authority.upper(), size=12)
    p = left.add_paragraph()
    _centred(p)
    _run(p, head.agency.upper(), bold=True, size=12)
    p = left.add_paragraph()
    _centred(p)
    _run(p, "———", size=8)
    p = left.add_paragraph()
    _centred(p)
    _run(p, number, size=13)

    p = _cell_paragraph(right, True)
    _centred(p)
    _run(p, NATION, bold=True, size=12)
    p = right.add_paragraph()
    _centred(p)
    _run(p, MOTTO, bold=True, size=13, underline=True)
    p = right.add_paragraph()
    _centred(p)
    _run(p, " ", size=8)
    p = right.add_paragraph()
    _centred(p)
    _run(p, dateline, italic=True, size=13)
    doc.add_paragraph()


def add_title(doc: Any, kind: str, summary: str) -> None:
    """The document's kind ("BÁO CÁO") and its summary line, centred and bold."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _run(p, kind.upper(), bold=True, size=14)
    for line in summary.split("\n"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _run(p, line, bold=True, size=14)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "———————", size=8)


def add_heading(doc: Any, text: str, *, level: int = 1) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(8 if level == 1 else 4)
    p.paragraph_format.space_after = Pt(3)
    p.paragraph_format.keep_with_next = True
    _run(p, text, bold=True, italic=level > 1, size=13.5 if level == 1 else 13)


def add_paragraph(doc: Any, text: str, *, italic: bool = False, indent: bool = True, size: float | None = None):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    _run(p, text, italic=italic, size=size)
    return p


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def add_table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
              widths: Sequence[float] | None = None, total: Sequence[Any] | None = None,
              size: float = 11.5, numeric_from: int = 1) -> Any:
    """A bordered table: a bold shaded header row repeated on every page, the rows, and an
    optional bold total row. Columns from ``numeric_from`` on are right-aligned when they
    hold numbers. ``widths`` are relative."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    full = text_width(doc)
    if widths:
        scale = sum(widths)
        col_widths = [int(full * w / scale) for w in widths]
    else:
        col_widths = [int(full / len(headers))] * len(headers)
    header = table.rows[0]
    _repeat_header(header)
    for i, text in enumerate(headers):
        cell = header.cells[i]
        cell.width = col_widths[i]
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, str(text), bold=True, size=size)
        _shade(cell, "E8EDF3")
    all_rows = [(r, False) for r in rows] + ([(total, True)] if total is not None else [])
    for values, is_total in all_rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            cell = cells[i]
            cell.width = col_widths[i]
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            text = format_cell(value)
            if i >= numeric_from and isinstance(value, (int, float)) or (i == 0 and _is_ordinal(value)):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if i else WD_ALIGN_PARAGRAPH.CENTER
            _run(p, text, bold=is_total, size=size)
    set_widths(table, col_widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)
    return table


def _is_ordinal(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def format_cell(value: Any) -> str:
    """Numbers with Vietnamese separators (1.234; 12,5), None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}".replace(",", ".")
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


def add_picture(doc: Any, png: bytes, *, width_cm: float = 16.0, caption: str = "") -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = bool(caption)
    p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    if caption:
        c = doc.add_paragraph()
        c.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(c, caption, italic=True, size=11.5)


def add_signature(doc: Any, recipients: Sequence[str], sign: SignatureBlock | None) -> None:
    """"Nơi nhận" on the left and the signer on the right, as ND30 places them."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    width = text_width(doc)
    set_widths(table, [int(width * 0.5), width - int(width * 0.5)])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    _run(p, "Nơi nhận:", bold=True, italic=True, size=12)
    for r in recipients:
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _run(q, f"- {r}", size=11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    if sign is None:
        _run(p, "THỦ TRƯỞNG CƠ QUAN", bold=True, size=13)
        return
    if sign.capacity:
        _run(p, sign.capacity, bold=True, size=13)
        p = right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
    _run(p, sign.position, bold=True, size=13)
    for _ in range(4):
        right.add_paragraph()
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, sign.name, bold=True, size=13)


def save_document(doc: Any, path: Path) -> Path:
    """Save anything with a ``save(path)`` method (a Word document, an openpyxl workbook)
    atomically: a temporary file in the same folder, then renamed over ``path``."""
    path = Path(path)
    with atomic_write(path) as tmp:
        doc.save(str(tmp))
    return path
