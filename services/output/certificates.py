"""Certificates (giấy khen, giấy chứng nhận, bằng khen) as PDF, and their register (sổ vàng).

Layouts are data: one JSON file per certificate type in ``resources/certificates/``
(a file of the same name in the user's data folder, ``<data>/certificates/``, takes
precedence, so an office can move a field without touching the installation).
Every position is in millimetres from the top-left corner of the sheet; ``y`` is the
baseline of a field's first line. Long text wraps within ``max_width`` up to
``max_lines`` lines and shrinks until it fits: it never overflows.

Two modes: ``full`` prints everything on plain paper with a decorative border;
``overlay`` prints only the variable fields onto a pre-printed form (phôi), moved by
the printer's calibration offset (stored in the ``Setting`` table, one key per printer).

Printing a batch records one ``CertificateRecord`` per certificate: the first printing
of an award on a layout gets the next register number of that layout and year
("125/GK-2024"); printing it again is recorded as a reprint that keeps the number.
"""
from __future__ import annotations

import getpass
import json
import os
import re
import string
from collections.abc import Iterable, Sequence
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
    Setting,
    Signer,
    Title,
    Unit,
)
from services.awards.valid_awards import CANCELLED, decision_cancelled
from services.system.files import atomic_write
from services.system.fonts import FontFamily, serif_family
from services.system.settings import default_signer
from services.system.text import fold, format_date, long_date, name_ranks, nfc

MM = 72.0 / 25.4  # points per millimetre
RESOURCES_LAYOUTS = Path(__file__).resolve().parents[2] / "resources" / "certificates"
USER_LAYOUT_FOLDER = "certificates"

PAPER_SIZES_MM: dict[str, tuple[float, float]] = {  # portrait (width, height)
    "A5": (148.0, 210.0),
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
}
ORIENTATIONS = {"portrait": "dọc", "landscape": "ngang"}
ALIGNS = {"left", "center", "right"}
SUBJECT_KINDS = {"person", "unit"}
MODES = ("full", "overlay")
MIN_FONT_SIZE = 4.0
SHRINK_STEP = 0.5
CALIBRATION_PREFIX = "certificate_calibration:"
DEFAULT_PRINTER = "Mặc định"

# What a layout's text may contain, with the meaning shown in error messages.
PLACEHOLDERS: dict[str, str] = {
    "issuing_authority": "cấp khen (vd. GIÁM ĐỐC SỞ ...)",
    "title_name": "tên danh hiệu / hình thức khen thưởng",
    "title_upper": "tên danh hiệu viết hoa",
    "salutation": "Ông / Bà",
    "name": "họ tên người hoặc tên tập thể được khen",
    "recipient": "Ông/Bà và họ tên (tập thể: tên tập thể)",
    "position": "chức vụ",
    "unit": "đơn vị",
    "position_unit": "chức vụ và đơn vị",
    "agency": "tên cơ quan",
    "achievement": "thành tích",
    "year": "năm thi đua",
    "decision_number": "số quyết định",
    "decision_date": "ngày quyết định (dd/mm/yyyy)",
    "decision_ref": "Quyết định số ... ngày ...",
    "place_date": "địa danh, ngày ... tháng ... năm ...",
    "signer_capacity": "thẩm quyền ký (vd. KT. GIÁM ĐỐC)",
    "signer_position": "chức vụ người ký",
    "signer_name": "họ tên người ký",
    "register_no": "số vào sổ vàng",
}


class LayoutError(ValueError):
    """A layout file that cannot be used; the message (Vietnamese) says where and how to fix it."""


class CertificateError(RuntimeError):
    """A certificate job that cannot be done; the message (Vietnamese) says why and what to do."""


