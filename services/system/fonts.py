"""Fonts for the documents the app prints (certificates, lists, decisions).

Times New Roman is the font of Vietnamese administrative documents. It is taken
from the system where present (Windows: ``%WINDIR%\\Fonts\\times.ttf`` and its bold
and italic files); otherwise the bundled Liberation Serif (SIL OFL, metric-compatible
with Times New Roman, full Vietnamese coverage) in ``resources/fonts/`` is used.

The family is registered with reportlab once per process; reportlab embeds each
TrueType font as a subset (``FontFile2``) in every PDF that uses it.

Usage::

    family = serif_family()
    canvas.setFont(family.variant(bold=True), 14)
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

RESOURCES_FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"

STYLES = ("regular", "bold", "italic", "bold_italic")

# File names of Times New Roman as Windows (and the msttcorefonts package) ship it.
TIMES_FILES: dict[str, tuple[str, ...]] = {
    "regular": ("times.ttf", "Times_New_Roman.ttf", "Times New Roman.ttf"),
    "bold": ("timesbd.ttf", "Times_New_Roman_Bold.ttf", "Times New Roman Bold.ttf"),
    "italic": ("timesi.ttf", "Times_New_Roman_Italic.ttf", "Times New Roman Italic.ttf"),
    "bold_italic": ("timesbi.ttf", "Times_New_Roman_Bold_Italic.ttf", "Times New Roman Bold Italic.ttf"),
}
BUNDLED_FILES: dict[str, str] = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}


@dataclass(frozen=True)
class FontFamily:
    """A registered family: its name and the reportlab font name of each style."""

    name: str
    fonts: dict[str, str]
    files: dict[str, Path]
    from_system: bool

    def variant(self, bold: bool = False, italic: bool = False) -> str:
        """The reportlab font name for the style (for ``canvas.setFont``)."""
        if bold and italic:
            return self.fonts["bold_italic"]
        if bold:
            return self.fonts["bold"]
        if italic:
            return self.fonts["italic"]
        return self.fonts["regular"]


def system_font_dirs() -> list[Path]:
    """Folders where the system keeps fonts: Windows first, then common Linux and macOS places."""
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    dirs += [
        Path("/usr/share/fonts/truetype/msttcorefonts"),
        Path("/usr/share/fonts/truetype/times"),
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts/Supplemental"),
    ]
    return dirs


def find_times_new_roman(dirs: list[Path] | None = None) -> dict[str, Path] | None:
    """The four Times New Roman files if all are found in ``dirs`` (default: the system's)."""
    found: dict[str, Path] = {}
    for style, names in TIMES_FILES.items():
        for folder in dirs if dirs is not None else system_font_dirs():
            hit = next((folder / n for n in names if (folder / n).is_file()), None)
            if hit is not None:
                found[style] = hit
                break
        else:
            return None
    return found


def bundled_serif_files() -> dict[str, Path]:
    return {style: RESOURCES_FONTS / name for style, name in BUNDLED_FILES.items()}


_lock = threading.Lock()
_registered: dict[str, FontFamily] = {}


def register_family(name: str, files: dict[str, Path], *, from_system: bool = False) -> FontFamily:
    """Register four TrueType files under ``name`` with reportlab (once) and return the family."""
    with _lock:
        if name in _registered:
            return _registered[name]
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        fonts = {style: f"{name}-{style}" for style in STYLES}
        for style in STYLES:
            pdfmetrics.registerFont(TTFont(fonts[style], str(files[style])))
        pdfmetrics.registerFontFamily(
            name, normal=fonts["regular"], bold=fonts["bold"], italic=fonts["italic"], boldItalic=fonts["bold_italic"]
        )
        family = FontFamily(name=name, fonts=fonts, files=dict(files), from_system=from_system)
        _registered[name] = family
        return family


def serif_family() -> FontFamily:
    """Times New Roman from the system, else the bundled Liberation Serif, registered."""
    with _lock:
        if "serif" in _registered:
            return _registered["serif"]
    times = find_times_new_roman()
    if times is not None:
        family = register_family("TimesNewRoman", times, from_system=True)
    else:
        files = bundled_serif_files()
        missing = [str(p) for p in files.values() if not p.is_file()]
        if missing:
            raise FileNotFoundError(
                "Không tìm thấy phông Times New Roman trên máy và thiếu phông kèm theo ứng dụng: "
                + ", ".join(missing) + ". Hãy cài đặt lại ứng dụng."
            )
        family = register_family("LiberationSerif", files)
    with _lock:
        _registered["serif"] = family
    return family
