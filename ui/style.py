"""Look and feel shared by every window: font, style sheet, icons, number formatting."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QStyle

ICONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"

# Fonts with full Vietnamese coverage, best first (Windows, then Linux).
FONT_CANDIDATES = ("Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Tahoma")
FONT_POINT_SIZE = 10

ACCENT = "#1f4e79"

STYLE_SHEET = f"""
QMainWindow, QWidget#pageArea {{ background: #f4f6f9; }}
QListWidget#sidebar {{
    background: #1f3b57; color: #e8eef5; border: none; outline: 0;
    padding-top: 8px;
}}
QListWidget#sidebar::item {{ padding: 9px 12px; border-left: 4px solid transparent; }}
QListWidget#sidebar::item:hover {{ background: #2a4d70; }}
QListWidget#sidebar::item:selected {{ background: #f4f6f9; color: {ACCENT}; border-left: 4px solid #d4a017; }}
QLabel#pageTitle {{ color: {ACCENT}; font-size: 16pt; font-weight: bold; }}
QLabel#pageDescription {{ color: #5b6777; }}
QFrame#card {{ background: white; border: 1px solid #d5dce6; border-radius: 6px; }}
QFrame#card QLabel {{ background: transparent; border: none; }}
QLabel[role="cardTitle"] {{ color: #5b6777; font-weight: bold; }}
QLabel[role="cardValue"] {{ color: {ACCENT}; font-size: 22pt; font-weight: bold; }}
QLabel[role="cardNote"] {{ color: #5b6777; }}
QGroupBox {{
    background: white; border: 1px solid #d5dce6; border-radius: 6px;
    margin-top: 14px; padding: 10px 8px 8px 8px; font-weight: bold; color: {ACCENT};
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QGroupBox QLabel, QGroupBox QTableWidget {{ font-weight: normal; color: #222; }}
QTableWidget {{ border: none; gridline-color: #e3e8ef; alternate-background-color: #f7f9fc; }}
QHeaderView::section {{
    background: #eef2f7; color: #33414f; border: none; border-bottom: 1px solid #d5dce6;
    padding: 4px 6px; font-weight: bold;
}}
QLabel#emptyNote {{ color: #7a8594; font-style: italic; }}
QLabel#loadStatus {{ color: #5b6777; }}
QLabel#loadError {{ color: #b03a2e; }}
QStatusBar {{ background: #e9edf2; color: #33414f; }}
"""


def pick_font_family() -> str:
    families = set(QFontDatabase.families())
    for name in FONT_CANDIDATES:
        if name in families:
            return name
    return QApplication.font().family()


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    font = QFont(pick_font_family(), FONT_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons/NAME.svg, or the Qt standard icon ``SP_...``."""
    if name.startswith("SP_"):
        style = QApplication.style()
        return style.standardIcon(getattr(QStyle.StandardPixmap, name))
    path = ICONS_DIR / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def format_int(value: int) -> str:
    """1234 -> "1.234" (Vietnamese grouping)."""
    return QLocale().toString(int(value))


def format_percent(part: int, whole: int) -> str:
    """12 of 96 -> "12,5%"; empty when ``whole`` is 0."""
    if not whole:
        return ""
    return QLocale().toString(100.0 * part / whole, "f", 1) + "%"
