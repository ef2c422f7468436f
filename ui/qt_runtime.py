"""Refuse a Python and PySide6 pairing known to abort the process.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of a Qt
method that returns nothing (``label.setText("x")``); after a few thousand calls Python
aborts with ``Fatal Python error: none_dealloc``, losing unsaved work. On Python 3.12 and
later ``None``, ``True`` and ``False`` are immortal and the defect is harmless. The app is
pinned to Python 3.12 (scripts/setup.sh, the Windows workflow); this check keeps a future
upgrade of either from bringing the abort back: a table of known-bad pairings, and a live
probe that counts the references of ``None`` around a hundred such calls.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass

# (shiboken6 version prefix, first Python version on which the pairing is safe).
# 6.12.x: seen on 6.12.0 with Python 3.11 (6.11.3 and 6.10.3 do not do it); refuse the
# whole series below Python 3.12 until a release is shown to be fixed.
KNOWN_BAD: tuple[tuple[str, tuple[int, int]], ...] = (("6.12.", (3, 12)),)

PROBE_CALLS = 100


@dataclass(frozen=True)
class RuntimeProblem:
    what: str
    advice: str

    def text(self) -> str:
        return f"{self.what}\n\n{self.advice}"


def _versions() -> tuple[str, str]:
    import PySide6
    import shiboken6

    return PySide6.__version__, shiboken6.__version__


def known_bad_pairing(shiboken_version: str, python: tuple[int, int]) -> bool:
    return any(shiboken_version.startswith(prefix) and python < safe_from for prefix, safe_from in KNOWN_BAD)


def leaked_references(calls: int = PROBE_CALLS) -> int:
    """How many references to None, True and False a hundred void Qt calls lose (0 when sound).
    Needs no QApplication: QObject.setObjectName is such a call."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = [sys.getrefcount(obj) for obj in (None, True, False)]
    for _ in range(calls):
        probe.setObjectName("probe")
        probe.blockSignals(False)
    after = [sys.getrefcount(obj) for obj in (None, True, False)]
    del probe
    # Immortal objects (3.12+) report a fixed count, so the difference is 0 there too.
    return max(0, max(b - a for b, a in zip(before, after)))


def check_qt_runtime() -> RuntimeProblem | None:
    """None when this Python and PySide6 can run the window safely; otherwise what is wrong."""
    pyside, shiboken = _versions()
    python = sys.version_info[:2]
    py_text = ".".join(map(str, python))
    advice = ("Hãy cài lại phần mềm bằng bộ cài chính thức (hoặc chạy lại scripts/setup.sh, "
              "dùng Python 3.12) rồi mở lại. Dữ liệu của bạn không bị ảnh hưởng.")
    if known_bad_pairing(shiboken, python):
        return RuntimeProblem(
            f"Phần mềm không chạy với Python {py_text} cùng PySide6 {pyside}: tổ hợp này có lỗi "
            "làm cửa sổ tự đóng đột ngột sau một thời gian làm việc, mất dữ liệu chưa lưu.", advice)
    lost = leaked_references()
    if lost:
        return RuntimeProblem(
            f"Thư viện giao diện PySide6 {pyside} trên Python {py_text} làm mất {lost} tham chiếu "
            f"sau {PROBE_CALLS} lệnh thử: cửa sổ sẽ tự đóng đột ngột sau một thời gian làm việc.", advice)
    return None
