"""The charts of the overview and the reports, in one style: matplotlib Figures built from
plain data (no Qt here). The screen wraps them in ``ui.charts.ChartView``; documents embed
them as PNG through ``figure_png``.

Figures are built with ``matplotlib.figure.Figure`` directly (never pyplot), so they can be
made on a worker thread. Text uses DejaVu Sans, shipped with matplotlib, which has every
Vietnamese glyph.
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import matplotlib
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

FONT_FAMILY = "DejaVu Sans"
# One palette everywhere: registered (plan), drafted, decided; then the series colours.
COLOURS = {
    "registered": "#9db4cc",
    "drafted": "#e0a43a",
    "decided": "#2e7d4f",
    "target": "#b03a2e",
    "bar": "#3b6ea5",
    "muted": "#7a8594",
    "text": "#1f2933",
    "grid": "#e3e8ee",
}
SERIES = ["#3b6ea5", "#e0a43a", "#2e7d4f", "#b03a2e", "#7b5ea7", "#4aa3a2", "#c2185b", "#8d6e63"]
PROGRESS_LABELS = ("Đăng ký", "Dự thảo", "Quyết định")

_RC: dict[Any, Any] = {
    "font.family": FONT_FAMILY,
    "font.size": 9,
    "axes.edgecolor": COLOURS["grid"],
    "axes.labelcolor": COLOURS["text"],
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "xtick.color": COLOURS["muted"],
    "ytick.color": COLOURS["text"],
    "svg.fonttype": "none",
}


def _figure(width: float, height: float, layout: Literal["tight", "constrained"] | None = None) -> Figure:
    """A white figure; with ``layout="tight"`` it re-fits its margins whenever it is drawn
    (on screen the canvas follows the widget's width)."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height), dpi=100, facecolor="white", layout=layout)
        engine = fig.get_layout_engine()
        if isinstance(engine, TightLayoutEngine):
            engine.set(pad=0.5)
    return fig


def _style_axes(ax, *, grid_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(COLOURS["grid"])
    ax.spines["bottom"].set_color(COLOURS["grid"])
    ax.grid(axis=grid_axis, color=COLOURS["grid"], linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(length=0, labelsize=8.5)


def _fmt(value: float) -> str:
    """1234 -> "1.234"; 85.5 -> "85,5" (Vietnamese separators)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _empty(fig: Figure, text: str) -> Figure:
    with matplotlib.rc_context(_RC):
        fig.text(0.5, 0.5, text, ha="center", va="center", color=COLOURS["muted"], fontsize=10,
                 fontfamily=FONT_FAMILY, wrap=True)
    return fig


@dataclass(frozen=True)
class ProgressBar:
    """One title of the plan: its label, the plan's target (a count, or None) and the
    registered / drafted / decided counts (None when not applicable)."""

    label: str
    target: float | None
    registered: int | None
    drafted: int | None
    decided: int | None
    target_text: str = ""


def title_progress_figure(rows: Sequence[ProgressBar], *, columns: int = 3, width: float = 9.0,
                          empty_text: str = "Chưa có đăng ký, dự thảo hay quyết định nào.",
                          row_missing: str = "không dự thảo tự động") -> Figure:
    """Small multiples, one panel per title, each on its own scale: three horizontal bars
    (Đăng ký, Dự thảo, Quyết định) and the plan's target as a dashed red line."""
    n = len(rows)
    if not n:
        return _empty(_figure(width, 1.6), empty_text)
    columns = max(1, min(columns, n))
    lines = math.ceil(n / columns)
    fig = _figure(width, 0.55 + 1.3 * lines, "constrained")
    with matplotlib.rc_context(_RC):
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.set(h_pad=0.06, w_pad=0.08, hspace=0.08, wspace=0.04)
        axes = fig.subplots(lines, columns, squeeze=False)
        colours = [COLOURS["registered"], COLOURS["drafted"], COLOURS["decided"]]
        handles: list[Artist] = [Patch(color=c, label=t) for c, t in zip(colours, PROGRESS_LABELS)]
        handles.append(Line2D([0], [0], color=COLOURS["target"], linestyle="--", linewidth=1.2,
                              label="Chỉ tiêu kế hoạch"))
        fig.legend(handles=handles, loc="outside upper left", ncols=4, frameon=False, fontsize=8.5)
        for i, ax in enumerate(axes.flat):
            if i >= n:
                ax.set_visible(False)
                continue
            row = rows[i]
            values = [row.registered, row.drafted, row.decided]
            shown = [v or 0 for v in values]
            top = max([*shown, row.target or 0, 1])
            ys = [2, 1, 0]
            ax.barh(ys, shown, color=colours, height=0.72)
            for y, v, raw in zip(ys, shown, values):
                text = row_missing if raw is None else _fmt(v)
                ax.text(v + top * 0.02, y, text, va="center", ha="left", fontsize=8.5, color=COLOURS["text"])
            if row.target:
                ax.axvline(row.target, color=COLOURS["target"], linestyle="--", linewidth=1.2)
            ax.set_xlim(0, top * 1.3)
            ax.set_ylim(-0.6, 2.6)
            ax.set_yticks(ys, PROGRESS_LABELS if i % columns == 0 else ["", "", ""])
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
            ax.tick_params(axis="x", labelsize=7)
            _style_axes(ax)
            ax.set_title(row.label, loc="left", fontsize=8.5, pad=12 if row.target_text else 3)
            if row.target_text:
                ax.text(0, 1.02, f"Kế hoạch: {row.target_text}", transform=ax.transAxes, fontsize=7.5,
                        color=COLOURS["target"], va="bottom", ha="left")
    return fig


def share_figure(labels: Sequence[str], shares: Sequence[float], *, target: float | None = None,
                 target_label: str = "", width: float = 4.6, xlabel: str = "Tỷ lệ (%)",
                 empty_text: str = "Chưa có dữ liệu.") -> Figure:
    """Horizontal bars of a percentage per item (e.g. the share of LĐTT per unit), with an
    optional target line; bars below the target are drawn in the warning colour."""
    n = len(labels)
    if not n:
        return _empty(_figure(width, 1.6), empty_text)
    fig = _figure(width, 0.7 + 0.24 * n, "tight")
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot(1, 1, 1)
        ys = list(range(n - 1, -1, -1))
        colours = [COLOURS["bar"] if target is None or s >= target else COLOURS["drafted"] for s in shares]
        ax.barh(ys, shares, color=colours, height=0.7)
        for y, s in zip(ys, shares):
            ax.text(min(s, 100) + 1.5, y, f"{_fmt(round(s, 1))}%", va="center", ha="left", fontsize=7.5,
                    color=COLOURS["text"])
        if target is not None:
            ax.axvline(target, color=COLOURS["target"], linestyle="--", linewidth=1.1,
                       label=target_label or f"Mục tiêu {_fmt(target)}%")
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=7.5, frameon=False, borderaxespad=0.2)
        ax.set_yticks(ys, list(labels))
        ax.tick_params(axis="y", labelsize=7.5)
        ax.set_xlim(0, 118)
        ax.set_ylim(-0.6, n - 0.4)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel(xlabel, fontsize=8)
        _style_axes(ax)
    return fig


def grouped_bars_figure(categories: Sequence[str], series: dict[str, Sequence[float]], *, title: str = "",
                        width: float = 6.5, height: float = 3.0, horizontal: bool = False,
                        empty_text: str = "Chưa có dữ liệu.") -> Figure:
    """Bars of several series (e.g. years, or Nam / Nữ) per category (e.g. titles)."""
    if not categories or not series or not any(any(v) for v in series.values()):
        return _empty(_figure(width, min(height, 1.6)), empty_text)
    fig = _figure(width, height, "tight")
    with matplotlib.rc_context(_RC):
        ax = fig.add_subplot(1, 1, 1)
        k = len(series)
        band = 0.8
        bar = band / k
        positions = list(range(len(categories)))
        top = max(max(v) for v in series.values()) or 1
        for j, (name, values) in enumerate(series.items()):
            offs = [p - band / 2 + bar * (j + 0.5) for p in positions]
            colour = SERIES[j % len(SERIES)]
            if horizontal:
                offs = [len(categories) - 1 - o for o in offs]
                ax.barh(offs, values, height=bar * 0.92, color=colour, label=name)
                for o, v in zip(offs, values):
                    if v:
                        ax.text(v + top * 0.01, o, _fmt(v), va="center", ha="left", fontsize=7)
            else:
                ax.bar(offs, values, width=bar * 0.92, color=colour, label=name)
                for o, v in zip(offs, values):
                    if v:
                        ax.text(o, v + top * 0.01, _fmt(v), va="bottom", ha="center", fontsize=7)
        if horizontal:
            ax.set_yticks([len(categories) - 1 - p for p in positions], list(categories))
            ax.set_xlim(0, top * 1.15)
            _style_axes(ax, grid_axis="x")
        else:
            ax.set_xticks(positions, list(categories))
            ax.set_ylim(0, top * 1.15)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            _style_axes(ax, grid_axis="y")
            ax.tick_params(axis="x", labelsize=7.5)
        if k > 1:
            ax.legend(fontsize=7.5, frameon=False, ncols=min(k, 6), loc="upper center",
                      bbox_to_anchor=(0.5, -0.12 if not horizontal else -0.08))
        if title:
            ax.set_title(title, loc="left")
    return fig


def figure_png(fig: Figure, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for .docx and .xlsx)."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def wrap_label(text: str, width: int = 22) -> str:
    """A long category label on at most two lines (cut with "…" beyond)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], (" ".join(lines[1:]))[: width - 1] + "…"]
    return "\n".join(lines)