# ----------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class FieldSpec:
    name: str
    text: str
    x: float  # mm from the left edge: the left end, centre or right end per ``align``
    y: float  # mm from the top edge: the first line's baseline
    size: float
    bold: bool = False
    italic: bool = False
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)
    align: str = "center"
    max_width: float = 100.0  # mm
    max_lines: int = 1
    line_height: float = 1.25
    preprinted: bool = False  # on the pre-printed form: drawn only in full mode
    upper: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    register_code: str
    width_mm: float
    height_mm: float
    paper: str
    orientation: str
    titles: tuple[str, ...]
    subjects: tuple[str, ...]
    border: dict[str, Any] | None
    fields: tuple[FieldSpec, ...]
    path: Path | None = None

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _parse_color(value: Any, where: str) -> tuple[float, float, float]:
    if not isinstance(value, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise LayoutError(f"{where}: màu «{value}» không hợp lệ; hãy ghi dạng #RRGGBB, vd. \"#C00000\" (đỏ).")
    return tuple(int(value[i:i + 2], 16) / 255.0 for i in (1, 3, 5))  # type: ignore[return-value]


def _number(raw: dict[str, Any], key: str, where: str, *, default: float | None = None,
            minimum: float | None = None, maximum: float | None = None) -> float:
    if key not in raw:
        if default is None:
            raise LayoutError(f"{where}: thiếu khóa «{key}».")
        return default
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LayoutError(f"{where}: «{key}» phải là một số (hiện là {json.dumps(value, ensure_ascii=False)}).")
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        raise LayoutError(f"{where}: «{key}» = {value} nằm ngoài khoảng cho phép ({minimum} đến {maximum}).")
    return float(value)


def _bool(raw: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise LayoutError(f"{where}: «{key}» phải là true hoặc false.")
    return value


def _text(raw: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise LayoutError(f"{where}: thiếu hoặc sai khóa «{key}» (phải là một chuỗi chữ).")
    return nfc(value)


def parse_layout(data: Any, source: str = "mẫu", *, path: Path | None = None) -> Layout:
    """Validate a layout's JSON data; raise ``LayoutError`` (Vietnamese) on the first problem."""
    if not isinstance(data, dict):
        raise LayoutError(f"{source}: nội dung phải là một đối tượng JSON {{...}}.")
    name = _text(data, "name", source)
    where = f"{source} (mẫu «{name}»)"
    label = _text(data, "label", where, default=name)
    code = _text(data, "register_code", where)
    if not re.fullmatch(r"[0-9A-Za-zĐđ.\-]{1,20}", code):
        raise LayoutError(f"{where}: «register_code» = «{code}» chỉ được gồm chữ, số, dấu chấm và gạch ngang (vd. \"GK\").")
    paper = data.get("paper", {})
    if not isinstance(paper, dict):
        raise LayoutError(f"{where}: «paper» phải có dạng {{\"size\": \"A4\", \"orientation\": \"landscape\"}}.")
    size = paper.get("size", "A4")
    if size not in PAPER_SIZES_MM:
        raise LayoutError(f"{where}: khổ giấy «{size}» không hỗ trợ; dùng một trong {', '.join(PAPER_SIZES_MM)}.")
    orientation = paper.get("orientation", "landscape")
    if orientation not in ORIENTATIONS:
        raise LayoutError(f"{where}: hướng giấy «{orientation}» không hợp lệ; dùng \"portrait\" (dọc) hoặc \"landscape\" (ngang).")
    w, h = PAPER_SIZES_MM[size]
    if orientation == "landscape":
        w, h = h, w
    titles = data.get("titles", ["*"])
    subjects = data.get("subjects", ["person", "unit"])
    if not isinstance(titles, list) or not all(isinstance(t, str) for t in titles):
        raise LayoutError(f"{where}: «titles» phải là danh sách mã danh hiệu, vd. [\"GIAY_KHEN\"].")
    if not isinstance(subjects, list) or not subjects or not set(subjects) <= SUBJECT_KINDS:
        raise LayoutError(f"{where}: «subjects» phải là danh sách gồm \"person\" (cá nhân) và/hoặc \"unit\" (tập thể).")
    border = data.get("border")
    if border is not None:
        if not isinstance(border, dict):
            raise LayoutError(f"{where}: «border» phải là đối tượng JSON hoặc null.")
        border = {
            "outer_color": _parse_color(border.get("outer_color", "#B8860B"), f"{where}, viền"),
            "inner_color": _parse_color(border.get("inner_color", "#B22222"), f"{where}, viền"),
            "margin": _number(border, "margin", f"{where}, viền", default=8, minimum=2, maximum=min(w, h) / 4),
        }
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise LayoutError(f"{where}: «defaults» phải là đối tượng JSON.")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise LayoutError(f"{where}: thiếu danh sách trường «fields».")
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    formatter = string.Formatter()
    for i, raw_field in enumerate(raw_fields, start=1):
        fw = f"{where}, trường thứ {i}"
        if not isinstance(raw_field, dict):
            raise LayoutError(f"{fw}: phải là đối tượng JSON {{...}}.")
        merged = {**defaults, **raw_field}
        fname = _text(merged, "name", fw)
        fw = f"{where}, trường «{fname}»"
        if fname in seen:
            raise LayoutError(f"{fw}: tên trường bị trùng.")
        seen.add(fname)
        text = _text(merged, "text", fw)
        try:
            names = [n for _, n, _, _ in formatter.parse(text) if n is not None]
        except ValueError:
            raise LayoutError(f"{fw}: dấu ngoặc {{ }} trong «{text}» không khớp.") from None
        unknown = [n for n in names if n not in PLACEHOLDERS]
        if unknown:
            raise LayoutError(
                f"{fw}: không có dữ liệu «{{{unknown[0]}}}». Các tên được dùng: "
                + ", ".join("{" + k + "}" for k in PLACEHOLDERS) + "."
            )
        align = merged.get("align", "center")
        if align not in ALIGNS:
            raise LayoutError(f"{fw}: căn lề «{align}» không hợp lệ; dùng \"left\", \"center\" hoặc \"right\".")
        fields.append(FieldSpec(
            name=fname,
            text=text,
            x=_number(merged, "x", fw, minimum=0, maximum=w),
            y=_number(merged, "y", fw, minimum=0, maximum=h),
            size=_number(merged, "size", fw, default=14, minimum=MIN_FONT_SIZE, maximum=200),
            bold=_bool(merged, "bold", fw, False),
            italic=_bool(merged, "italic", fw, False),
            color=_parse_color(merged.get("color", "#000000"), fw),
            align=align,
            max_width=_number(merged, "max_width", fw, default=100, minimum=5, maximum=w),
            max_lines=int(_number(merged, "max_lines", fw, default=1, minimum=1, maximum=20)),
            line_height=_number(merged, "line_height", fw, default=1.25, minimum=0.8, maximum=3),
            preprinted=_bool(merged, "preprinted", fw, False),
            upper=_bool(merged, "upper", fw, False),
            underline=_bool(merged, "underline", fw, False),
        ))
        spec = fields[-1]
        left = spec.x - {"left": 0, "center": spec.max_width / 2, "right": spec.max_width}[align]
        if left < -0.01 or left + spec.max_width > w + 0.01:
            raise LayoutError(
                f"{fw}: vùng chữ rộng {spec.max_width:g} mm tại x = {spec.x:g} mm vượt ra ngoài khổ giấy "
                f"({w:g} mm); hãy giảm «max_width» hoặc dời «x»."
            )
    return Layout(name=name, label=label, register_code=code, width_mm=w, height_mm=h, paper=size,
                  orientation=orientation, titles=tuple(titles), subjects=tuple(subjects), border=border,
                  fields=tuple(fields), path=path)


def load_layout(path: Path) -> Layout:
    """Read and validate one layout file."""
    source = f"Tệp mẫu «{path.name}»"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LayoutError(f"{source}: không đọc được ({exc.strerror or exc}).") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LayoutError(
            f"{source} không phải JSON hợp lệ: lỗi ở dòng {exc.lineno}, cột {exc.colno}. "
            "Hãy kiểm tra dấu phẩy, dấu ngoặc và dấu nháy kép rồi mở lại ứng dụng."
        ) from None
    layout = parse_layout(data, source, path=path)
    if layout.name != path.stem:
        raise LayoutError(f"{source}: «name» là «{layout.name}» nhưng tên tệp là «{path.stem}»; hai tên phải trùng nhau.")
    return layout


def layout_dirs() -> list[Path]:
    """Where layouts are looked for, the user's folder first."""
    from models.db import data_dir

    return [data_dir() / USER_LAYOUT_FOLDER, RESOURCES_LAYOUTS]


def available_layouts(dirs: Sequence[Path] | None = None) -> dict[str, Layout]:
    """Every layout by name; a file in an earlier folder hides one of the same name in a later one."""
    found: dict[str, Layout] = {}
    for folder in dirs if dirs is not None else layout_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            if path.stem not in found:
                found[path.stem] = load_layout(path)
    return found


def get_layout(name: str, layouts: dict[str, Layout] | None = None) -> Layout:
    layouts = available_layouts() if layouts is None else layouts
    if name not in layouts:
        raise CertificateError(f"Không có mẫu «{name}». Các mẫu hiện có: {', '.join(sorted(layouts)) or '(không có)'}.")
    return layouts[name]


def default_layout_name(title_code: str, subject: str, layouts: dict[str, Layout]) -> str:
    """The layout for an award: one naming its title for its subject, else a catch-all ("*")."""
    for wanted in (title_code, "*"):
        for name in sorted(layouts):
            lay = layouts[name]
            if wanted in lay.titles and subject in lay.subjects:
                return name
    raise CertificateError(
        f"Không có mẫu giấy khen nào cho danh hiệu «{title_code}» "
        f"({'cá nhân' if subject == 'person' else 'tập thể'}). Hãy chọn mẫu bằng tùy chọn --layout."
    )


# ----------------------------------------------------------------------------- fitting and placing


@dataclass(frozen=True)
class PlacedLine:
    """One line of text as drawn: PDF points from the bottom-left corner."""

    field: str
    text: str
    x: float  # the anchor: left end, centre or right end per ``align``
    y: float  # baseline
    font: str
    size: float
    color: tuple[float, float, float]
    align: str
    width: float  # drawn width in points
    underline: bool = False

    @property
    def left(self) -> float:
        return self.x - {"left": 0.0, "center": self.width / 2, "right": self.width}[self.align]


def _wrap(words: list[str], widths: list[float], space: float, limit: float) -> list[tuple[str, float]]:
    lines: list[tuple[str, float]] = []
    current: list[str] = []
    cur_w = 0.0
    for word, w in zip(words, widths):
        if current and cur_w + space + w > limit:
            lines.append((" ".join(current), cur_w))
            current, cur_w = [word], w
        else:
            cur_w = w if not current else cur_w + space + w
            current.append(word)
    if current:
        lines.append((" ".join(current), cur_w))
    return lines


def fit_text(text: str, font: str, size: float, max_width_pt: float, max_lines: int,
             min_size: float = MIN_FONT_SIZE) -> tuple[float, list[tuple[str, float]]]:
    """(font size, [(line, width in pt)]) with at most ``max_lines`` lines each within the width.

    Wraps at spaces first, then shrinks by half points. Below ``min_size`` the text is
    scaled down further until it fits, so it never overflows.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = text.split()
    if not words:
        return size, []
    unit = [stringWidth(w, font, 1.0) for w in words]
    space = stringWidth(" ", font, 1.0)
    s = size
    while True:
        widths = [u * s for u in unit]
        if max_lines == 1:
            total = sum(widths) + space * s * (len(words) - 1)
            if total <= max_width_pt:
                return s, [(" ".join(words), total)]
        elif max(widths) <= max_width_pt:
            lines = _wrap(words, widths, space * s, max_width_pt)
            if len(lines) <= max_lines:
                return s, lines
        if s - SHRINK_STEP >= min_size:
            s -= SHRINK_STEP
            continue
        # Even the smallest size is too big: scale exactly to the width.
        lines = _wrap(words, widths, space * s, max_width_pt) if max_lines > 1 else [(" ".join(words), sum(widths) + space * s * (len(words) - 1))]
        if len(lines) > max_lines:
            lines = _wrap(words, widths, space * s, max_width_pt * len(lines) / max_lines)
            lines = lines[:max_lines] if len(lines) <= max_lines else [(" ".join(words), sum(widths) + space * s * (len(words) - 1))]
        widest = max(w for _, w in lines)
        factor = min(1.0, max_width_pt / widest) if widest else 1.0
        return s * factor, [(t, w * factor) for t, w in lines]


def field_text(spec: FieldSpec, values: dict[str, str]) -> str:
    text = nfc(spec.text.format_map(values))
    text = " ".join(text.split())
    return text.upper() if spec.upper else text


def place_fields(layout: Layout, values: dict[str, str], mode: str = "full",
                 offset_mm: tuple[float, float] = (0.0, 0.0), family: FontFamily | None = None) -> list[PlacedLine]:
    """Every line of one certificate, where it goes. In overlay mode only the variable
    fields, each moved by ``offset_mm`` (dx to the right, dy downwards)."""
    family = family or serif_family()
    dx, dy = offset_mm if mode == "overlay" else (0.0, 0.0)
    page_h = layout.height_mm * MM
    placed: list[PlacedLine] = []
    for spec in layout.fields:
        if mode == "overlay" and spec.preprinted:
            continue
        text = field_text(spec, values)
        if not text:
            continue
        font = family.variant(spec.bold, spec.italic)
        size, lines = fit_text(text, font, spec.size, spec.max_width * MM, spec.max_lines)
        x = (spec.x + dx) * MM
        y = page_h - (spec.y + dy) * MM
        for i, (line, width) in enumerate(lines):
            placed.append(PlacedLine(spec.name, line, x, y - i * size * spec.line_height, font, size,
                                     spec.color, spec.align, width, spec.underline))
    return placed


# ----------------------------------------------------------------------------- drawing


def _border_form(canvas: Any, layout: Layout) -> str:
    """The decorative border of a layout, drawn once per PDF as a reusable form."""
    name = f"border-{layout.name}"
    forms = canvas._tdkt_forms  # type: ignore[attr-defined]
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
    canvas._tdkt_forms = set()  # type: ignore[attr-defined]
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


# ----------------------------------------------------------------------------- calibration


def calibration_key(printer: str | None) -> str:
    name = nfc((printer or "").strip()) or DEFAULT_PRINTER
    return (CALIBRATION_PREFIX + name)[:100]


def get_calibration(session: Session, printer: str | None) -> tuple[float, float]:
    """The (dx, dy) offset in mm of a printer; (0, 0) when it was never calibrated."""
    setting = session.get(Setting, calibration_key(printer))
    if setting is None or not isinstance(setting.value, dict):
        return 0.0, 0.0
    return float(setting.value.get("dx", 0.0)), float(setting.value.get("dy", 0.0))


def set_calibration(session: Session, printer: str | None, dx: float, dy: float) -> None:
    """Store a printer's offset (mm; dx to the right, dy downwards). The caller commits."""
    for v in (dx, dy):
        if not -50 <= v <= 50:
            raise CertificateError(f"Độ lệch {v:g} mm quá lớn; chỉ nhận từ -50 đến 50 mm. Hãy đo lại trên trang thử.")
    key = calibration_key(printer)
    setting = session.get(Setting, key)
    value = {"dx": round(float(dx), 2), "dy": round(float(dy), 2), "printer": nfc(printer or DEFAULT_PRINTER)}
    if setting is None:
        session.add(Setting(key=key, value=value))
    else:
        setting.value = value


def list_calibrations(session: Session) -> dict[str, tuple[float, float]]:
    rows = session.scalars(select(Setting).where(Setting.key.like(CALIBRATION_PREFIX + "%"))).all()
    return {r.key[len(CALIBRATION_PREFIX):]: (float(r.value.get("dx", 0)), float(r.value.get("dy", 0))) for r in rows}


# ----------------------------------------------------------------------------- data of a certificate


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


# ----------------------------------------------------------------------------- the register and batches


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


def _plan_pages(session: Session, award_ids: Sequence[int], *, layout_name: str | None, mode: str,
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
    plan = _plan_pages(session, award_ids, layout_name=layout_name, mode=mode, printer=printer, layouts=layouts,
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


# ----------------------------------------------------------------------------- command line






# ----------------------------------------------------------------------------- for the screens
# What the certificate screens need beyond printing: the printable decisions with their
# award counts, the lines of one decision, a preview that writes nothing, reprints of
# chosen register entries, and the register as flat rows.


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
    plan = _plan_pages(session, award_ids, layout_name=layout_name, mode=mode, printer=printer, layouts=layouts,
                       what="xem trước")
    numbers = [p.register_no for p in plan.pages]
    provisional = [p.original is None for p in plan.pages]
    count = render_certificates([(p.layout, p.values) for p in plan.pages], out, mode, plan.offset,
                                "Xem trước giấy khen", plan.agency.name if plan.agency else "")
    return PreviewResult(count, numbers, provisional)


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
            name, subject, unit = a.person.full_name, "person", unit_names.get(a.person_id, "")
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
