"""Drawing certificates into a PDF (reportlab): ``full`` mode prints everything on plain
paper with a decorative border, ``overlay`` only the variable fields onto a pre-printed
form (phôi), moved by the printer's calibration offset; and the calibration test page."""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, BinaryIO

from services.output.certificates.calibration import DEFAULT_PRINTER
from services.output.certificates.common import MM, CertificateError
from services.output.certificates.fitting import PlacedLine, place_fields
from services.output.certificates.layouts import ORIENTATIONS, PAPER_SIZES_MM, Layout
from services.system.fonts import serif_family

MODES = ("full", "overlay")



def _border_form(canvas: Any, layout: Layout) -> str:
    """The decorative border of a layout, drawn once per PDF as a reusable form."""
    name = f"border-{layout.name}"
    forms = canvas._tdkt_forms
    if name in forms:
        return name
    b = layout.border
    assert b is not None
    w, h = layout.width_mm * MM, layout.height_mm * MM
    m = b["margin"] * MM
    outer, inner = b["outer_color"], b["inner_color"]
    canvas.beginForm(name, 0, 0, w, h)
    canvas.saveState()
    # Outer heavy frame and a thin line just inside it.
    canvas.setStrokeColorRGB(*outer)
    canvas.setLineWidth(4.5)
    canvas.rect(m, m, w - 2 * m, h - 2 * m)
    canvas.setLineWidth(0.8)
    g = 3.2 * MM
    canvas.rect(m + g, m + g, w - 2 * (m + g), h - 2 * (m + g))
    # A band of small diamonds between the outer frame and the inner frame.
    canvas.setFillColorRGB(*outer)
    band = m + g + 3.0 * MM
    step = 6.0 * MM
    r = 1.1 * MM

    def diamond(cx: float, cy: float, rad: float) -> None:
        p = canvas.beginPath()
        p.moveTo(cx, cy + rad)
        p.lineTo(cx + rad, cy)
        p.lineTo(cx, cy - rad)
        p.lineTo(cx - rad, cy)
        p.close()
        canvas.drawPath(p, stroke=0, fill=1)

    mid = m + g / 2 + 0.4 * MM
    n = int((w - 2 * mid) // step)
    start = (w - n * step) / 2
    for i in range(n + 1):
        diamond(start + i * step, mid, r * 0.55)
        diamond(start + i * step, h - mid, r * 0.55)
    n = int((h - 2 * mid) // step)
    start = (h - n * step) / 2
    for i in range(n + 1):
        diamond(mid, start + i * step, r * 0.55)
        diamond(w - mid, start + i * step, r * 0.55)
    # Inner frame in the second colour, with corner ornaments.
    canvas.setStrokeColorRGB(*inner)
    canvas.setLineWidth(1.6)
    canvas.rect(band, band, w - 2 * band, h - 2 * band)
    canvas.setLineWidth(0.6)
    canvas.rect(band + 1.6 * MM, band + 1.6 * MM, w - 2 * (band + 1.6 * MM), h - 2 * (band + 1.6 * MM))
    canvas.setFillColorRGB(*inner)
    c = 9 * MM
    corners = ((band, band, 1, 1, 0), (w - band, band, -1, 1, 90), (band, h - band, 1, -1, 270), (w - band, h - band, -1, -1, 180))
    for cx, cy, sx, sy, start_angle in corners:
        canvas.setLineWidth(1.2)
        canvas.arc(cx - c, cy - c, cx + c, cy + c, startAng=start_angle, extent=90)
        diamond(cx + sx * 4.5 * MM, cy + sy * 4.5 * MM, 2.2 * MM)
        canvas.setFillColorRGB(*outer)
        diamond(cx + sx * 4.5 * MM, cy + sy * 4.5 * MM, 1.0 * MM)
        canvas.setFillColorRGB(*inner)
    # Small ornaments at the middle of the top and bottom edges.
    for cy in (band, h - band):
        diamond(w / 2, cy, 2.4 * MM)
        canvas.setFillColorRGB(*outer)
        diamond(w / 2, cy, 1.1 * MM)
        canvas.setFillColorRGB(*inner)
    canvas.restoreState()
    canvas.endForm()
    forms.add(name)
    return name


def draw_lines(canvas: Any, lines: Iterable[PlacedLine]) -> None:
    """Draw placed lines on the current page."""
    current: tuple[str, float] | None = None
    color: tuple[float, float, float] | None = None
    for line in lines:
        if current != (line.font, line.size):
            canvas.setFont(line.font, line.size)
            current = (line.font, line.size)
        if color != line.color:
            canvas.setFillColorRGB(*line.color)
            canvas.setStrokeColorRGB(*line.color)
            color = line.color
        if line.align == "left":
            canvas.drawString(line.x, line.y, line.text)
        elif line.align == "right":
            canvas.drawRightString(line.x, line.y, line.text)
        else:
            canvas.drawCentredString(line.x, line.y, line.text)
        if line.underline:
            canvas.setLineWidth(max(0.6, line.size / 20))
            u = line.y - line.size * 0.22
            canvas.line(line.left, u, line.left + line.width, u)


def new_canvas(out: str | os.PathLike[str] | BinaryIO, title: str = "", author: str = "") -> Any:
    from reportlab.pdfgen.canvas import Canvas

    # The initial font is ours too, so that no standard (unembedded) font enters the PDF.
    canvas = Canvas(out if not isinstance(out, os.PathLike) else os.fspath(out), pageCompression=1,
                    initialFontName=serif_family().variant(), initialFontSize=12)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Quản lý Thi đua - Khen thưởng")
    canvas._tdkt_forms = set()
    return canvas


def draw_certificate(canvas: Any, layout: Layout, values: dict[str, str], mode: str = "full",
                     offset_mm: tuple[float, float] = (0.0, 0.0)) -> None:
    """Draw one certificate on a new page of ``canvas``."""
    canvas.setPageSize((layout.width_mm * MM, layout.height_mm * MM))
    if mode == "full" and layout.border is not None:
        canvas.doForm(_border_form(canvas, layout))
    draw_lines(canvas, place_fields(layout, values, mode, offset_mm))
    canvas.showPage()


def render_certificates(pages: Iterable[tuple[Layout, dict[str, str]]], out: str | os.PathLike[str] | BinaryIO,
                        mode: str = "full", offset_mm: tuple[float, float] = (0.0, 0.0),
                        title: str = "", author: str = "") -> int:
    """Write one PDF with a page per (layout, values); returns the number of pages."""
    if mode not in MODES:
        raise CertificateError(f"Chế độ in «{mode}» không hợp lệ; dùng «full» (giấy trắng) hoặc «overlay» (in lên phôi).")
    canvas = new_canvas(out, title, author)
    count = 0
    for layout, values in pages:
        draw_certificate(canvas, layout, values, mode, offset_mm)
        count += 1
    if count == 0:
        raise CertificateError("Không có giấy khen nào để in.")
    canvas.save()
    return count


def render_test_page(out: str | os.PathLike[str] | BinaryIO, printer: str = DEFAULT_PRINTER,
                     offset_mm: tuple[float, float] = (0.0, 0.0), paper: str = "A4",
                     orientation: str = "landscape") -> None:
    """A calibration page: a millimetre grid and crosshairs at known positions, moved by
    the printer's offset exactly as overlay fields are."""
    family = serif_family()
    w_mm, h_mm = PAPER_SIZES_MM[paper]
    if orientation == "landscape":
        w_mm, h_mm = h_mm, w_mm
    dx, dy = offset_mm
    canvas = new_canvas(out, f"Trang thử căn chỉnh máy in - {printer}")
    canvas.setPageSize((w_mm * MM, h_mm * MM))
    H = h_mm * MM

    def px(x_mm: float) -> float:
        return (x_mm + dx) * MM

    def py(y_mm: float) -> float:
        return H - (y_mm + dy) * MM

    for i in range(0, int(w_mm) + 1):
        heavy = i % 10 == 0
        canvas.setStrokeColorRGB(*((0.35, 0.35, 0.35) if heavy else (0.8, 0.85, 0.95) if i % 5 else (0.6, 0.65, 0.8)))
        canvas.setLineWidth(0.5 if heavy else 0.2)
        canvas.line(px(i), py(0), px(i), py(h_mm))
    for j in range(0, int(h_mm) + 1):
        heavy = j % 10 == 0
        canvas.setStrokeColorRGB(*((0.35, 0.35, 0.35) if heavy else (0.8, 0.85, 0.95) if j % 5 else (0.6, 0.65, 0.8)))
        canvas.setLineWidth(0.5 if heavy else 0.2)
        canvas.line(px(0), py(j), px(w_mm), py(j))
    canvas.setFillColorRGB(0.2, 0.2, 0.2)
    canvas.setFont(family.variant(), 6)
    for i in range(10, int(w_mm), 10):
        canvas.drawString(px(i) + 0.6, py(4) , str(i))
    for j in range(10, int(h_mm), 10):
        canvas.drawString(px(1), py(j) - 7, str(j))
    # Crosshairs 20 mm in from each corner and at the centre.
    marks = [(20, 20), (w_mm - 20, 20), (20, h_mm - 20), (w_mm - 20, h_mm - 20), (w_mm / 2, h_mm / 2)]
    canvas.setStrokeColorRGB(0.85, 0, 0)
    canvas.setFillColorRGB(0.85, 0, 0)
    for mx, my in marks:
        canvas.setLineWidth(0.6)
        canvas.line(px(mx - 8), py(my), px(mx + 8), py(my))
        canvas.line(px(mx), py(my - 8), px(mx), py(my + 8))
        canvas.circle(px(mx), py(my), 3 * MM, stroke=1, fill=0)
        canvas.setFont(family.variant(bold=True), 8)
        label = f"({mx:g}; {my:g}) mm"
        if mx > w_mm / 2 + 1:
            canvas.drawRightString(px(mx) - 4 * MM, py(my) + 2 * MM, label)
        else:
            canvas.drawString(px(mx) + 4 * MM, py(my) + 2 * MM, label)
    cx = px(w_mm / 2)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.rect(px(w_mm / 2 - 125), py(78), 250 * MM, 46 * MM, stroke=1, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(family.variant(bold=True), 13)
    canvas.drawCentredString(cx, py(38), f"TRANG THỬ CĂN CHỈNH MÁY IN - {printer}")
    canvas.setFont(family.variant(), 10.5)
    notes = [
        f"Khổ {paper} {ORIENTATIONS[orientation]}; độ lệch đang dùng: ngang {dx:+.1f} mm, dọc {dy:+.1f} mm.",
        "In trang này với tỷ lệ 100% (tắt \"Vừa trang\" / \"Fit to page\"), rồi đo bằng thước từ mép giấy tới tâm các dấu chữ thập.",
        "Nếu tâm dấu ở góc trên bên trái cách mép trái a mm (đúng ra 20 mm) và cách mép trên b mm (đúng ra 20 mm),",
        "hãy đặt độ lệch mới: ngang = độ lệch hiện tại + (20 - a), dọc = độ lệch hiện tại + (20 - b).",
        f"Lệnh: python main.py certificates calibrate --printer \"{printer}\" --dx <mm> --dy <mm>",
    ]
    for k, note in enumerate(notes):
        canvas.drawCentredString(cx, py(47 + 6 * k), note)
    canvas.showPage()
    canvas.save()
