"""Fitting text on a certificate: long text wraps within a field's ``max_width`` up to
``max_lines`` lines and shrinks until it fits; it never overflows. ``place_fields`` gives
every line of one certificate, where it goes."""
from __future__ import annotations

from dataclasses import dataclass

from services.output.certificates.common import MM
from services.output.certificates.layouts import MIN_FONT_SIZE, FieldSpec, Layout
from services.system.fonts import FontFamily, serif_family
from services.system.text import nfc

SHRINK_STEP = 0.5



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
