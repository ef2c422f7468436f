"""The PySide6 reference-count defect (issue: trust, point 1): a long session of void Qt
calls must not abort, and a known-bad Python/PySide6 pairing is refused at start."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ui import qt_runtime

ROOT = Path(__file__).resolve().parent.parent

LONG_SESSION = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication, QLabel, QTableWidget, QTableWidgetItem
    app = QApplication([])
    label = QLabel()
    table = QTableWidget(50, 4)
    counted = [sys.getrefcount(o) for o in (None, True, False)]
    for i in range(100_000):
        label.setText("x")                      # returns nothing
        label.setVisible(False)
        if i % 1000 == 0:
            table.setItem(i % 50, i % 4, QTableWidgetItem(str(i)))
            app.processEvents()
    after = [sys.getrefcount(o) for o in (None, True, False)]
    print(counted, after)
    sys.exit(0 if counted == after else 4)
""")


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


def test_a_hundred_thousand_void_qt_calls_survive_with_reference_counts_unchanged() -> None:
    done = _run(LONG_SESSION)
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "none_dealloc" not in done.stderr


def test_this_environment_passes_its_own_start_up_check() -> None:
    assert qt_runtime.check_qt_runtime() is None
    assert qt_runtime.leaked_references() == 0


@pytest.mark.parametrize(("shiboken", "python", "bad"), [
    ("6.12.0", (3, 11), True),
    ("6.12.3", (3, 10), True),
    ("6.12.0", (3, 12), False),
    ("6.12.0", (3, 13), False),
    ("6.11.3", (3, 11), False),
    ("6.10.3", (3, 11), False),
])
def test_known_bad_pairings(shiboken: str, python: tuple[int, int], bad: bool) -> None:
    assert qt_runtime.known_bad_pairing(shiboken, python) is bad


def test_a_known_bad_pairing_is_refused_at_start_with_a_vietnamese_message() -> None:
    # Pretend every version is a bad pairing: the application must not start.
    done = _run(textwrap.dedent("""
        import ui.qt_runtime as q
        q.KNOWN_BAD = (("", (99, 0)),)
        from ui.app import ensure_application
        ensure_application()
        print("started")
    """))
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "started" not in done.stdout
    assert "Phần mềm không chạy với Python" in done.stderr
    assert "Python 3.12" in done.stderr


def test_a_leaking_runtime_is_refused_by_the_live_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qt_runtime, "leaked_references", lambda calls=100: calls)
    problem = qt_runtime.check_qt_runtime()
    assert problem is not None and "mất 100 tham chiếu" in problem.what
